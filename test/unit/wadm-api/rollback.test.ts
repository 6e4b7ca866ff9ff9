import { describe, expect, it } from 'vitest';
import { rollbackTarget } from '../../../src/wadm/client/rollback.js';
import { describeStatus, failureMessage } from '../../../src/wadm/client/wait.js';
import type { DeployRecord, VersionInfo } from '../../../src/wadm/types.js';

const versions = (list: string[], deployed?: string): VersionInfo[] =>
  list.map((version) => ({ version, deployed: version === deployed }));
const hist = (...vs: string[]): DeployRecord[] =>
  vs.map((version, i) => ({ version, deployed_at: new Date(1_700_000_000_000 + i).toISOString() }));

describe('rollback target', () => {
  it('is the version deployed before the current deploy, per the deploy history', () => {
    // v3 deployed, then v1, then v2 (current): previous deploy was v1, although v1 is not the previous in insertion order
    expect(rollbackTarget('a', versions(['v1', 'v2', 'v3'], 'v2'), hist('v3', 'v1', 'v2'))).toEqual({
      target: 'v1',
      from: 'v2',
      basis: 'deploy-history',
    });
  });

  it('rolling back twice toggles, because the rollback itself is a deploy', () => {
    expect(rollbackTarget('a', versions(['v1', 'v2'], 'v1'), hist('v1', 'v2', 'v1')).target).toBe('v2');
  });

  it('skips re-deploys of the current version and versions deleted since', () => {
    expect(rollbackTarget('a', versions(['v1', 'v3'], 'v3'), hist('v1', 'v2', 'v3', 'v3', 'v3')).target).toBe('v1');
  });

  it('starts from the end when the history does not know the current deploy (deployed by Rust wadm)', () => {
    expect(rollbackTarget('a', versions(['v1', 'v2', 'v3'], 'v3'), hist('v1', 'v2'))).toMatchObject({
      target: 'v2',
      basis: 'deploy-history',
    });
  });

  it('falls back to insertion order without history, or when history has nothing earlier', () => {
    expect(rollbackTarget('a', versions(['v1', 'v2', 'v3'], 'v3'), undefined)).toEqual({
      target: 'v2',
      from: 'v3',
      basis: 'insertion-order',
    });
    expect(rollbackTarget('a', versions(['v1', 'v2', 'v3'], 'v2'), hist('v2'))).toMatchObject({
      target: 'v1',
      basis: 'insertion-order',
    });
  });

  it('honours --to and refuses impossible rollbacks with actionable errors', () => {
    expect(rollbackTarget('a', versions(['v1', 'v2', 'v3'], 'v3'), hist('v2', 'v3'), 'v1')).toEqual({
      target: 'v1',
      from: 'v3',
      basis: 'requested',
    });
    expect(() => rollbackTarget('a', versions(['v1'], 'v1'), [], 'v9')).toThrow(/no version v9/);
    expect(() => rollbackTarget('a', versions(['v1', 'v2'], 'v2'), [], 'v2')).toThrow(/already the deployed version/);
    expect(() => rollbackTarget('a', versions(['v1', 'v2']), [])).toThrow(/not deployed/);
    expect(() => rollbackTarget('a', versions(['v1', 'v2'], 'v1'), hist('v1'))).toThrow(/no version older/);
  });
});

describe('status text', () => {
  it('describes progress and failures from scalers', () => {
    const s = {
      status: { type: 'failed' as const, message: 'boom' },
      version: '',
      components: [],
      scalers: [
        { id: '1', kind: 'SpreadScaler', name: 'c1', status: { type: 'deployed' as const } },
        { id: '2', kind: 'LinkScaler', name: 'l1', status: { type: 'failed' as const, message: 'link refused' } },
      ],
    };
    expect(describeStatus(s)).toBe('failed (1/2 scalers ready): boom');
    expect(failureMessage(s)).toBe('LinkScaler l1: link refused');
  });
});
