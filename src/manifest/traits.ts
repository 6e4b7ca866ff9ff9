/**
 * Which member of the untagged `TraitProperty` union a trait's properties are. wadm tries Link, then
 * SpreadScaler, then Custom regardless of the trait's `type` (wadm.md §1.6); the normalised form keeps no tag,
 * so classification re-runs that order. Parsing is idempotent on normalised values, and results are cached per
 * object. Loads zod (via schema.ts).
 */
import { DAEMONSCALER_TRAIT, LINK_TRAIT, SPREADSCALER_TRAIT } from './constants.js';
import {
  LinkPropertySchema,
  PARSE_OPTIONS,
  SpreadScalerPropertySchema,
  type LinkProperty,
  type SpreadScalerProperty,
  type Trait,
} from './schema.js';

export type TraitPropertyClass =
  | { kind: 'link'; link: LinkProperty }
  | { kind: 'spreadscaler'; scaler: SpreadScalerProperty }
  | { kind: 'custom'; value: unknown };

const cache = new WeakMap<object, TraitPropertyClass>();

export function classifyTraitProperty(properties: unknown): TraitPropertyClass {
  const cacheable = typeof properties === 'object' && properties !== null;
  const hit = cacheable ? cache.get(properties) : undefined;
  if (hit) return hit;
  let result: TraitPropertyClass;
  const link = LinkPropertySchema.safeParse(properties, PARSE_OPTIONS);
  if (link.success) result = { kind: 'link', link: link.data };
  else {
    const scaler = SpreadScalerPropertySchema.safeParse(properties, PARSE_OPTIONS);
    result = scaler.success ? { kind: 'spreadscaler', scaler: scaler.data } : { kind: 'custom', value: properties };
  }
  if (cacheable) cache.set(properties, result);
  return result;
}

/** The link properties when the trait's properties parse as a link (whatever its `type`, like wadm rule 3e). */
export function asLinkProperty(trait: Pick<Trait, 'properties'>): LinkProperty | undefined {
  const c = classifyTraitProperty(trait.properties);
  return c.kind === 'link' ? c.link : undefined;
}

/** The scaler properties when the trait's properties parse as spreadscaler/daemonscaler properties. */
export function asSpreadScalerProperty(trait: Pick<Trait, 'properties'>): SpreadScalerProperty | undefined {
  const c = classifyTraitProperty(trait.properties);
  return c.kind === 'spreadscaler' ? c.scaler : undefined;
}

export function isLinkTrait(trait: Pick<Trait, 'type'>): boolean {
  return trait.type === LINK_TRAIT;
}

export function isScalerTrait(trait: Pick<Trait, 'type'>): boolean {
  return trait.type === SPREADSCALER_TRAIT || trait.type === DAEMONSCALER_TRAIT;
}
