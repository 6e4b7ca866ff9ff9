import { join } from 'node:path';
import { washDirs } from '../config/dirs.js';

/**
 * Where `wash up` keeps its run state (pid files, nats.conf) and logs. Everything lives under the wash data
 * dir, so pointing WASH_DATA_DIR (or WASH_LOGS_DIR) elsewhere isolates a whole environment (tests do).
 */
export interface UpPaths {
  run: string;
  natsPidFile: string;
  natsConfig: string;
  natsLog: string;
  hostsDir: string;
  supervisorsDir: string;
  logs: string;
  supervisorLog: string;
  /** JetStream store of a NATS server wash starts on `port`. */
  jetstreamDir(port: number): string;
  hostPidFile(hostId: string): string;
  supervisorPidFile(pid: number): string;
  /** Default log of the n-th concurrently running local host (0 → wasmcloud.log, as in wash v1). */
  hostLog(slot: number): string;
}

export function upPaths(env: NodeJS.ProcessEnv = process.env): UpPaths {
  const dirs = washDirs(env);
  const run = join(dirs.data, 'run');
  const logs = dirs.logs;
  return {
    run,
    natsPidFile: join(run, 'nats.json'),
    natsConfig: join(run, 'nats.conf'),
    natsLog: join(logs, 'nats.log'),
    hostsDir: join(run, 'hosts'),
    supervisorsDir: join(run, 'supervisors'),
    logs,
    supervisorLog: join(logs, 'wash-up.log'),
    jetstreamDir: (port) => join(dirs.data, 'jetstream', String(port)),
    hostPidFile: (hostId) => join(run, 'hosts', `${hostId}.json`),
    supervisorPidFile: (pid) => join(run, 'supervisors', `${pid}.json`),
    hostLog: (slot) => join(logs, slot === 0 ? 'wasmcloud.log' : `wasmcloud-${slot}.log`),
  };
}
