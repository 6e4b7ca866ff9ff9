import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../../src/dev/project-config.js';

const base = `name = "hello"\nversion = "0.1.0"\nlanguage = "typescript"\ntype = "component"\n`;

async function errorOf(text: string): Promise<string> {
  try {
    await parseProjectConfig(text, '/p/wasmcloud.toml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('wasmcloud.toml', () => {
  it('parses every documented section and resolves directories against the file', async () => {
    const cfg = await parseProjectConfig(
      `${base}[component]\nwit_world = "hello"\nbuild_command = "make"\nbuild_artifact = "out/x.wasm"\n` +
        `[[registry.pull.sources]]\ntarget = "acme:inv"\nsource = "file://extra"\n` +
        `[dev]\nconfig = [{ values = { a = "1" } }, { name = "shared" }]\n` +
        `[[dev.overrides.imports]]\ninterface_spec = "wasi:keyvalue@0.2.0-draft"\nuri = "ghcr.io/wasmcloud/keyvalue-redis:0.28.2"\nlink_configs = { values = { url = "redis://x" } }\n`,
      '/p/wasmcloud.toml',
    );
    expect(cfg.projectDir).toBe('/p');
    expect(cfg.witDir).toBe('/p/wit');
    expect(cfg.buildDir).toBe('/p/build');
    expect(cfg.component.build_artifact).toBe('out/x.wasm');
    expect(cfg.registry?.pull?.sources).toEqual([{ target: 'acme:inv', source: 'file://extra' }]);
    expect(cfg.dev.config).toEqual([{ values: { a: '1' } }, { name: 'shared' }]);
    // aliases folded into canonical keys
    expect(cfg.dev.overrides.imports[0]).toEqual({
      interface: 'wasi:keyvalue@0.2.0-draft',
      image_ref: 'ghcr.io/wasmcloud/keyvalue-redis:0.28.2',
      link_config: [{ values: { url: 'redis://x' } }],
    });
  });

  it('names file:line and key path of an unknown key', async () => {
    const msg = await errorOf(`${base}[component]\nwit_world = "hello"\nwit_wrold = "x"\n`);
    expect(msg).toContain('/p/wasmcloud.toml:7: unknown key component.wit_wrold');
  });

  it('names file:line and key path of an ill-typed key inside an array of tables', async () => {
    const msg = await errorOf(
      `${base}[[dev.overrides.imports]]\ninterface = "a:b"\n\n[[dev.overrides.imports]]\ninterface = "c:d"\nimage_ref = 42\n`,
    );
    expect(msg).toMatch(/wasmcloud\.toml:10: dev\.overrides\.imports\[1\]\.image_ref .*string/);
  });

  it('reports a missing required key and TOML syntax errors with their line', async () => {
    expect(await errorOf('version = "1"\nlanguage = "rust"\n')).toContain('name is required');
    expect(await errorOf(`${base}[dev\n`)).toMatch(/wasmcloud\.toml:5: invalid TOML/);
  });
});

describe('wasmcloud.toml.example', () => {
  it('is a valid project file (every documented key is supported)', async () => {
    const { readFileSync } = await import('node:fs');
    const { repoRoot } = await import('../../helpers/cli.js');
    const text = readFileSync(`${repoRoot}/wasmcloud.toml.example`, 'utf8');
    const cfg = await parseProjectConfig(text, 'wasmcloud.toml.example');
    expect(cfg.dev.overrides.imports[0].image_ref).toBe('ghcr.io/wasmcloud/keyvalue-redis:0.28.2');
    // and with every commented-out key and table enabled
    const uncommented = text.replace(/^# (?=\[|[a-z_]+ = )/gm, '');
    expect(uncommented).toContain('\ncargo_path = "cargo"');
    await expect(parseProjectConfig(uncommented, 'wasmcloud.toml.example')).resolves.toBeTruthy();
  });
});
