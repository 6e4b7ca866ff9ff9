import type { DeleteLinkRequest, Link, StringMap } from '../lattice/types.js';
import { dict } from '../lattice/dict.js';
import { isValidLinkName } from '../manifest/names.js';

export const LINK_CONFLICT_MESSAGE =
  'link already exists with different target, consider deleting the existing link or using a different link name';

/** Same source, link name and WIT package: the identity `link.del` uses. */
export function sameLinkIdentity(a: DeleteLinkRequest, b: DeleteLinkRequest): boolean {
  return (
    a.source_id === b.source_id &&
    a.name === b.name &&
    a.wit_namespace === b.wit_namespace &&
    a.wit_package === b.wit_package
  );
}

export type LinkUpsert = { ok: true; links: Link[] } | { ok: false; error: string };

/**
 * Adds `link` to the links stored under its source (v1 rules): a link with the same identity that shares an
 * interface but targets something else is a conflict; one with the same identity and target is replaced;
 * anything else is appended. Named-link rules on top (seed 004): the name is a DNS label, and one name of a
 * package leads to one target.
 */
export function upsertLink(existing: readonly Link[], link: Link): LinkUpsert {
  if (!isValidLinkName(link.name)) {
    return {
      ok: false,
      error: `link name '${link.name}' is not a valid DNS label: use lower-case letters, digits and '-', starting with a letter or digit (at most 63 characters)`,
    };
  }
  const conflict = existing.find(
    (l) =>
      sameLinkIdentity(l, link) && l.target !== link.target && l.interfaces.some((i) => link.interfaces.includes(i)),
  );
  if (conflict) return { ok: false, error: LINK_CONFLICT_MESSAGE };
  // Named links: the name is how a component picks a backend (store::open(name)), so one name of one
  // package cannot lead to two targets, even for disjoint interfaces.
  const ambiguous = existing.find((l) => sameLinkIdentity(l, link) && l.target !== link.target);
  if (ambiguous) {
    return {
      ok: false,
      error:
        `${link.source_id} already links ${link.wit_namespace}:${link.wit_package} to ${ambiguous.target} under the name '${link.name}'; ` +
        'a second backend of the same package needs its own link name (a DNS label, e.g. cache or sessions)',
    };
  }
  const kept = existing.filter((l) => !(sameLinkIdentity(l, link) && l.target === link.target));
  return { ok: true, links: [...kept, link] };
}

/** Removes every link with the identity of `id`; returns what remains and the first removed link. */
export function removeLink(existing: readonly Link[], id: DeleteLinkRequest): { links: Link[]; removed?: Link } {
  const removed = existing.find((l) => sameLinkIdentity(l, id));
  return { links: existing.filter((l) => !sameLinkIdentity(l, id)), removed };
}

/** Named configs merged in order (later names override earlier keys); missing names are skipped. */
export function mergeNamedConfigs(
  names: readonly string[],
  lookup: (name: string) => StringMap | undefined,
): StringMap {
  const out: StringMap = dict();
  for (const name of names) Object.assign(out, lookup(name) ?? {});
  return out;
}

/** A canonical string for a link, to diff link sets. */
export function linkKey(l: Link): string {
  return JSON.stringify([
    l.source_id,
    l.target,
    l.name,
    l.wit_namespace,
    l.wit_package,
    [...l.interfaces].sort(),
    l.source_config,
    l.target_config,
  ]);
}
