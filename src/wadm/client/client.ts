/**
 * A client of the wadm API (ours or Rust wadm's) over NATS. Each method sends one request and returns the
 * wire reply, typed; a `result: "error"` reply becomes a `WadmApiError` (a UserError carrying the server's
 * message and, for put, every validation error). `notfound` replies are returned, not thrown: callers decide.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../../errors.js';
import {
  DEFAULT_WADM_API_PREFIX,
  wadmApiSubject,
  wadmStatusSubject,
  type WadmApiOperation,
} from '../../lattice/subjects.js';
import type {
  DeleteModelResponse,
  DeployModelResponse,
  GetModelResponse,
  ListModelsResponse,
  ModelSummary,
  PutModelResponse,
  Status,
  StatusResponse,
  VersionResponse,
  WadmManifest,
} from '../types.js';
import { parseStatus } from '../store/status-stream.js';

export interface WadmClientOptions {
  timeoutMs?: number;
  /** `wadm.api` unless wadm runs with another `--api-prefix`. */
  apiPrefix?: string;
}

export const NO_WADM_MESSAGE =
  'Connection succeeded to lattice but no wadm server was listening. Ensure wadm is running.';
export const NO_WADM_SUGGESTION =
  'start a local lattice with wadm using `wash up`, or run `wash wadm` against this NATS server (check --lattice and --ctl-host/--ctl-port too)';

/** wadm answered `{"result":"error"}`. */
export class WadmApiError extends UserError {
  override name = 'WadmApiError';
  /** Every validation error, when the server listed them (our server's `errors`). */
  readonly errors: string[];
  constructor(message: string, errors: string[] = [], suggestion?: string) {
    super(message, suggestion ? { suggestion } : {});
    this.errors = errors;
  }
}

function errorNames(err: unknown): string[] {
  const names: string[] = [];
  for (
    let cur = err as { name?: string; cause?: unknown } | undefined, i = 0;
    cur && i < 5;
    cur = cur.cause as typeof cur, i++
  ) {
    if (typeof cur.name === 'string') names.push(cur.name);
  }
  return names;
}

/** What `putUnlessStored` did. */
export type StoreOutcome =
  | { kind: 'stored'; version: string; reply: PutModelResponse }
  | { kind: 'already-stored'; version: string }
  | { kind: 'conflict'; version: string; message: string };

/** JSON with object keys sorted, to compare manifests by content. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface StatusWatch extends AsyncIterable<Status> {
  stop(): void;
}

export class WadmClient {
  readonly lattice: string;
  private readonly timeoutMs: number;
  private readonly prefix: string;

  constructor(
    private readonly nc: NatsConnection,
    lattice: string,
    opts: WadmClientOptions = {},
  ) {
    this.lattice = lattice;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.prefix = opts.apiPrefix ?? DEFAULT_WADM_API_PREFIX;
  }

  private async request<T>(
    op: WadmApiOperation,
    name: string | undefined,
    body?: unknown,
    contentType?: string,
  ): Promise<T> {
    const subject = wadmApiSubject(this.lattice, op, name, this.prefix);
    const data =
      body === undefined
        ? new Uint8Array()
        : new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    let reply;
    try {
      const opts: { timeout: number; headers?: import('@nats-io/transport-node').MsgHdrs } = {
        timeout: this.timeoutMs,
      };
      if (contentType) {
        const { headers } = await import('@nats-io/transport-node');
        opts.headers = headers();
        opts.headers.set('Content-Type', contentType);
      }
      reply = await this.nc.request(subject, data, opts);
    } catch (err) {
      const names = errorNames(err);
      if (names.includes('NoRespondersError') || (err as { isNoResponders?: () => boolean }).isNoResponders?.()) {
        throw new UserError(NO_WADM_MESSAGE, { suggestion: NO_WADM_SUGGESTION });
      }
      if (names.includes('TimeoutError')) {
        throw new UserError(`wadm did not answer ${subject} within ${this.timeoutMs} ms`, {
          suggestion: 'wadm may be busy or overloaded; retry with a larger --timeout-ms',
        });
      }
      throw new UserError(`wadm request on ${subject} failed: ${(err as Error).message}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(reply.data));
    } catch {
      throw new UserError(`wadm sent a reply that is not JSON on ${subject}`);
    }
    const r = parsed as { result?: unknown; message?: unknown; errors?: unknown };
    if (r && typeof r === 'object' && !Array.isArray(r) && r.result === 'error') {
      const errors = Array.isArray(r.errors) ? r.errors.filter((e): e is string => typeof e === 'string') : [];
      throw new WadmApiError(
        typeof r.message === 'string' && r.message !== '' ? r.message : `wadm refused ${op}`,
        errors,
      );
    }
    return parsed as T;
  }

  /** Stores a new version (YAML/JSON text is sent as it is; an object is sent as JSON). Never deploys. */
  put(
    manifest: WadmManifest | string,
    opts: { contentType?: 'application/json' | 'application/yaml' } = {},
  ): Promise<PutModelResponse> {
    if (typeof manifest === 'string') return this.request('put', undefined, manifest, opts.contentType);
    return this.request('put', undefined, manifest, 'application/json');
  }

  /**
   * Stores a manifest (JSON text) unless that version is already stored: `already-stored` when the stored
   * manifest has the same content (re-deploying it is idempotent), `conflict` when it differs (versions are
   * immutable in wadm). Without a version in the manifest every put stores a new one.
   */
  async putUnlessStored(json: string, name: string, version: string | undefined): Promise<StoreOutcome> {
    try {
      const reply = await this.put(json, { contentType: 'application/json' });
      return { kind: 'stored', version: reply.current_version, reply };
    } catch (err) {
      // wadm (Rust and ours) says "... already exists" and has no result code for it.
      if (!(err instanceof WadmApiError && /already exists/.test(err.message)) || version === undefined) throw err;
      const stored = await this.get(name, version);
      const same = stored !== null && canonicalJson(stored) === canonicalJson(JSON.parse(json));
      return same ? { kind: 'already-stored', version } : { kind: 'conflict', version, message: err.message };
    }
  }

  /** The current manifest, or a given version; `null` when the app (or version) does not exist. */
  async get(name: string, version?: string): Promise<WadmManifest | null> {
    const r = await this.request<GetModelResponse>('get', name, version === undefined ? undefined : { version });
    return r.result === 'success' && r.manifest ? r.manifest : null;
  }

  /** Every app of the lattice (`model.get`; falls back to the deprecated `model.list` on old servers). */
  async list(): Promise<ModelSummary[]> {
    try {
      const r = await this.request<ListModelsResponse | ModelSummary[]>('get', undefined);
      if (Array.isArray(r)) return r;
      return Array.isArray(r.models) ? r.models : [];
    } catch (err) {
      if (!(err instanceof WadmApiError) || !/Unsupported subject|Invalid subject/.test(err.message)) throw err;
      return this.request<ModelSummary[]>('list', undefined);
    }
  }

  /** Versions in insertion order; `result: "notfound"` for an unknown app. */
  versions(name: string): Promise<VersionResponse> {
    return this.request('versions', name);
  }

  /** Without a version: the whole app. */
  delete(name: string, version?: string): Promise<DeleteModelResponse> {
    return this.request('del', name, version === undefined ? undefined : { version });
  }

  /** Without a version: the latest. `result: "notfound"` for an unknown app. */
  deploy(name: string, version?: string): Promise<DeployModelResponse> {
    return this.request('deploy', name, version === undefined ? undefined : { version });
  }

  /** `orphan`: leave the running resources alone (our server only; Rust wadm ignores it and cleans up). */
  undeploy(name: string, opts: { orphan?: boolean } = {}): Promise<DeployModelResponse> {
    return this.request('undeploy', name, opts.orphan ? { orphan: true } : undefined);
  }

  async status(name: string): Promise<Status> {
    const r = await this.request<StatusResponse>('status', name);
    return parseStatus(r.status) ?? { status: { type: 'undeployed' }, version: '', components: [] };
  }

  /** wadm answers "not supported"; kept for completeness of the API surface. */
  history(name: string): Promise<unknown> {
    return this.request('history', name);
  }

  /** Status updates pushed on `wadm.status.{lattice}.{name}` from now on (not the current one: see `status`). */
  watchStatus(name: string): StatusWatch {
    const sub = this.nc.subscribe(wadmStatusSubject(this.lattice, name));
    const iterate = async function* (): AsyncGenerator<Status> {
      for await (const m of sub) {
        let raw: unknown;
        try {
          raw = JSON.parse(new TextDecoder().decode(m.data));
        } catch {
          continue;
        }
        const status = parseStatus(raw);
        if (status) yield status;
      }
    };
    return { [Symbol.asyncIterator]: iterate, stop: () => sub.unsubscribe() };
  }

  /**
   * Says so when Rust wadm serves this lattice (`engine/foreign-wadm.ts`): a wash wadm engine on the same
   * lattice then stands by and does not reconcile. Undefined otherwise.
   */
  async otherWadm(): Promise<string | undefined> {
    const { foreignWadmServing } = await import('../engine/foreign-wadm.js');
    return foreignWadmServing(this.nc, this.lattice, { timeoutMs: this.timeoutMs });
  }
}
