import { basicHeader, parseChallenges } from './auth.js';
import { OciError } from './errors.js';
import { httpSend, type HttpResponse } from './http.js';
import type { RegistryCredential } from './settings.js';
import { caBundle, describeTlsFailure } from './tls.js';

export interface RegistryTarget {
  registry: string;
  repository: string;
  insecure: boolean;
  /** Shown in errors (includes the mirror, if any). */
  display: string;
  credential?: RegistryCredential;
  /** PEM file of CAs to trust besides the public ones (`--oci-tls-ca-file`). */
  caFile?: string;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** `pull` or `pull,push`. */
  actions: string;
  /** Path under /v2/ or an absolute URL (upload locations). */
  path: string;
  /** HTTP statuses returned to the caller instead of being turned into errors. */
  expect: number[];
}

/** Bearer tokens and basic auth decisions, per registry + scope, shared by every client in the process. */
const authCache = new Map<string, string>();

/**
 * A minimal OCI distribution client for one repository: requests with the auth dance (anonymous → challenge →
 * basic or bearer token, then retry once), HTTPS unless the registry is allowed insecure.
 */
export class RegistryClient {
  private readonly ca: readonly string[] | undefined;

  constructor(
    readonly target: RegistryTarget,
    private readonly timeoutMs = 60_000,
  ) {
    this.ca = target.caFile ? caBundle(target.caFile) : undefined;
  }

  get baseUrl(): string {
    return `${this.target.insecure ? 'http' : 'https'}://${this.target.registry}/v2/`;
  }

  private cacheKey(actions: string): string {
    const c = this.target.credential;
    return `${this.target.registry}|${this.target.repository}|${actions}|${c?.username ?? ''}|${c?.password ?? c?.token ?? ''}`;
  }

  async request(opts: RequestOptions): Promise<HttpResponse> {
    const url = /^https?:\/\//.test(opts.path) ? opts.path : this.baseUrl + opts.path;
    const key = this.cacheKey(opts.actions);
    const first = await this.send(url, opts, authCache.get(key));
    if (first.status !== 401) return this.check(first, opts);
    first.discard();
    const authorization = await this.answerChallenge(first, opts.actions);
    authCache.set(key, authorization);
    const second = await this.send(url, opts, authorization);
    if (second.status === 401 || second.status === 403) {
      authCache.delete(key);
      second.discard();
      throw this.unauthorized(second.status);
    }
    return this.check(second, opts);
  }

  private async send(url: string, opts: RequestOptions, authorization: string | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': 'wash-oci', ...opts.headers };
    if (authorization) headers.authorization = authorization;
    try {
      return await httpSend(url, {
        method: opts.method ?? 'GET',
        headers,
        body: opts.body,
        timeoutMs: this.timeoutMs,
        ca: this.ca,
      });
    } catch (cause) {
      throw this.unreachable(url, cause);
    }
  }

  unreachable(url: string, cause: unknown): OciError {
    const tls = describeTlsFailure(cause, new URL(url).host, this.target.caFile);
    if (tls) {
      return new OciError(
        'tls',
        `registry ${this.target.registry} failed TLS verification for ${this.target.display} (${new URL(url).origin}): ${tls.detail}`,
        { suggestion: tls.suggestion },
      );
    }
    const detail = describeFetchFailure(cause);
    const plainHint = this.target.insecure
      ? 'check that the registry is running and reachable'
      : `if the registry speaks plain HTTP, allow it with --allowed-insecure ${this.target.registry} (wash push/pull: --insecure)`;
    // The raw cause (TLS library text) is left out on purpose: the detail above says what it means.
    return new OciError(
      'unreachable',
      `registry ${this.target.registry} is unreachable for ${this.target.display} (${new URL(url).origin}): ${detail}`,
      { suggestion: plainHint },
    );
  }

  private unauthorized(status: number): OciError {
    const who = this.target.credential?.username
      ? `user '${this.target.credential.username}'`
      : this.target.credential?.token
        ? 'the given token'
        : 'anonymous access';
    return new OciError(
      'unauthorized',
      `registry ${this.target.registry} refused ${who} for ${this.target.display} (HTTP ${status})`,
      {
        suggestion: this.target.credential
          ? 'check the user name and password (--user/--password, WASMCLOUD_OCI_REGISTRY_USER/_PASSWORD)'
          : 'give credentials with --user/--password or WASMCLOUD_OCI_REGISTRY_USER/_PASSWORD',
      },
    );
  }

  private async answerChallenge(res: HttpResponse, actions: string): Promise<string> {
    const challenges = parseChallenges(res.header('www-authenticate') ?? null);
    const cred = this.target.credential;
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) return `Bearer ${await this.fetchToken(bearer.params, actions)}`;
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (cred?.username !== undefined && cred.password !== undefined) return basicHeader(cred.username, cred.password);
      if (cred?.token) return `Bearer ${cred.token}`;
      throw this.unauthorized(401);
    }
    throw new OciError(
      'registry',
      `registry ${this.target.registry} asked for authentication without a supported challenge (${res.header('www-authenticate') ?? 'no WWW-Authenticate header'}) for ${this.target.display}`,
    );
  }

  /** The token flow of the distribution spec (docs/spec/auth/token.md): GET realm?service&scope, Basic when we have a login. */
  private async fetchToken(params: Record<string, string>, actions: string): Promise<string> {
    const cred = this.target.credential;
    if (!params.realm)
      throw new OciError(
        'registry',
        `registry ${this.target.registry} sent a Bearer challenge without a realm for ${this.target.display}`,
      );
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set(
      'scope',
      params.scope && !params.scope.includes(',') && actions === 'pull'
        ? params.scope
        : `repository:${this.target.repository}:${actions}`,
    );
    const headers: Record<string, string> = { 'user-agent': 'wash-oci' };
    if (cred?.username !== undefined && cred.password !== undefined)
      headers.authorization = basicHeader(cred.username, cred.password);
    else if (cred?.token && !cred.username) return cred.token;
    let res: HttpResponse;
    try {
      res = await httpSend(realm, { headers, timeoutMs: this.timeoutMs, ca: this.ca });
    } catch (cause) {
      const tls = describeTlsFailure(cause, realm.host, this.target.caFile);
      if (tls)
        throw new OciError(
          'tls',
          `token service ${realm.origin} of registry ${this.target.registry} failed TLS verification for ${this.target.display}: ${tls.detail}`,
          { suggestion: tls.suggestion },
        );
      throw new OciError(
        'unreachable',
        `token service ${realm.origin} of registry ${this.target.registry} is unreachable for ${this.target.display}: ${describeFetchFailure(cause)}`,
      );
    }
    if (res.status === 401 || res.status === 403) {
      res.discard();
      throw this.unauthorized(res.status);
    }
    if (res.status < 200 || res.status > 299) {
      res.discard();
      throw new OciError(
        'registry',
        `token service ${realm.origin} answered HTTP ${res.status} for ${this.target.display}`,
      );
    }
    let body: { token?: string; access_token?: string } = {};
    try {
      body = JSON.parse(await res.text()) as typeof body;
    } catch {
      /* reported below */
    }
    const token = body.token ?? body.access_token;
    if (!token)
      throw new OciError('registry', `token service ${realm.origin} returned no token for ${this.target.display}`);
    return token;
  }

  private async check(res: HttpResponse, opts: RequestOptions): Promise<HttpResponse> {
    if (opts.expect.includes(res.status)) return res;
    const text = await res.text().catch(() => '');
    const codes = registryErrorCodes(text);
    if (res.status === 403) throw this.unauthorized(403);
    if (res.status === 404 || codes.some((c) => c.endsWith('_UNKNOWN'))) {
      throw new OciError(
        'not-found',
        `${this.target.display} was not found (${codes[0] ?? `HTTP ${res.status}`} from ${this.target.registry})`,
        {
          suggestion: `check the repository and tag; list tags with: curl ${this.baseUrl}${this.target.repository}/tags/list`,
        },
      );
    }
    throw new OciError(
      'registry',
      `registry ${this.target.registry} answered ${opts.method ?? 'GET'} ${opts.path.replace(/\?.*$/, '')} with HTTP ${res.status}${codes.length ? ` (${codes.join(', ')})` : ''} for ${this.target.display}`,
    );
  }
}

function registryErrorCodes(text: string): string[] {
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    return (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).filter((s) => s !== '');
  } catch {
    return [];
  }
}

function describeFetchFailure(err: unknown): string {
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.name === 'TimeoutError') return 'timed out';
  const code = e?.code ?? '';
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    /wrong version number|packet length too long/i.test(e?.message ?? '')
  ) {
    return 'it answered plain HTTP to an HTTPS request';
  }
  if (code) return code;
  return (err instanceof Error ? err.message : String(err)).trim();
}
