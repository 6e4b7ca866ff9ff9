import { describe, expect, it } from 'vitest';
import {
  Exchange,
  Fields,
  IncomingRequest,
  OutgoingBody,
  OutgoingResponse,
  ResponseOutparam,
  type ResponseSink,
} from '../../../src/host/runtime/wasi/http.js';

const enc = (s: string) => new TextEncoder().encode(s);

function recorder() {
  const events: string[] = [];
  const sink: ResponseSink = {
    send: (status, headers, body) =>
      events.push(`send ${status} ${headers.join(',')} ${body ? new TextDecoder().decode(body) : '(none)'}`),
    head: (status, headers) => events.push(`head ${status} ${headers.join(',')}`),
    write: (chunk) => events.push(`write ${chunk.length}`),
    end: () => events.push('end'),
  };
  return { events, sink };
}

function exchange(sink: ResponseSink, body: Uint8Array[] = []) {
  return new Exchange(
    {
      method: 'PATCH',
      pathWithQuery: '/a?b=1',
      authority: 'example.test',
      rawHeaders: ['Host', 'example.test', 'X-Two', 'a', 'x-two', 'b'],
    },
    body,
    sink,
  );
}

describe('Fields', () => {
  it('gets values case-insensitively and keeps order', () => {
    const f = Fields.fromList([
      ['Content-Type', enc('text/plain')],
      ['x-a', enc('1')],
      ['X-A', enc('2')],
    ]);
    expect(f.get('x-a').map((v) => new TextDecoder().decode(v))).toEqual(['1', '2']);
    expect(f.has('CONTENT-TYPE')).toBe(true);
    f.set('x-a', [enc('3')]);
    expect(f.entries().map(([n]) => n)).toEqual(['Content-Type', 'x-a']);
    f.delete('content-type');
    expect(f.has('content-type')).toBe(false);
  });

  it('rejects bad names, hop-by-hop headers and writes to immutable fields', () => {
    const f = new Fields();
    expect(() => f.append('bad name', enc('x'))).toThrow(expect.objectContaining({ tag: 'invalid-syntax' }));
    expect(() => f.append('connection', enc('close'))).toThrow(expect.objectContaining({ tag: 'forbidden' }));
    const response = new OutgoingResponse(f);
    expect(() => response.headers().append('x-late', enc('1'))).toThrow(expect.objectContaining({ tag: 'immutable' }));
  });
});

describe('IncomingRequest', () => {
  it('exposes the node request head', () => {
    const { sink } = recorder();
    const req = new IncomingRequest(exchange(sink));
    expect(req.method()).toEqual({ tag: 'patch' });
    expect(req.pathWithQuery()).toBe('/a?b=1');
    expect(req.authority()).toBe('example.test');
    expect(req.scheme()).toEqual({ tag: 'HTTP' });
    expect(req.headers().get('x-two').length).toBe(2);
  });

  it('lets the body be consumed once and reads it to the end', () => {
    const { sink } = recorder();
    const req = new IncomingRequest(exchange(sink, [enc('hello '), enc('world')]));
    const stream = req.consume().stream();
    expect(() => req.consume()).toThrow();
    const parts: string[] = [];
    for (;;) {
      try {
        parts.push(new TextDecoder().decode(stream.read(4n)));
      } catch (err) {
        expect(err).toEqual({ tag: 'closed' });
        break;
      }
    }
    expect(parts.join('')).toBe('hello world');
  });
});

describe('Exchange.settle', () => {
  it('sends a complete small response in one write with its length', () => {
    const { events, sink } = recorder();
    const ex = exchange(sink);
    const response = new OutgoingResponse(Fields.fromList([['content-type', enc('text/plain')]]));
    response.setStatusCode(201);
    const body = response.body();
    ResponseOutparam.set(new ResponseOutparam(ex), { tag: 'ok', val: response });
    const out = body.write();
    out.blockingWriteAndFlush(enc('abc'));
    out.write(enc('de'));
    OutgoingBody.finish(body, undefined);
    expect(ex.settle()).toEqual({ kind: 'sent' });
    expect(events).toEqual(['send 201 content-type,text/plain abcde']);
  });

  it('reports a missing response, an error response and an unfinished body', () => {
    expect(exchange(recorder().sink).settle()).toMatchObject({
      kind: 'no-response',
      reason: expect.stringMatching(/without setting/),
    });

    const errored = exchange(recorder().sink);
    ResponseOutparam.set(new ResponseOutparam(errored), { tag: 'err', val: { tag: 'HTTP-request-denied' } });
    expect(errored.settle()).toMatchObject({
      kind: 'no-response',
      reason: expect.stringMatching(/HTTP-request-denied/),
    });

    const unfinished = exchange(recorder().sink);
    const response = new OutgoingResponse(new Fields());
    response.body();
    ResponseOutparam.set(new ResponseOutparam(unfinished), { tag: 'ok', val: response });
    expect(unfinished.settle()).toMatchObject({ kind: 'no-response', reason: expect.stringMatching(/did not finish/) });
  });

  it('refuses a second response and writes after finish', () => {
    const ex = exchange(recorder().sink);
    const response = new OutgoingResponse(new Fields());
    const body = response.body();
    const param = new ResponseOutparam(ex);
    ResponseOutparam.set(param, { tag: 'ok', val: response });
    expect(() => ResponseOutparam.set(param, { tag: 'ok', val: response })).toThrow(/already set/);
    const out = body.write();
    OutgoingBody.finish(body, undefined);
    expect(() => out.write(enc('late'))).toThrow(expect.objectContaining({ tag: 'closed' }));
  });

  it('streams once the body passes the threshold', () => {
    const { events, sink } = recorder();
    const ex = exchange(sink);
    const response = new OutgoingResponse(new Fields());
    const body = response.body();
    ResponseOutparam.set(new ResponseOutparam(ex), { tag: 'ok', val: response });
    const out = body.write();
    for (let i = 0; i < 3; i++) out.write(new Uint8Array(40_000));
    expect(events[0]).toBe('head 200 ');
    OutgoingBody.finish(body, undefined);
    expect(events.at(-1)).toBe('end');
    expect(ex.settle()).toEqual({ kind: 'sent' });
    expect(events.filter((e) => e === 'end').length).toBe(1);
  });
});
