/**
 * Store outcomes → wadm's wire replies (wadm.md §2.3), with wadm's exact messages. Pure, unit-tested. Also
 * the request-body parsing every handler shares.
 */
import type { DeleteOutcome, DeployOutcome, PutOutcome, UndeployOutcome } from '../store/manifest-store.js';
import { debugList } from '../store/guards.js';
import { descriptionOf } from '../store/manifest-info.js';
import type {
  DeleteModelResponse,
  DeployModelResponse,
  ErrorResponse,
  GetModelResponse,
  ModelSummary,
  PutModelResponse,
  Status,
  StatusResponse,
  StoredApp,
  VersionResponse,
} from '../types.js';

export function errorReply(message: string): ErrorResponse {
  return { result: 'error', message };
}

export type RequestBody = { ok: true; version?: string | null; orphan?: boolean } | { ok: false; reply: ErrorResponse };

/**
 * Parses the optional JSON body of get/del/deploy/undeploy (`what` names the request in the error, as wadm's
 * "Unable to parse deploy application request: …"). Empty body = `{}`; unknown keys are ignored.
 */
export function parseRequestBody(payload: Uint8Array, what: 'get' | 'delete' | 'deploy' | 'undeploy'): RequestBody {
  const text = new TextDecoder().decode(payload);
  if (text.trim() === '') return { ok: true };
  const fail = (detail: string): RequestBody => ({
    ok: false,
    reply: errorReply(`Unable to parse ${what} application request: ${detail}`),
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('expected a JSON object');
  const body = raw as Record<string, unknown>;
  if (body.version !== undefined && body.version !== null && typeof body.version !== 'string')
    return fail('"version" must be a string or null');
  if (body.orphan !== undefined && typeof body.orphan !== 'boolean') return fail('"orphan" must be a boolean');
  return {
    ok: true,
    version: body.version as string | null | undefined,
    ...(body.orphan !== undefined ? { orphan: body.orphan as boolean } : {}),
  };
}

export function putReply(outcome: PutOutcome): PutModelResponse | ErrorResponse {
  if (!outcome.ok) return errorReply(outcome.message);
  let message = `Successfully put manifest ${outcome.name} ${outcome.previousVersion}`;
  if (outcome.missingShared.length > 0)
    message += `, but some shared components are not deployed: ${debugList(outcome.missingShared)}`;
  return {
    result: outcome.created ? 'created' : 'newversion',
    total_versions: outcome.totalVersions,
    current_version: outcome.version,
    message,
    name: outcome.name,
  };
}

export function getReply(name: string, app: StoredApp | null, version?: string | null): GetModelResponse {
  if (!app || app.versions.length === 0)
    return { result: 'notfound', message: `Application with the name ${name} not found` };
  if (version === undefined || version === null) {
    return {
      result: 'success',
      message: `Successfully fetched application ${name}`,
      manifest: app.versions.at(-1)!.manifest,
    };
  }
  const found = app.versions.find((v) => v.version === version);
  if (!found) return { result: 'notfound', message: `Application ${name} with version ${version} doesn't exist` };
  return {
    result: 'success',
    message: `Successfully fetched application ${name} ${version}`,
    manifest: found.manifest,
  };
}

export function versionsReply(name: string, app: StoredApp | null): VersionResponse {
  if (!app) return { result: 'notfound', message: `Application with the name ${name} not found`, versions: [] };
  return {
    result: 'success',
    message: `Successfully fetched versions for application ${name}`,
    versions: app.versions.map((v) => ({ version: v.version, deployed: v.version === app.deployed_version })),
    deploy_history: app.deploy_history,
  };
}

export function summaryOf(app: StoredApp, status: Status): ModelSummary {
  const current = app.versions.at(-1);
  return {
    name: app.name,
    version: current?.version ?? '',
    description: current ? descriptionOf(current.manifest) : null,
    deployed_version: app.deployed_version,
    detailed_status: status,
    // Old clients do not know `waiting`.
    status: status.status.type === 'waiting' ? 'undeployed' : status.status.type,
    status_message: status.status.message ?? '',
  };
}

export function deployReply(
  outcome: DeployOutcome,
  requested: string | null | undefined,
): DeployModelResponse | ErrorResponse {
  switch (outcome.kind) {
    case 'notfound':
      return {
        result: 'notfound',
        message: `Application with the name ${outcome.name} not found`,
        name: outcome.name,
        version: requested ?? null,
      };
    case 'noversion':
      return {
        result: 'error',
        message: `Application with the name '${outcome.name}' does not have a version '${outcome.version}' to deploy`,
        name: outcome.name,
        version: outcome.version,
      };
    case 'rejected':
      // Guard failures are generic error replies in wadm.
      return errorReply(outcome.message);
    case 'deployed':
      return {
        result: 'acknowledged',
        message: `Successfully deployed application ${outcome.name} ${outcome.version}`,
        name: outcome.name,
        version: outcome.version,
      };
  }
}

export function undeployReply(outcome: UndeployOutcome): DeployModelResponse {
  switch (outcome.kind) {
    case 'notfound':
      return {
        result: 'notfound',
        message: `Application with the name ${outcome.name} not found`,
        name: outcome.name,
        version: null,
      };
    case 'already':
      return {
        result: 'acknowledged',
        message: `Application ${outcome.name} was already undeployed`,
        name: outcome.name,
        version: null,
      };
    case 'undeployed':
      return {
        result: 'acknowledged',
        message: `Successfully undeployed application ${outcome.name}`,
        name: outcome.name,
        version: null,
      };
  }
}

export function deleteReply(outcome: DeleteOutcome): DeleteModelResponse {
  const { name, version } = outcome;
  if (outcome.kind === 'noop') {
    return {
      result: 'noop',
      message: outcome.whole
        ? `Application ${name} doesn't exist or was already deleted`
        : `Application version ${version} doesn't exist`,
      undeploy: false,
    };
  }
  let message: string;
  if (version === undefined) message = `Successfully deleted application ${name}`;
  else if (outcome.whole) message = `Successfully deleted last version of application ${name}`;
  else message = `Successfully deleted version ${version} of application ${name}`;
  return { result: 'deleted', message, undeploy: outcome.undeploy };
}

/**
 * Whether a delete must tell the engine to drop the app's scalers: when the deployed version went away, and
 * (wadm.md §2.6 [SUGGEST]) on a whole-app noop, so a lost notification can be retried. A noop on a missing
 * VERSION of an existing app publishes nothing: that would tear down a still-deployed app.
 */
export function deleteNeedsUnpublish(outcome: DeleteOutcome): boolean {
  return outcome.kind === 'deleted' ? outcome.undeploy : outcome.whole;
}

export function statusReply(name: string, status: Status): StatusResponse {
  return { result: 'ok', message: `Successfully fetched status for application ${name}`, status };
}

export const HISTORY_UNSUPPORTED =
  'Model deployment history is not currently supported. It may be added in a future version';
