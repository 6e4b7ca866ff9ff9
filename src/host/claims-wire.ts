/**
 * Claims as upstream hosts put them on the wire (`crates/host/src/event.rs`, `wasmbus/claims.rs`): the `claims`
 * of `component_scaled` / `provider_started` events and the stored `CLAIMS_{subject}` record of a component.
 */
import type { EmbeddedClaims } from '../component/claims.js';

/** A claims time as upstream's events show it: the seconds since the epoch as text, or "never". */
export function eventTimestamp(date: Date | undefined): string {
  return date ? String(Math.floor(date.getTime() / 1000)) : 'never';
}

/** The `claims` of a `component_scaled` event (upstream's `format_component_claims`). */
export function componentEventClaims(claims: EmbeddedClaims): Record<string, unknown> {
  return {
    call_alias: claims.callAlias ?? null,
    issuer: claims.issuer,
    tags: claims.tags,
    name: claims.name ?? null,
    version: claims.version ?? null,
    revision: claims.revision ?? null,
    not_before_human: eventTimestamp(claims.notBefore),
    expires_human: eventTimestamp(claims.expires),
  };
}

/** `CLAIMS_{subject}` of a component as upstream stores it (`StoredComponentClaims`). */
export function storedComponentClaims(claims: EmbeddedClaims): Record<string, string | string[]> {
  return {
    call_alias: claims.callAlias ?? '',
    issuer: claims.issuer,
    name: claims.name ?? '',
    revision: String(claims.revision ?? 0),
    subject: claims.subject,
    tags: claims.tags,
    version: claims.version ?? '',
  };
}
