/**
 * The `wadm_status` stream (wadm.md §3.2): captures `wadm.status.{lattice}.{name}`, 10 messages per subject.
 * The engine publishes there; the API reads the last message of a subject. Whoever starts first creates it.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { wadmStatusSubject } from '../../lattice/subjects.js';
import type { Status } from '../types.js';
import { normalizeStatusType, STATUS_STREAM, STATUS_STREAM_MAX_PER_SUBJECT } from '../types.js';

export async function statusStreamManager(nc: NatsConnection, jsDomain?: string): Promise<JetStreamManager> {
  const { jetstreamManager } = await import('@nats-io/jetstream');
  return jetstreamManager(nc, jsDomain ? { domain: jsDomain } : {});
}

/** Creates `wadm_status` unless it exists (an existing stream is reused as it is). */
export async function ensureStatusStream(
  jsm: JetStreamManager,
  stream: string = STATUS_STREAM,
  replicas = 1,
): Promise<void> {
  try {
    await jsm.streams.info(stream);
    return;
  } catch (err) {
    if (!/stream not found/i.test((err as Error).message)) throw err;
  }
  const { RetentionPolicy, StorageType } = await import('@nats-io/jetstream');
  try {
    await jsm.streams.add({
      name: stream,
      subjects: ['wadm.status.*.*'],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_msgs_per_subject: STATUS_STREAM_MAX_PER_SUBJECT,
      allow_direct: true,
      num_replicas: replicas,
    });
  } catch (err) {
    // Created concurrently by the engine (or another API server): fine.
    if (!/already in use/i.test((err as Error).message)) throw err;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a Status document leniently (aliases, missing deprecated fields); undefined when it is not one. */
export function parseStatus(raw: unknown): Status | undefined {
  if (!isObject(raw) || !isObject(raw.status)) return undefined;
  const type = normalizeStatusType(raw.status.type);
  if (!type) return undefined;
  const out: Status = {
    ...(raw as unknown as Status),
    status:
      typeof raw.status.message === 'string' && raw.status.message !== ''
        ? { type, message: raw.status.message }
        : { type },
    version: typeof raw.version === 'string' ? raw.version : '',
    components: Array.isArray(raw.components) ? raw.components : [],
  };
  if (Array.isArray(raw.scalers)) {
    out.scalers = raw.scalers.filter(isObject).map((s) => {
      const st = isObject(s.status) ? s.status : {};
      const sType = normalizeStatusType(st.type) ?? 'undeployed';
      return {
        ...(s as unknown as NonNullable<Status['scalers']>[number]),
        status:
          typeof st.message === 'string' && st.message !== '' ? { type: sType, message: st.message } : { type: sType },
      };
    });
  }
  return out;
}

/** The last status published for an app, or undefined when there is none (or it is unreadable). */
export async function readLastStatus(
  jsm: JetStreamManager,
  lattice: string,
  name: string,
  stream: string = STATUS_STREAM,
): Promise<Status | undefined> {
  try {
    const msg = await jsm.streams.getMessage(stream, { last_by_subj: wadmStatusSubject(lattice, name) });
    if (!msg) return undefined;
    return parseStatus(msg.json());
  } catch {
    return undefined;
  }
}
