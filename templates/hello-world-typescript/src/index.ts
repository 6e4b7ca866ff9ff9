// An HTTP component: wasi:http/incoming-handler, answered through the wasi:http/types resources.
import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam, type IncomingRequest } from 'wasi:http/types@0.2.10';
import { log } from 'wasi:logging/logging@0.1.0-draft';

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
    log('info', '{{name}}', `${request.pathWithQuery() ?? '/'}`);
    reply(responseOut, 200, 'Hello from TypeScript!\n');
  },
};
