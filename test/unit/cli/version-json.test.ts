import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/up/nats-binary.js', () => ({ natsServerVersion: () => null }));
const { versionInfo, versionText } = await import('../../../src/version.js');

describe('wash --version -o json', () => {
  it('nats-server is always a string, as wash 0.43 prints it (here: none installed)', () => {
    const info = versionInfo();
    expect(typeof info['nats-server']).toBe('string');
    expect(info['nats-server']).toBe('(not found)');
    expect(Object.keys(info)).toEqual(['wash', 'nats-server', 'wadm', 'wasmcloud']);
    expect(versionText(info)).toContain('├ nats-server (not found)');
  });
});
