import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildHostData, encodeHostData } from '../../../src/host/provider-process/host-data.js';
import { readHostData } from '../../../src/wrpc/provider-sdk.js';

describe('provider SDK: HostData from stdin', () => {
  it('reads the base64 JSON line the host writes, even split across chunks', async () => {
    const data = buildHostData({
      hostId: 'NH',
      lattice: 'lat',
      providerId: 'p',
      rpcUrl: 'nats://x:1',
      links: [],
      config: { a: 'b' },
      rpcTimeoutMs: 100,
    });
    const text = encodeHostData(data);
    const stream = Readable.from([text.slice(0, 10), text.slice(10), 'ignored after the line']);
    expect(await readHostData(stream)).toEqual(data);
  });
  it('explains what is missing when stdin is empty, garbage, or a terminal', async () => {
    await expect(readHostData(Readable.from([]))).rejects.toThrow(/no HostData on stdin/);
    await expect(readHostData(Readable.from(['%%%\n']))).rejects.toThrow(/base64 JSON HostData/);
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    await expect(readHostData(tty)).rejects.toThrow(/wash start provider file:\/\//);
  });
});
