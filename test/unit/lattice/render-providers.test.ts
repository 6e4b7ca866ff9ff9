import { describe, expect, it } from 'vitest';
import { inventoriesText } from '../../../src/cli/lattice-render.js';
import type { HostInventory } from '../../../src/lattice/types.js';

const inv = (providers: HostInventory['providers']): HostInventory => ({
  components: [],
  providers,
  host_id: 'NHOST',
  friendly_name: 'h',
  labels: {},
  version: '1',
  uptime_human: '1s',
  uptime_seconds: 1,
});

describe('inventory text: provider restarts', () => {
  it('shows a Restarts column with the last exit reason when a host reports provider processes', () => {
    const text = inventoriesText([
      inv([
        {
          id: 'greeter',
          name: 'greeter',
          image_ref: 'file:///p/greeter',
          revision: 0,
          restart_count: 2,
          last_exit_reason: 'killed by SIGKILL',
        },
        { id: 'http', name: 'http-server', image_ref: 'wasmcloud+builtin://http-server', revision: 0 },
      ]),
    ]);
    expect(text).toMatch(/Restarts/);
    expect(text).toMatch(/greeter .*2 \(last: killed by SIGKILL\)/);
  });
  it('keeps the upstream columns when no provider reports restarts', () => {
    const text = inventoriesText([
      inv([{ id: 'http', name: 'http-server', image_ref: 'wasmcloud+builtin://http-server', revision: 0 }]),
    ]);
    expect(text).not.toMatch(/Restarts/);
  });
});
