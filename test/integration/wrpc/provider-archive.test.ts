import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { silentLogger } from '../../../src/host/log.js';
import { hostTarget } from '../../../src/host/provider-process/archive.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { WrpcTransport } from '../../../src/wrpc/transport.js';
import type { FunctionType } from '../../../src/wrpc/types.js';
import { TEST_SUBJECT, writeProviderArchive } from '../../helpers/provider-archive.js';
import type { EventLog } from '../host/helpers.js';
import { providerLauncher, startTestLattice, type TestLattice } from './lattice.js';

const lattice = 'provpar';
const GREET = 'example:greeter/greet@0.1.0';
const greetSig: FunctionType = { params: [{ name: 'name', type: 'string' }], results: ['string'] };

let lat: TestLattice;
let events: EventLog;
let client: CtlClient;
let host: WashHost;
let t: WrpcTransport;
const dir = mkdtempSync(join(tmpdir(), 'wash-par-it-'));
// The TypeScript-SDK greeter behind a launcher script, packed as this machine's executable.
const launcher = providerLauncher(dir, 'greeter.mjs').text;
const ref = (path: string) => pathToFileURL(path).href;

const warnings: string[] = [];
const recordingLogger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };

beforeAll(async () => {
  lat = await startTestLattice(lattice, [{ cacheDir: join(dir, 'cache'), logger: recordingLogger }]);
  ({ events, client, transport: t } = lat);
  host = lat.hosts[0];
});

afterAll(async () => {
  await lat?.close();
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startFailed(id: string, path: string): Promise<string> {
  await client.startProvider({ provider_id: id, provider_ref: ref(path), host_id: host.id, config: [] });
  const e = await events.waitFor(
    (e) => e.name === 'provider_start_failed' && e.data.provider_id === id,
    10_000,
    `provider_start_failed for ${id}`,
  );
  return String((e.data as { error?: unknown }).error);
}

describe('provider archives (.par.gz) from file://', () => {
  it('runs the executable for this machine under supervision and reports the archive claims', async () => {
    const par = writeProviderArchive(dir, 'greeter.par.gz', {
      binaries: { [hostTarget()]: launcher, 'riscv64-plan9': 'not for us' },
      name: 'Greeter',
      vendor: 'Acme Providers',
    });
    await client.startProvider({ provider_id: 'greeter', provider_ref: ref(par), host_id: host.id, config: [] });
    const started = await events.waitFor(
      (e) => e.name === 'provider_started' && e.data.provider_id === 'greeter',
      10_000,
      'provider_started',
    );
    expect((started.data as { claims?: unknown }).claims).toMatchObject({
      name: 'Greeter',
      version: '0.1.0',
      expires_human: 'never',
    });
    await events.waitFor(
      (e) => e.name === 'health_check_passed' && e.data.provider_id === 'greeter',
      20_000,
      'health_check_passed',
    );
    expect(
      await t.invoke(`${lattice}.greeter`, GREET, 'greet', greetSig, ['par'], {
        headers: { 'source-id': 'tester' },
        timeoutMs: 5000,
      }),
    ).toEqual(['Hello, par!']);

    const inventory = await client.getInventory(host.id);
    expect(inventory.providers.find((p) => p.id === 'greeter')).toMatchObject({
      image_ref: ref(par),
      name: 'Greeter',
      vendor: 'Acme Providers',
      revision: 3,
    });
    const claims = await client.getClaims();
    expect(claims.find((c) => c.sub === TEST_SUBJECT)).toMatchObject({ name: 'Greeter', version: '0.1.0', rev: '3' });

    // The process runs the copy extracted into the host's cache (by digest), not the archive.
    expect(readdirSync(join(dir, 'cache', 'providers'))).toEqual([
      expect.stringMatching(new RegExp(`^[0-9a-f]{64}-${hostTarget()}$`)),
    ]);
    expect(host.providerPid('greeter')).toBeGreaterThan(0);

    const pid = host.providerPid('greeter');
    await client.stopProvider({ provider_id: 'greeter', host_id: host.id });
    expect(pid !== undefined && alive(pid)).toBe(false);
  }, 60_000);

  it('starts an archive whose claims.jwt signature is forged, as upstream hosts do (the host warns)', async () => {
    const par = writeProviderArchive(dir, 'forged.par.gz', {
      binaries: { [hostTarget()]: launcher },
      name: 'Forged Greeter',
      forged: true,
    });
    await client.startProvider({ provider_id: 'forged', provider_ref: ref(par), host_id: host.id, config: [] });
    const started = await events.waitFor(
      (e) => e.name === 'provider_started' && e.data.provider_id === 'forged',
      10_000,
      'provider_started',
    );
    expect((started.data as { claims?: unknown }).claims).toMatchObject({ name: 'Forged Greeter' });
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^provider forged \(file:.*forged\.par\.gz\): the signature of its claims\.jwt is not valid \(it was not signed by its issuer A\w+ \(the Ed25519 signature does not match\)\); starting it anyway, as upstream hosts do$/,
      ),
    );
    expect(warnings.filter((w) => w.includes('signature'))).toHaveLength(1); // the genuine archive: none
    await client.stopProvider({ provider_id: 'forged', host_id: host.id });
  }, 60_000);

  it('refuses an archive without an executable for this machine, naming the ones it has', async () => {
    const par = writeProviderArchive(dir, 'elsewhere.par.gz', {
      binaries: { 'riscv64-plan9': 'a', 'sparc-solaris': 'b' },
    });
    const error = await startFailed('elsewhere', par);
    expect(error).toContain(
      `has no executable for this machine (${hostTarget()}); it has: riscv64-plan9, sparc-solaris`,
    );
    expect((await client.getInventory(host.id)).providers.map((p) => p.id)).not.toContain('elsewhere');
  });

  it('refuses a corrupt archive and one whose executable does not match its claims', async () => {
    const good = readFileSync(
      writeProviderArchive(dir, 'good.par.gz', { binaries: { [hostTarget()]: launcher.repeat(20) } }),
    );
    const cut = join(dir, 'cut.par.gz');
    writeFileSync(cut, good.subarray(0, good.length - 16));
    expect(await startFailed('cut', cut)).toContain(`${cut} is not a valid provider archive: gzip data is corrupt`);

    const altered = writeProviderArchive(dir, 'altered.par.gz', {
      binaries: { [hostTarget()]: launcher },
      hashes: { [hostTarget()]: '00'.repeat(32) },
    });
    expect(await startFailed('altered', altered)).toContain('does not match its hash in claims.jwt');
  });
});
