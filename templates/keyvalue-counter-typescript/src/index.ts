// An HTTP counter: every request increments the key named by the path in a wasi:keyvalue bucket.
// `wash dev` links wasi:keyvalue to NATS KV by default; see wasmcloud.toml for the Redis override.
import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam, type IncomingRequest } from 'wasi:http/types@0.2.10';
import { open } from 'wasi:keyvalue/store@0.2.0-draft';
import { increment } from 'wasi:keyvalue/atomics@0.2.0-draft';

const encoder = new TextEncoder();

function reply(responseOut: ResponseOutparam, status: number, body: string): void {
  const response = new OutgoingResponse(Fields.fromList([['content-type', encoder.encode('text/plain')]]));
  response.setStatusCode(status);
  const outgoing = response.body();
  ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
  const stream = outgoing.write();
  stream.blockingWriteAndFlush(encoder.encode(body));
  stream[Symbol.dispose]();
  OutgoingBody.finish(outgoing, undefined);
}

export const incomingHandler = {
  handle(request: IncomingRequest, responseOut: ResponseOutparam): void {
    const key = (request.pathWithQuery() ?? '/').split('?')[0].replace(/^\/+/, '') || 'default';
    try {
      const bucket = open('default');
      const count = increment(bucket, key, 1n);
      reply(responseOut, 200, `Counter ${key}: ${count}\n`);
    } catch (err) {
      reply(responseOut, 500, `keyvalue error: ${JSON.stringify((err as { payload?: unknown }).payload ?? String(err))}\n`);
    }
  },
};
