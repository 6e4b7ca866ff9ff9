import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { encodeBoundedReply, maxPayloadOf, truncateForEcho } from '../lattice/bounded-reply.js';
import { ctlError } from '../lattice/codec.js';
import { hostSubscriptions, parseCtlSubject, type ParsedCtlSubject } from '../lattice/subjects.js';
import type { CtlResponse } from '../lattice/types.js';
import { errorText } from './error-text.js';
import type { HostLogger } from './log.js';

export interface CtlServerOptions {
  prefix: string;
  lattice: string;
  hostId: string;
  componentAuctions: boolean;
  providerAuctions: boolean;
  log: HostLogger;
  handle: (subject: ParsedCtlSubject, data: Uint8Array) => Promise<CtlResponse<unknown> | undefined>;
}

/**
 * Subscribes exactly as a v1 host (reference §2.2, queue groups included), handles messages concurrently,
 * and replies with a `CtlResponse` to anything with a reply subject. A handler that throws, or a payload
 * that does not decode, becomes an error envelope; nothing here can take the host down.
 */
export class CtlServer {
  private subs: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: CtlServerOptions,
  ) {}

  async start(): Promise<void> {
    const { prefix, lattice, hostId } = this.opts;
    for (const s of hostSubscriptions(prefix, lattice, hostId)) {
      if (s.auction === 'component' && !this.opts.componentAuctions) continue;
      if (s.auction === 'provider' && !this.opts.providerAuctions) continue;
      this.subs.push(
        this.nc.subscribe(s.subject, {
          queue: s.queue,
          callback: (err, msg) => {
            if (err) {
              this.opts.log.warn(`ctl subscription ${s.subject} failed`, { error: String(err) });
              return;
            }
            void this.dispatch(msg);
          },
        }),
      );
    }
    // Make sure the server knows our interest before we announce ourselves.
    await this.nc.flush();
  }

  private async dispatch(msg: Msg): Promise<void> {
    const parsed = parseCtlSubject(msg.subject, this.opts.prefix);
    let reply: CtlResponse<unknown> | undefined;
    try {
      if (!parsed || parsed.lattice !== this.opts.lattice) reply = ctlError('unsupported subject');
      else {
        this.opts.log.trace(`ctl request ${parsed.op}`, { subject: msg.subject });
        reply = await this.opts.handle(parsed, msg.data);
      }
    } catch (err) {
      const message = truncateForEcho(errorText(err));
      this.opts.log.warn(`ctl request on ${truncateForEcho(msg.subject, 200)} failed`, { error: message });
      reply = ctlError(message);
    }
    if (reply !== undefined && msg.reply) {
      try {
        msg.respond(
          encodeBoundedReply(reply, maxPayloadOf(this.nc), (bytes) =>
            ctlError(
              `the reply (${bytes} bytes) is larger than the NATS server's max_payload; ask for less (e.g. one host or component at a time)`,
            ),
          ),
        );
      } catch (err) {
        this.opts.log.warn(`could not reply on ${msg.subject}`, { error: String(err) });
      }
    }
  }

  stop(): void {
    for (const s of this.subs) {
      try {
        s.unsubscribe();
      } catch {
        /* connection already closed */
      }
    }
    this.subs = [];
  }
}
