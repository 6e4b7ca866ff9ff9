import { readFileSync } from 'node:fs';

export interface LeafnodeStatus {
  connected: boolean;
  /** nats-server error lines about the leaf-node remote (credentials, dial, authorization). */
  errors: string[];
}

/** Reads nats-server's log for the outcome of its leaf-node connection. */
export function leafnodeStatusFromLog(log: string): LeafnodeStatus {
  const lines = log.split(/\r?\n/);
  const connected = lines.some((l) => /Leafnode connection created/i.test(l));
  const errors = lines.filter((l) => /\[(ERR|FTL)\]/.test(l) && /leaf|remote|credentials|authorization/i.test(l));
  return { connected, errors: [...new Set(errors.map((l) => l.replace(/^\[\d+\]\s+\S+\s+\S+\s+/, '')))] };
}

/**
 * Waits up to `timeoutMs` for the leaf-node connection to come up. A misconfigured remote does not stop
 * nats-server, so without this check the lattice would silently stay local.
 */
export async function waitForLeafnode(logFile: string, timeoutMs: number): Promise<LeafnodeStatus> {
  const deadline = Date.now() + timeoutMs;
  let status: LeafnodeStatus = { connected: false, errors: [] };
  while (Date.now() < deadline) {
    let text = '';
    try {
      text = readFileSync(logFile, 'utf8');
    } catch {
      /* not yet written */
    }
    status = leafnodeStatusFromLog(text);
    if (status.connected) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}
