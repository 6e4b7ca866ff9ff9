// Bounded keep-alive HTTP load on one 127.0.0.1 URL, recording every request (used by bench/host-latency.mjs
// for the zero-downtime update). Child process: prints `{"started": <epoch ms>}` when the load begins, then one
// JSON document when it ends after `seconds` or `maxRequests`:
//   { started, ended, requests, bodies: [distinct bodies], records: [[startOffsetMs, endOffsetMs, status, bodyIndex]] }
// status 0 = connection error or timeout (bodyIndex -1). Offsets are ms since `started` (epoch ms, sub-ms).
// A line `stop` on stdin ends the load early (requests in flight still complete and are recorded).
//
//   node bench/lib/http-load.mjs <url> <connections> <seconds> [maxRequests]
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

const [url, connText, secondsText, maxText] = process.argv.slice(2);
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url ?? '')) {
  console.error(`refusing to load anything but 127.0.0.1: ${url}`);
  process.exit(2);
}
const connections = Number(connText ?? 10);
const durationMs = Number(secondsText ?? 5) * 1000;
const maxRequests = Number(maxText ?? 500_000);

const now = () => performance.timeOrigin + performance.now();
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const bodies = [];
const bodyIndex = new Map();
const records = [];

function once() {
  return new Promise((resolve) => {
    const t0 = now();
    const done = (status, body) => {
      let idx = -1;
      if (body !== undefined) {
        idx = bodyIndex.get(body);
        if (idx === undefined) {
          idx = bodies.push(body) - 1;
          bodyIndex.set(body, idx);
        }
      }
      resolve([t0, now(), status, idx]);
    };
    const req = request(url, { agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => done(res.statusCode, body));
      res.on('error', () => done(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(0));
    req.end();
  });
}

const started = now();
let deadline = started + durationMs;
const control = createInterface({ input: process.stdin });
control.on('line', (line) => {
  if (line.trim() === 'stop') deadline = 0;
});
process.stdout.write(`${JSON.stringify({ started })}\n`);
let issued = 0;
async function worker() {
  while (now() < deadline && issued < maxRequests) {
    issued++;
    const [t0, t1, status, idx] = await once();
    records.push([Math.round((t0 - started) * 100) / 100, Math.round((t1 - started) * 100) / 100, status, idx]);
    if (status === 0) await new Promise((r) => setTimeout(r, 1)); // no hot loop on a refused port
  }
}
await Promise.all(Array.from({ length: connections }, worker));
agent.destroy();
control.close();
process.stdout.write(`${JSON.stringify({ started, ended: now(), requests: records.length, bodies, records })}\n`);
