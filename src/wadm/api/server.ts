/**
 * The wadm API server (wadm.md §2): a core-NATS queue subscription (group `wadm_server`) per served lattice on
 * `{prefix}.{lattice}.>`, answering every `model.*` operation from the manifest store, and telling the engine
 * about deploys/undeploys with `com.wadm.manifest_published|unpublished` CloudEvents on
 * `wadm.evt.{lattice}.*` after the store write succeeded.
 *
 * Requests are handled concurrently; correctness under races comes from the store's CAS writes.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { buildEvent, encodeEvent } from '../../lattice/events.js';
import { DEFAULT_WADM_API_PREFIX, WADM_API_QUEUE_GROUP, wadmEventSubject } from '../../lattice/subjects.js';
import { manifestStoreOn, openManifestBucket, StoreError, type ManifestStore } from '../store/manifest-store.js';
import { ensureStatusStream, readLastStatus, statusStreamManager } from '../store/status-stream.js';
import { guardStreams } from '../store/stream-guard.js';
import type { ManifestUnpublishedEventData, WadmManifest } from '../types.js';
import { MANIFEST_BUCKET, STATUS_STREAM, undeployedStatus, waitingNoHostsStatus } from '../types.js';
import { parsePutBody } from './put-body.js';
import {
  deleteNeedsUnpublish,
  deleteReply,
  deployReply,
  errorReply,
  getReply,
  HISTORY_UNSUPPORTED,
  parseRequestBody,
  putReply,
  statusReply,
  summaryOf,
  undeployReply,
  versionsReply,
} from './responses.js';
import { parseApiSubject } from './subjects.js';
import { encodeBoundedReply, maxPayloadOf, truncateForEcho } from '../../lattice/bounded-reply.js';

export interface ApiServerOptions {
  /** Lattices to serve; `*` serves every lattice (subscribes to `{prefix}.>`). */
  lattices: string[];
  jsDomain?: string;
  /** JetStream replicas of the bucket and stream when created here (default 1). */
  jsReplicas?: number;
  /** API subject prefix, `wadm.api` by default (surrounding spaces and dots are trimmed, as wadm does). */
  apiPrefix?: string;
  /** Unused since the list no longer pings hosts (kept so callers passing it still compile). */
  ctlTopicPrefix?: string;
  /** Manifest bucket, `wadm_manifests` by default. */
  bucket?: string;
  /** Diagnostics (the library never prints). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface ApiServer {
  /** Stops answering and waits for requests in flight. */
  close(): Promise<void>;
}

type Reply = object;

export async function startApiServer(nc: NatsConnection, opts: ApiServerOptions): Promise<ApiServer> {
  if (opts.lattices.length === 0) throw new Error('startApiServer: no lattices to serve');
  const prefix = (opts.apiPrefix ?? DEFAULT_WADM_API_PREFIX).trim().replace(/^\.+|\.+$/g, '');
  if (prefix === '') throw new Error('startApiServer: the API prefix is empty');
  const log = opts.log ?? (() => {});

  const kv: KV = await openManifestBucket(nc, {
    jsDomain: opts.jsDomain,
    bucket: opts.bucket,
    replicas: opts.jsReplicas,
  });
  const jsm: JetStreamManager = await statusStreamManager(nc, opts.jsDomain);
  await ensureStatusStream(jsm, undefined, opts.jsReplicas);
  // Buckets deleted under us (a purge by someone else) are recreated, so the API keeps answering.
  const bucketStream = `KV_${opts.bucket ?? MANIFEST_BUCKET}`;
  const guard = guardStreams(
    nc,
    {
      [bucketStream]: () =>
        openManifestBucket(nc, { jsDomain: opts.jsDomain, bucket: opts.bucket, replicas: opts.jsReplicas }),
      [STATUS_STREAM]: () => ensureStatusStream(jsm, undefined, opts.jsReplicas),
    },
    (m) => log('warn', m),
  );
  const bucketGuard = { recreate: () => guard.recreate(bucketStream), settled: () => guard.settled() };

  const { jetstream } = await import('@nats-io/jetstream');
  const js = jetstream(nc, opts.jsDomain ? { domain: opts.jsDomain } : {});
  const stores = new Map<string, ManifestStore>();
  const storeFor = (lattice: string): ManifestStore => {
    let s = stores.get(lattice);
    if (!s) {
      s = manifestStoreOn(kv, { lattice, bucketGuard, js });
      stores.set(lattice, s);
    }
    return s;
  };

  const publish = async (
    lattice: string,
    event: Parameters<typeof encodeEvent>[0],
    name: 'manifest_published' | 'manifest_unpublished',
  ) => {
    nc.publish(wadmEventSubject(lattice, name), encodeEvent(event));
    await nc.flush();
  };
  const published = (lattice: string, manifest: WadmManifest) =>
    publish(lattice, buildEvent('manifest_published', manifest, 'wadm'), 'manifest_published');
  const unpublished = (lattice: string, data: ManifestUnpublishedEventData) =>
    publish(lattice, buildEvent('manifest_unpublished', data, 'wadm'), 'manifest_unpublished');

  /** True when at least one host answers a ping (no responders → no hosts, answered at once). */
  async function listSummaries(lattice: string) {
    const apps = await storeFor(lattice).list();
    const statuses = await Promise.all(apps.map((a) => readLastStatus(jsm, lattice, a.name)));
    // wadm 0.21 lists an app without a published status as waiting, whether or not the lattice has hosts.
    return apps.map((a, i) => summaryOf(a, statuses[i] ?? waitingNoHostsStatus()));
  }

  async function handle(msg: Msg): Promise<Reply | undefined> {
    const parsed = parseApiSubject(msg.subject, prefix);
    if (parsed.kind !== 'op') return errorReply(parsed.message);
    const { lattice, op, name } = parsed;
    const store = storeFor(lattice);
    switch (op) {
      case 'put': {
        const body = await parsePutBody(msg.data, msg.headers?.get('Content-Type') || undefined);
        if (!body.ok)
          return {
            ...errorReply(body.message),
            ...(body.errors && body.errors.length > 0 ? { errors: body.errors } : {}),
          };
        return putReply(await store.put(body.manifest));
      }
      case 'get': {
        if (name === undefined) {
          return {
            result: 'success',
            message: 'Successfully fetched list of applications',
            models: await listSummaries(lattice),
          };
        }
        const body = parseRequestBody(msg.data, 'get');
        if (!body.ok) return body.reply;
        return getReply(name, await store.get(name), body.version);
      }
      case 'list':
        log('warn', 'Received deprecated subject: model.list. Please use model.get instead');
        return listSummaries(lattice);
      case 'versions':
        return versionsReply(name!, await store.get(name!));
      case 'del': {
        const body = parseRequestBody(msg.data, 'delete');
        if (!body.ok) return body.reply;
        const outcome = await store.delete(name!, body.version);
        if (deleteNeedsUnpublish(outcome)) {
          try {
            await unpublished(lattice, { name: name! });
          } catch (err) {
            log('error', `notifying the undeploy of ${name} failed: ${(err as Error).message}`);
            return {
              result: 'error',
              message:
                'Error notifying processors of newly undeployed manifest on delete. This is likely a transient error, so please retry the request.',
              undeploy: false,
            };
          }
        }
        return deleteReply(outcome);
      }
      case 'deploy': {
        const body = parseRequestBody(msg.data, 'deploy');
        if (!body.ok) return body.reply;
        const outcome = await store.deploy(name!, body.version);
        if (outcome.kind === 'deployed') {
          try {
            await published(lattice, outcome.manifest);
          } catch (err) {
            log('error', `notifying the deploy of ${name} failed: ${(err as Error).message}`);
            return {
              result: 'error',
              message:
                'Error notifying processors of newly deployed manifest. This is likely a transient error, so please retry the request',
              name,
              version: outcome.version,
            };
          }
        }
        return deployReply(outcome, body.version);
      }
      case 'undeploy': {
        const body = parseRequestBody(msg.data, 'undeploy');
        if (!body.ok) return body.reply;
        const outcome = await store.undeploy(name!);
        if (outcome.kind !== 'notfound') {
          // Always re-sent, so a lost notification can be retried by undeploying again.
          try {
            await unpublished(lattice, body.orphan ? { name: name!, orphan: true } : { name: name! });
          } catch (err) {
            log('error', `notifying the undeploy of ${name} failed: ${(err as Error).message}`);
            return {
              result: 'error',
              message:
                'Error notifying processors of undeployed manifest. This is likely a transient error, so please retry the request',
              name,
              version: null,
            };
          }
        }
        return undeployReply(outcome);
      }
      case 'status':
        await guard.settled();
        return statusReply(name!, (await readLastStatus(jsm, lattice, name!)) ?? undeployedStatus());
      case 'history':
        return errorReply(HISTORY_UNSUPPORTED);
    }
  }

  const inFlight = new Set<Promise<void>>();
  const serve = (msg: Msg) => {
    const p = (async () => {
      let reply: Reply | undefined;
      try {
        reply = await handle(msg);
      } catch (err) {
        const detail = truncateForEcho((err as Error).message);
        log('error', `${truncateForEcho(msg.subject, 200)}: ${detail}`);
        reply = errorReply(
          err instanceof StoreError ? `Internal storage error: ${detail}` : `Internal error: ${detail}`,
        );
      }
      if (reply !== undefined && msg.reply) {
        try {
          msg.respond(
            encodeBoundedReply(reply, maxPayloadOf(nc), (bytes) =>
              errorReply(`the reply (${bytes} bytes) is larger than the NATS server's max_payload`),
            ),
          );
        } catch (err) {
          log('warn', `cannot reply on ${msg.reply}: ${(err as Error).message}`);
        }
      }
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const subjects = opts.lattices.includes('*')
    ? [`${prefix}.>`]
    : [...new Set(opts.lattices)].map((l) => `${prefix}.${l}.>`);
  const subs: Subscription[] = subjects.map((subject) =>
    nc.subscribe(subject, {
      queue: WADM_API_QUEUE_GROUP,
      callback: (err, msg) => {
        if (err) {
          log('error', `API subscription ${subject}: ${err.message}`);
          return;
        }
        serve(msg);
      },
    }),
  );
  await nc.flush();
  log('info', `wadm API listening on ${subjects.join(', ')} (queue ${WADM_API_QUEUE_GROUP})`);

  return {
    async close() {
      guard.stop();
      for (const s of subs) s.unsubscribe();
      await Promise.allSettled([...inFlight]);
    },
  };
}
