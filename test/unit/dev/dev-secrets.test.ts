import { describe, expect, it } from 'vitest';
import { refuseDevSecrets } from '../../../src/dev/dev-secrets.js';
import { parseProjectConfig } from '../../../src/dev/project-config.js';

const base = `name = "hello"\nlanguage = "typescript"\n`;

async function refusal(text: string): Promise<string | undefined> {
  const cfg = await parseProjectConfig(text, '/p/wasmcloud.toml');
  try {
    refuseDevSecrets(cfg, text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('[dev] secrets', () => {
  it('a project without secrets passes', async () => {
    expect(await refusal(`${base}[dev]\nconfig = [{ values = { a = "1" } }]\n`)).toBeUndefined();
  });

  it('[dev].secrets is refused with file:line and the key', async () => {
    const message = await refusal(
      `${base}[dev]\nconfig = [{ name = "x" }]\nsecrets = [{ name = "api-key", values = { key = "s3cret" } }]\n`,
    );
    expect(message).toContain('wash dev cannot deploy secrets: the wash host has no secrets backend');
    expect(message).toContain('/p/wasmcloud.toml:5: dev.secrets');
    expect(message).not.toContain('s3cret');
  });

  it('secrets in an override (array-of-tables form) are refused at their line', async () => {
    const message = await refusal(
      `${base}[[dev.overrides.imports]]\ninterface = "wasi:keyvalue@0.2.0"\n\n[[dev.overrides.exports]]\ninterface = "wasi:http/incoming-handler"\nsecrets = [{ name = "tls", source = { policy = "p", key = "k" } }]\n`,
    );
    expect(message).toContain('/p/wasmcloud.toml:8: dev.overrides.exports[0].secrets');
    expect(message).not.toContain('imports');
  });
});
