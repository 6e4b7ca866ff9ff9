/** What a provider process gets on stdin (v1 launch contract, reference §4.1): base64(JSON HostData) + CRLF. */
import { randomUUID } from 'node:crypto';
import type { Link, StringMap } from '../../lattice/types.js';

/** A link as providers receive it: named configs resolved to their merged maps. */
export interface InterfaceLinkDefinition {
  source_id: string;
  target: string;
  name: string;
  wit_namespace: string;
  wit_package: string;
  interfaces: string[];
  source_config: StringMap;
  target_config: StringMap;
}

export interface HostData {
  host_id: string;
  lattice_rpc_prefix: string;
  link_name: string;
  lattice_rpc_user_jwt: string;
  lattice_rpc_user_seed: string;
  lattice_rpc_url: string;
  provider_key: string;
  env_values: StringMap;
  instance_id: string;
  link_definitions: InterfaceLinkDefinition[];
  cluster_issuers: string[];
  config: StringMap;
  secrets: Record<string, unknown>;
  host_xkey_public_key: string;
  provider_xkey_private_key: string;
  default_rpc_timeout_ms: number;
  structured_logging: boolean;
  log_level: string;
  otel_config: Record<string, unknown>;
}

export function resolveLink(link: Link, config: (names: readonly string[]) => StringMap): InterfaceLinkDefinition {
  return {
    source_id: link.source_id,
    target: link.target,
    name: link.name || 'default',
    wit_namespace: link.wit_namespace,
    wit_package: link.wit_package,
    interfaces: [...link.interfaces],
    source_config: config(link.source_config),
    target_config: config(link.target_config),
  };
}

/** Links a provider takes part in: as the source (it calls components) or as the target (components call it). */
export function providerLinks(all: readonly Link[], providerId: string): Link[] {
  return all.filter((l) => l.source_id === providerId || l.target === providerId);
}

export interface HostDataInput {
  hostId: string;
  lattice: string;
  providerId: string;
  rpcUrl: string;
  rpcJwt?: string;
  rpcSeed?: string;
  links: InterfaceLinkDefinition[];
  config: StringMap;
  rpcTimeoutMs: number;
  logLevel?: string;
  structuredLogging?: boolean;
}

export function buildHostData(i: HostDataInput): HostData {
  return {
    host_id: i.hostId,
    lattice_rpc_prefix: i.lattice,
    link_name: 'default',
    lattice_rpc_user_jwt: i.rpcJwt ?? '',
    lattice_rpc_user_seed: i.rpcSeed ?? '',
    lattice_rpc_url: i.rpcUrl,
    provider_key: i.providerId,
    env_values: {},
    instance_id: randomUUID(),
    link_definitions: i.links,
    cluster_issuers: [],
    config: i.config,
    secrets: {},
    host_xkey_public_key: '',
    provider_xkey_private_key: '',
    default_rpc_timeout_ms: i.rpcTimeoutMs,
    structured_logging: i.structuredLogging ?? false,
    log_level: i.logLevel ?? 'info',
    otel_config: { enable_observability: false },
  };
}

/** The bytes written to the provider's stdin. */
export function encodeHostData(data: HostData): string {
  return `${Buffer.from(JSON.stringify(data)).toString('base64')}\r\n`;
}

/** Only these variables reach a provider (the rest of the host's environment is cleared, as in v1). */
export function providerEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (k === 'RUST_LOG' || k.startsWith('OTEL_') || k === 'SYSTEMROOT')) out[k] = v;
  }
  return out;
}
