/**
 * The host's answers to control-interface requests, without NATS: a parsed subject plus the raw payload in,
 * a `CtlResponse` out (`undefined` = stay silent, as auctions a host cannot win do). `CtlServer` is the NATS
 * adapter around it.
 */
import {
  ctlError,
  ctlOk,
  ctlSuccess,
  decodeComponentAuctionRequest,
  decodeConfigMap,
  decodeDeleteLinkRequest,
  decodeHostLabel,
  decodeHostLabelIdentifier,
  decodeJson,
  decodeLink,
  decodeProviderAuctionRequest,
  decodeScaleComponentCommand,
  decodeStartProviderCommand,
  decodeStopHostCommand,
  decodeStopProviderCommand,
  decodeUpdateComponentCommand,
} from '../lattice/codec.js';
import type { ParsedCtlSubject } from '../lattice/subjects.js';
import type {
  ClaimsList,
  ConfigMap,
  CtlResponse,
  DeleteLinkRequest,
  Host,
  HostInventory,
  Link,
} from '../lattice/types.js';
import type { RegistryCredential } from '../oci/settings.js';
import type { ComponentManager } from './components.js';
import type { EventSink } from './event-publisher.js';
import { isProtectedLabelKey, labelsSatisfy, type Labels } from './labels.js';
import type { LinkUpsert } from './links.js';
import type { HostLogger } from './log.js';
import type { ProviderManager } from './providers.js';

/** The lattice-state operations the control interface needs (implemented by `LatticeStore`). */
export interface ControlStore {
  putLink(link: Link): Promise<LinkUpsert>;
  deleteLink(id: DeleteLinkRequest): Promise<Link | undefined>;
  readLinks(): Promise<Link[]>;
  readConfig(name: string): Promise<ConfigMap | undefined>;
  putConfig(name: string, config: ConfigMap): Promise<void>;
  deleteConfig(name: string): Promise<void>;
  missingConfigs(names: readonly string[]): Promise<string[]>;
  claims(): ClaimsList;
}

export interface ControlContext {
  hostId: string;
  labels: Labels;
  ping(): Host;
  inventory(): HostInventory;
  components: Pick<ComponentManager, 'scale' | 'update' | 'has'>;
  providers: Pick<ProviderManager, 'start' | 'stop' | 'has'>;
  store: ControlStore;
  events: EventSink;
  log: HostLogger;
  /** Begins a graceful stop after the reply went out. */
  requestStop(timeoutMs?: number): void;
  /** Called after label changes (so heartbeats and pings reflect them). */
  labelsChanged?(): void;
  /** `registry.put`: credentials used for later OCI pulls. */
  putRegistryCredentials?(creds: Record<string, RegistryCredential>): void;
}

/** wasmCloud 1.9's reply text (`handle_label_put`); deleting a hostcore.* label is allowed there, and here. */
const RESERVED_LABEL_PUT = 'hostcore.* labels cannot be set dynamically';

export async function handleControl(
  ctx: ControlContext,
  subject: ParsedCtlSubject,
  data: Uint8Array,
): Promise<CtlResponse<unknown> | undefined> {
  const json = () => decodeJson(data, `${subject.op} payload`);
  switch (subject.op) {
    case 'host.ping':
      return ctlOk(ctx.ping());
    case 'host.get':
      return ctlOk(ctx.inventory());
    case 'host.stop': {
      const cmd = decodeStopHostCommand(json());
      ctx.requestStop(cmd.timeout);
      return ctlSuccess('successfully handled stop host');
    }
    case 'component.scale':
      return ctx.components.scale(decodeScaleComponentCommand(json()));
    case 'component.update':
      return ctx.components.update(decodeUpdateComponentCommand(json()));
    case 'component.auction': {
      const req = decodeComponentAuctionRequest(json());
      if (!labelsSatisfy(ctx.labels, req.constraints) || ctx.components.has(req.component_id)) return undefined;
      return ctlOk({
        component_ref: req.component_ref,
        component_id: req.component_id,
        host_id: ctx.hostId,
        constraints: req.constraints,
      });
    }
    case 'provider.start':
      return ctx.providers.start(decodeStartProviderCommand(json()));
    case 'provider.stop':
      return ctx.providers.stop(decodeStopProviderCommand(json()));
    case 'provider.auction': {
      const req = decodeProviderAuctionRequest(json());
      if (!labelsSatisfy(ctx.labels, req.constraints) || ctx.providers.has(req.provider_id)) return undefined;
      return ctlOk({
        host_id: ctx.hostId,
        provider_ref: req.provider_ref,
        provider_id: req.provider_id,
        constraints: req.constraints,
      });
    }
    case 'link.put':
      return putLink(ctx, decodeLink(json()));
    case 'link.del': {
      const id = decodeDeleteLinkRequest(json());
      const removed = await ctx.store.deleteLink(id);
      ctx.events.publish(
        'linkdef_deleted',
        removed ? { ...id, target: removed.target, interfaces: removed.interfaces } : id,
      );
      return ctlSuccess('successfully deleted link');
    }
    case 'link.get':
      return ctlOk(await ctx.store.readLinks());
    case 'claims.get':
      return ctlOk(ctx.store.claims());
    case 'config.put': {
      const config = decodeConfigMap(json());
      await ctx.store.putConfig(subject.name, config);
      ctx.events.publish('config_set', { config_name: subject.name });
      return ctlSuccess('successfully put config');
    }
    case 'config.get': {
      const config = await ctx.store.readConfig(subject.name);
      return config === undefined ? ctlSuccess('Configuration not found') : ctlOk(config);
    }
    case 'config.del':
      await ctx.store.deleteConfig(subject.name);
      ctx.events.publish('config_deleted', { config_name: subject.name });
      return ctlSuccess('successfully deleted config');
    case 'label.put': {
      const { key, value } = decodeHostLabel(json());
      if (isProtectedLabelKey(key)) return ctlError(RESERVED_LABEL_PUT);
      ctx.labels[key] = value;
      ctx.labelsChanged?.();
      ctx.events.publish('labels_changed', { host_id: ctx.hostId, labels: { ...ctx.labels } });
      return ctlSuccess('successfully put label');
    }
    case 'label.del': {
      const { key } = decodeHostLabelIdentifier(json());
      if (!Object.hasOwn(ctx.labels, key)) return ctlSuccess('successfully deleted label (no such label)');
      delete ctx.labels[key];
      ctx.labelsChanged?.();
      ctx.events.publish('labels_changed', { host_id: ctx.hostId, labels: { ...ctx.labels } });
      return ctlSuccess('successfully deleted label');
    }
    case 'registry.put': {
      const creds = json();
      if (typeof creds !== 'object' || creds === null || Array.isArray(creds))
        return ctlError('registry.put payload: expected a JSON object of registry credentials');
      ctx.putRegistryCredentials?.(creds as Record<string, RegistryCredential>);
      ctx.log.debug(
        `received credentials for ${Object.keys(creds).length} registries: ${Object.keys(creds).join(', ')}`,
      );
      return ctlSuccess('successfully put registry credentials');
    }
    case 'unsupported':
      return ctlError('unsupported subject');
  }
}

async function putLink(ctx: ControlContext, link: Link): Promise<CtlResponse> {
  const rejected = (error: string): CtlResponse => {
    ctx.events.publish('linkdef_set_failed', { ...link, error });
    ctx.log.warn(`link ${link.source_id} -> ${link.target} (${link.wit_namespace}:${link.wit_package}) rejected`, {
      error,
    });
    return ctlError(error);
  };
  const missing = await ctx.store.missingConfigs([...link.source_config, ...link.target_config]);
  if (missing.length > 0)
    return rejected(`configuration not found: ${missing.join(', ')} (put it with config.put before linking)`);
  const outcome = await ctx.store.putLink(link);
  if (!outcome.ok) return rejected(outcome.error);
  ctx.events.publish('linkdef_set', link);
  return ctlSuccess('successfully set link');
}
