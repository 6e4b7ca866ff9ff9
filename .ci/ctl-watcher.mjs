// Records every control-interface request on one lattice (`wasmbus.ctl.v1.<lattice>.>`), one subject per line.
// .ci/run starts it next to the sentinel host before `npm test` and fails when anything was recorded: the
// tests must never reach a NATS server they did not start.
// Usage: node .ci/ctl-watcher.mjs <nats url> <lattice> <log file>; prints "ready" once subscribed.
import { appendFileSync, writeFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';

const [url, lattice, logFile] = process.argv.slice(2);
writeFileSync(logFile, '');
const nc = await connect({ servers: url, name: 'wash-ci-ctl-watcher', maxReconnectAttempts: -1 });
nc.subscribe(`wasmbus.ctl.v1.${lattice}.>`, {
  callback: (err, msg) => {
    if (!err) appendFileSync(logFile, `${new Date().toISOString()} ${msg.subject}\n`);
  },
});
await nc.flush();
process.stdout.write('ready\n');
const stop = () => nc.drain().finally(() => process.exit(0));
process.on('SIGTERM', stop).on('SIGINT', stop);
