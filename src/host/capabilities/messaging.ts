/**
 * The built-in `messaging-nats` capability, both directions:
 * - consumer (component → NATS): `wasmcloud:messaging/consumer` publish / request over the component's
 *   messaging link, on the host's NATS connection unless the link config names `cluster_uris`;
 * - handler (NATS → component): for each link from a messaging-nats provider to a component on
 *   `wasmcloud:messaging/handler`, subscriptions to the subjects in the link's source config `subscriptions`
 *   (comma-separated; `queue_group` optional), each message handed to the component's `handle-message`;
 *   a reply-to is passed through. Subscriptions follow link and config changes (`sync()`).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Link, StringMap } from '../../lattice/types.js';
import { errorText } from '../error-text.js';
import type { HostLogger } from '../log.js';
import type { BrokerMessage } from '../runtime/types.js';
import { bounded } from './timeout.js';

export interface BrokerMessageValue {
  subject: string;
  body: Uint8Array;
  replyTo: string | undefined;
}

/** `result<_, string>` errors reach the guest as the string (a plain Error would trap it). */
function guestError(err: unknown): { payload: string } {
  return { payload: err instanceof Error ? err.message : String(err) };
}

export function consumerImports(
  connection: () => Promise<{ nc: NatsConnection; timeoutMs: number }>,
): Record<string, unknown> {
  return {
    async publish(msg: BrokerMessageValue): Promise<void> {
      try {
        const { nc, timeoutMs } = await connection();
        nc.publish(msg.subject, msg.body.slice(), msg.replyTo ? { reply: msg.replyTo } : undefined);
        await bounded(nc.flush(), timeoutMs, `publish to ${msg.subject}`);
      } catch (err) {
        throw guestError(err);
      }
    },
    async request(subject: string, body: Uint8Array, timeoutMs: number): Promise<BrokerMessageValue> {
      try {
        const { nc, timeoutMs: linkTimeout } = await connection();
        const timeout = Math.max(1, Math.min(timeoutMs || linkTimeout, linkTimeout));
        const reply = await nc.request(subject, body.slice(), { timeout });
        return { subject: reply.subject, body: reply.data, replyTo: undefined };
      } catch (err) {
        throw guestError(err);
      }
    },
  };
}

export function isHandlerLink(link: Link, providerId: string): boolean {
  return (
    link.source_id === providerId &&
    link.wit_namespace === 'wasmcloud' &&
    link.wit_package === 'messaging' &&
    link.interfaces.includes('handler')
  );
}

export function subscriptionsOf(config: StringMap): string[] {
  return (config.subscriptions ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface MessagingDeps {
  nats: () => NatsConnection;
  /** Links whose source is this provider. */
  links: () => Link[];
  config: (names: readonly string[]) => StringMap;
  /** The component running on this host under an id, if it can take messages. */
  deliver: (componentId: string, msg: BrokerMessage) => Promise<void> | undefined;
  log: HostLogger;
}

/** The handler side of one messaging-nats provider: NATS subscriptions → component calls. */
export class BuiltinMessagingNats {
  /** `component\0subject\0queue` → subscription. */
  readonly #subs = new Map<string, Subscription>();
  #stopped = false;

  constructor(
    readonly providerId: string,
    private readonly deps: MessagingDeps,
  ) {}

  /** Converges subscriptions on the current links and their config. */
  async sync(): Promise<void> {
    if (this.#stopped) return;
    const wanted = new Map<string, { componentId: string; subject: string; queue?: string }>();
    for (const link of this.deps.links()) {
      if (!isHandlerLink(link, this.providerId)) continue;
      const config = this.deps.config(link.source_config);
      const queue = config.queue_group || undefined;
      for (const subject of subscriptionsOf(config))
        wanted.set([link.target, subject, queue ?? ''].join('\0'), { componentId: link.target, subject, queue });
    }
    for (const [key, sub] of [...this.#subs]) {
      if (wanted.has(key)) continue;
      sub.unsubscribe();
      this.#subs.delete(key);
    }
    for (const [key, want] of wanted) {
      if (this.#subs.has(key)) continue;
      const sub = this.deps.nats().subscribe(want.subject, {
        queue: want.queue,
        callback: (err, msg) => {
          if (err) return;
          const delivered = this.deps.deliver(want.componentId, {
            subject: msg.subject,
            body: msg.data,
            replyTo: msg.reply || undefined,
          });
          if (!delivered) {
            this.deps.log.warn(
              `messaging-nats ${this.providerId}: message on ${msg.subject} for component ${want.componentId}, which is not running here`,
            );
            return;
          }
          delivered.catch((e: unknown) => this.deps.log.error(`messaging-nats ${this.providerId}: ${errorText(e)}`));
        },
      });
      this.#subs.set(key, sub);
      this.deps.log.info(
        `messaging-nats ${this.providerId} delivering ${want.subject}${want.queue ? ` (queue ${want.queue})` : ''} to component ${want.componentId}`,
      );
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const sub of this.#subs.values()) sub.unsubscribe();
    this.#subs.clear();
  }
}
