// Child process used by bench/http-throughput.mjs: one HTTP server on 127.0.0.1:<port>, printing "ready" when
// it accepts requests. Kinds: `bare` (node:http answering the minimal component's bytes) and `wash` (the
// wash component runtime from dist/ serving <wasm>).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [kind, portText, wasm, cacheDir] = process.argv.slice(2);
const port = Number(portText);

if (kind === 'bare') {
  const body = Buffer.from('hello from wash v1\n');
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  }).listen(port, '127.0.0.1', () => console.log('ready'));
  process.on('SIGTERM', () => process.exit(0));
} else if (kind === 'wash') {
  const { ComponentRuntime, HttpIngress } = await import('../../dist/host/runtime/index.js');
  const runtime = new ComponentRuntime({
    cacheDir,
    log: (level, id, msg) => level !== 'info' && console.error(`[${level}] ${id}: ${msg}`),
  });
  const component = await runtime.load(new Uint8Array(readFileSync(wasm)));
  const running = await runtime.start(component, {
    componentId: 'bench',
    maxInstances: 4,
    capabilities: { config: () => ({ greeting: 'hello from config' }) },
  });
  const ingress = new HttpIngress();
  await ingress.listen(`127.0.0.1:${port}`);
  ingress.route(`127.0.0.1:${port}`, () => running);
  process.on('SIGTERM', () => {
    console.error(JSON.stringify(running.stats()));
    void ingress
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0));
  });
  console.log('ready');
} else {
  console.error(`unknown server kind ${kind}`);
  process.exit(2);
}
