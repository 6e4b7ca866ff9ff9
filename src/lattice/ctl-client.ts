/**
 * Client for the wasmCloud control interface v1 over an existing NATS connection. Every reply is decoded
 * from its `CtlResponse` envelope; a `success:false` reply becomes a `CtlRequestFailed` carrying the host's
 * message; "no responders" and timeouts become UserErrors that say what to check.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import { CtlDecodeError, decodeCtlResponse, encodeJson, normalizeInventory } from './codec.js';
import type { ConnectionOptions } from './options.js';
import { DEFAULT_CTL_PREFIX, ctlSubjects, type CtlSubjects } from './subjects.js';
import type {
  ClaimsMap,
  ComponentAuctionAck,
  ComponentAuctionRequest,
  ConfigMap,
  CtlResponse,
  DeleteLinkRequest,
  Host,
  HostInventory,
  Link,
  ProviderAuctionAck,
  ProviderAuctionRequest,
  RegistryCredentialMap,
  ScaleComponentCommand,
  StartProviderCommand,
  StopHostCommand,
  StopProviderCommand,
  UpdateComponentCommand,
} from './types.js';

export { waitForEvent, type EventWait, type EventWaitOptions } from './wait.js';

export const DEFAULT_CTL_TIMEOUT_MS = 2000;
/** How long `pingHosts` and auctions collect replies unless told otherwise. */
export const DEFAULT_COLLECT_MS = 2000;
/** A host query ends this long after the latest reply when no known host is still missing. */
export const DEFAULT_SETTLE_MS = 250;

export interface CtlClientOptions {
  lattice: string;
  /** ctl topic prefix, `wasmbus.ctl` by default. */
  prefix?: string;
  /** Timeout of single-reply requests. */
  timeoutMs?: number;
  /** Window in which `pingHosts` and auctions collect replies. */
  collectMs?: number;
  /** JetStream domain (where `pingHosts` looks up the hosts wadm knows). */
  jsDomain?: string;
}

export interface CollectOptions {
  /** Collection window in ms (defaults to the client's `collectMs`). */
  timeoutMs?: number;
  /** Stop at the first valid reply (e.g. "pick the first auction ack"). */
  first?: boolean;
  /** End the window this many ms after the latest reply (replies on a reachable NATS come within ms). */
  stallMs?: number;
  /** Also end it once every one of these ids answered (`idOf` names a reply's id). */
  expect?: { ids: Promise<ReadonlySet<string>>; idOf: (reply: unknown) => string | undefined };
}

/** `pingHosts` options: by default the answers settle early (see `pingHosts`); `full` waits out the window. */
export interface PingOptions {
  timeoutMs?: number;
  full?: boolean;
  /** Settle time after the latest reply (default `DEFAULT_SETTLE_MS`). */
  stallMs?: number;
}

/** A successful reply without payload: the host's message (often empty). */
export interface CtlAck {
  message: string;
}

/** The host answered `success:false`. */
export class CtlRequestFailed extends UserError {
  override name = 'CtlRequestFailed';
  constructor(
    readonly operation: string,
    readonly hostMessage: string,
    readonly subject: string,
  ) {
    super(`${operation} failed: ${hostMessage || '(the host gave no reason)'}`);
  }
}

const errorName = (err: unknown): string => (err instanceof Error ? err.name : '');
function isNoResponders(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'NoResponders' || err.name === 'NoRespondersError') return true;
  const check = (err as { isNoResponders?: () => boolean }).isNoResponders;
  if (typeof check === 'function' && check.call(err)) return true;
  return err.cause !== undefined && isNoResponders(err.cause);
}
const isTimeout = (err: unknown): boolean =>
  errorName(err) === 'TimeoutError' || (err instanceof Error && err.cause !== undefined && isTimeout(err.cause));

export class CtlClient {
  readonly lattice: string;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly collectMs: number;
  readonly jsDomain?: string;
  readonly subjects: CtlSubjects;

  constructor(
    readonly nc: NatsConnection,
    opts: CtlClientOptions,
  ) {
    this.lattice = opts.lattice;
    this.prefix = opts.prefix ?? DEFAULT_CTL_PREFIX;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_CTL_TIMEOUT_MS;
    this.collectMs = opts.collectMs ?? DEFAULT_COLLECT_MS;
    this.jsDomain = opts.jsDomain;
    this.subjects = ctlSubjects(this.prefix, this.lattice);
  }

  /** A client configured from resolved connection options (`resolveConnection`). */
  static fromConnection(
    nc: NatsConnection,
    conn: Pick<ConnectionOptions, 'lattice' | 'ctlTopicPrefix' | 'timeoutMs' | 'jsDomain'>,
    extra: Partial<CtlClientOptions> = {},
  ): CtlClient {
    return new CtlClient(nc, {
      lattice: conn.lattice,
      prefix: conn.ctlTopicPrefix,
      timeoutMs: conn.timeoutMs,
      collectMs: conn.timeoutMs,
      jsDomain: conn.jsDomain,
      ...extra,
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Hosts

  /**
   * Every host that answers `host.ping` within the window (an empty list when none does). Unless `full`, the
   * query ends early: once every host wadm knows from heartbeats (`knownHostIds`) has answered, or, with none
   * missing, `stallMs` after the latest reply. A known host that is slow is waited for up to the window.
   */
  async pingHosts(opts: PingOptions = {}): Promise<Host[]> {
    const collect: CollectOptions = opts.full
      ? { timeoutMs: opts.timeoutMs }
      : {
          timeoutMs: opts.timeoutMs,
          stallMs: opts.stallMs ?? DEFAULT_SETTLE_MS,
          expect: {
            ids: import('./known-hosts.js').then((m) =>
              m.knownHostIds(this.nc, this.lattice, {
                jsDomain: this.jsDomain,
                timeoutMs: opts.timeoutMs ?? this.collectMs,
              }),
            ),
            idOf: (h) => (typeof (h as Host | undefined)?.id === 'string' ? (h as Host).id : undefined),
          },
        };
    const replies = await this.collect<Host>(this.subjects.hostPing(), undefined, 'host ping', collect);
    const byId = new Map<string, Host>();
    for (const h of replies) if (typeof h?.id === 'string') byId.set(h.id, h);
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async getInventory(hostId: string): Promise<HostInventory> {
    const what = `inventory query to host ${hostId}`;
    const inv = await this.requestData<Record<string, unknown>>(this.subjects.hostGet(hostId), undefined, what, {
      target: `host ${hostId}`,
    });
    if (!inv) throw new UserError(`${what}: the host replied without an inventory`);
    return normalizeInventory(inv);
  }

  /** Inventories of every host that answers a ping. */
  async getInventories(opts: PingOptions = {}): Promise<HostInventory[]> {
    const hosts = await this.pingHosts(opts);
    return Promise.all(hosts.map((h) => this.getInventory(h.id)));
  }

  async stopHost(cmd: StopHostCommand): Promise<CtlAck> {
    return this.requestAck(this.subjects.hostStop(cmd.host_id), cmd, `stop request for host ${cmd.host_id}`, {
      target: `host ${cmd.host_id}`,
    });
  }

  async putLabel(hostId: string, key: string, value: string): Promise<CtlAck> {
    return this.requestAck(this.subjects.labelPut(hostId), { key, value }, `label put "${key}" on host ${hostId}`, {
      target: `host ${hostId}`,
    });
  }

  async deleteLabel(hostId: string, key: string): Promise<CtlAck> {
    return this.requestAck(this.subjects.labelDel(hostId), { key }, `label delete "${key}" on host ${hostId}`, {
      target: `host ${hostId}`,
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Components and providers

  async scaleComponent(cmd: ScaleComponentCommand): Promise<CtlAck> {
    return this.requestAck(
      this.subjects.componentScale(cmd.host_id),
      cmd,
      `scale request for component ${cmd.component_id} on host ${cmd.host_id}`,
      { target: `host ${cmd.host_id}` },
    );
  }

  async updateComponent(cmd: UpdateComponentCommand): Promise<CtlAck> {
    return this.requestAck(
      this.subjects.componentUpdate(cmd.host_id),
      cmd,
      `update request for component ${cmd.component_id} on host ${cmd.host_id}`,
      { target: `host ${cmd.host_id}` },
    );
  }

  async startProvider(cmd: StartProviderCommand): Promise<CtlAck> {
    return this.requestAck(
      this.subjects.providerStart(cmd.host_id),
      cmd,
      `start request for provider ${cmd.provider_id} on host ${cmd.host_id}`,
      { target: `host ${cmd.host_id}` },
    );
  }

  async stopProvider(cmd: StopProviderCommand): Promise<CtlAck> {
    return this.requestAck(
      this.subjects.providerStop(cmd.host_id),
      cmd,
      `stop request for provider ${cmd.provider_id} on host ${cmd.host_id}`,
      { target: `host ${cmd.host_id}` },
    );
  }

  /** Acks from hosts willing to run the component (hosts that cannot stay silent). */
  async componentAuction(req: ComponentAuctionRequest, opts: CollectOptions = {}): Promise<ComponentAuctionAck[]> {
    const acks = await this.collect<ComponentAuctionAck>(
      this.subjects.componentAuction(),
      req,
      `component auction for ${req.component_id}`,
      opts,
    );
    return acks.filter((a) => typeof a?.host_id === 'string');
  }

  async providerAuction(req: ProviderAuctionRequest, opts: CollectOptions = {}): Promise<ProviderAuctionAck[]> {
    const acks = await this.collect<ProviderAuctionAck>(
      this.subjects.providerAuction(),
      req,
      `provider auction for ${req.provider_id}`,
      opts,
    );
    return acks.filter((a) => typeof a?.host_id === 'string');
  }

  // -------------------------------------------------------------------------------------------------------
  // Lattice-wide state (one host answers)

  async putLink(link: Link): Promise<CtlAck> {
    return this.requestAck(
      this.subjects.linkPut(),
      link,
      `link put ${link.source_id} -> ${link.target} (${link.wit_namespace}:${link.wit_package}, name ${link.name})`,
    );
  }

  async deleteLink(req: DeleteLinkRequest): Promise<CtlAck> {
    return this.requestAck(
      this.subjects.linkDel(),
      req,
      `link delete from ${req.source_id} on ${req.wit_namespace}:${req.wit_package} (name ${req.name})`,
    );
  }

  async getLinks(): Promise<Link[]> {
    return (await this.requestData<Link[]>(this.subjects.linkGet(), undefined, 'link query')) ?? [];
  }

  async getClaims(): Promise<ClaimsMap[]> {
    return (await this.requestData<ClaimsMap[]>(this.subjects.claimsGet(), undefined, 'claims query')) ?? [];
  }

  async putConfig(name: string, values: ConfigMap): Promise<CtlAck> {
    return this.requestAck(this.subjects.configPut(name), values, `config put "${name}"`);
  }

  /** The named config, or `undefined` when the lattice has none by that name. */
  async getConfig(name: string): Promise<ConfigMap | undefined> {
    return this.requestData<ConfigMap>(this.subjects.configGet(name), undefined, `config get "${name}"`);
  }

  async deleteConfig(name: string): Promise<CtlAck> {
    return this.requestAck(this.subjects.configDel(name), undefined, `config delete "${name}"`);
  }

  /** Registry credentials are published without a reply (hosts do not answer `registry.put`). */
  async putRegistries(creds: RegistryCredentialMap): Promise<void> {
    this.nc.publish(this.subjects.registryPut(), encodeJson(creds));
    await this.nc.flush();
  }

  // -------------------------------------------------------------------------------------------------------
  // Transport

  private async requestAck(
    subject: string,
    body: unknown,
    what: string,
    opts: { target?: string } = {},
  ): Promise<CtlAck> {
    const reply = await this.request<unknown>(subject, body, what, opts);
    if (!reply.success) throw new CtlRequestFailed(what, reply.message, subject);
    return { message: reply.message };
  }

  private async requestData<T>(
    subject: string,
    body: unknown,
    what: string,
    opts: { target?: string } = {},
  ): Promise<T | undefined> {
    const reply = await this.request<T>(subject, body, what, opts);
    if (!reply.success) throw new CtlRequestFailed(what, reply.message, subject);
    return reply.response;
  }

  /** One request, one `CtlResponse` reply. */
  async request<T>(
    subject: string,
    body: unknown,
    what: string,
    opts: { target?: string } = {},
  ): Promise<CtlResponse<T>> {
    let msg: Msg;
    try {
      msg = await this.nc.request(subject, body === undefined ? new Uint8Array() : encodeJson(body), {
        timeout: this.timeoutMs,
      });
    } catch (err) {
      throw this.transportError(err, subject, what, opts.target);
    }
    try {
      return decodeCtlResponse<T>(msg.data, `reply to ${what}`);
    } catch (err) {
      if (err instanceof CtlDecodeError)
        throw new UserError(`${err.message} (subject ${subject})`, {
          suggestion: 'is something other than a wasmCloud host listening on this subject?',
        });
      throw err;
    }
  }

  /**
   * Publishes with a reply inbox and collects `CtlResponse` payloads for the window. An empty payload
   * ends the collection early; replies that are not successful envelopes are skipped. With `stallMs` the
   * window also ends that long after the latest reply, unless an `expect`ed id has not answered yet; once
   * every expected id answered it ends at once. Before the first reply only the window applies.
   */
  private async collect<T>(subject: string, body: unknown, what: string, opts: CollectOptions): Promise<T[]> {
    const maxWait = opts.timeoutMs ?? this.collectMs;
    const out: T[] = [];
    const answered = new Set<string>();
    let expected: ReadonlySet<string> | undefined;
    // nats.js returns a QueuedIterator: stop() ends the iteration and cancels the request's timer.
    let replies: (AsyncIterable<Msg> & { stop(): void }) | undefined;
    let settle: NodeJS.Timeout | undefined;
    let ended = false;
    const end = () => {
      ended = true;
      replies?.stop();
    };
    const missing = () => expected === undefined || [...expected].some((id) => !answered.has(id));
    const review = () => {
      if (ended || out.length === 0) return;
      if (expected && expected.size > 0 && !missing()) return end();
      if (opts.stallMs === undefined || (expected && expected.size > 0)) return;
      clearTimeout(settle);
      // Without known ids (none, or not read yet), the answers have settled once none came for `stallMs`.
      settle = setTimeout(() => {
        if (expected === undefined)
          void opts.expect?.ids.then(
            () => review(),
            () => review(),
          );
        else if (expected.size === 0 || !missing()) end();
        // else: known hosts learnt meanwhile are still missing; they are waited for (up to the window).
      }, opts.stallMs);
    };
    if (opts.expect) {
      void opts.expect.ids.then(
        (ids) => {
          expected = ids;
          review();
        },
        () => {
          expected = new Set();
          review();
        },
      );
    } else {
      expected = new Set();
    }
    try {
      const options = { strategy: 'timer', maxWait } as Parameters<NatsConnection['requestMany']>[2];
      replies = (await this.nc.requestMany(
        subject,
        body === undefined ? new Uint8Array() : encodeJson(body),
        options,
      )) as AsyncIterable<Msg> & { stop(): void };
      if (ended) replies.stop();
      for await (const msg of replies) {
        if (msg.data.length === 0) break;
        let reply: CtlResponse<T>;
        try {
          reply = decodeCtlResponse<T>(msg.data);
        } catch {
          continue;
        }
        if (reply.success && reply.response !== undefined) {
          out.push(reply.response);
          const id = opts.expect?.idOf(reply.response);
          if (id !== undefined) answered.add(id);
        }
        if (opts.first && out.length > 0) break;
        review();
        if (ended) break;
      }
    } catch (err) {
      if (isNoResponders(err)) return out;
      throw this.transportError(err, subject, what);
    } finally {
      clearTimeout(settle);
      ended = true;
    }
    return out;
  }

  /** No-responder and timeout errors carry no cause: the nats error says nothing the message does not. */
  private transportError(err: unknown, subject: string, what: string, target?: string): Error {
    const where = `lattice "${this.lattice}" (${what}; subject ${subject}; NATS ${this.nc.getServer()})`;
    if (isNoResponders(err)) {
      if (target) {
        return new UserError(`${target} did not answer on ${where}`, {
          suggestion: 'check the id with `wash get hosts` and --lattice; start a host with `wash up` if none runs',
        });
      }
      return new UserError(`no host answered on ${where}`, {
        suggestion:
          'start one with `wash up`, or check --lattice / --ctl-host / --ctl-port point at the running lattice',
      });
    }
    if (isTimeout(err)) {
      return new UserError(`timed out after ${this.timeoutMs} ms waiting for a reply on ${where}`, {
        suggestion: `${target ?? 'a host'} is subscribed but did not answer in time: check its logs, or raise --timeout-ms`,
      });
    }
    return new UserError(`request failed on ${where}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}
