/**
 * Named links (several backends of one interface): the identifier a component passes to the opening call
 * (`store::open("cache")`, `create-container(name)`) selects its link of that name, else the `default`
 * link, else it is an error that lists the names that exist.
 */
import type { Link } from '../../lattice/types.js';

export type LinkChoice = { ok: true; link: Link } | { ok: false; error: string };

export function linksFor(links: readonly Link[], namespace: string, pkg: string): Link[] {
  return links.filter((l) => l.wit_namespace === namespace && l.wit_package === pkg);
}

export function selectLink(links: readonly Link[], namespace: string, pkg: string, identifier: string): LinkChoice {
  const candidates = linksFor(links, namespace, pkg);
  const link = candidates.find((l) => l.name === identifier) ?? candidates.find((l) => l.name === 'default');
  if (link) return { ok: true, link };
  const names = [...new Set(candidates.map((l) => l.name))].sort();
  const existing =
    names.length === 0
      ? `the component has no ${namespace}:${pkg} link`
      : `its ${namespace}:${pkg} links are named ${names.join(', ')}`;
  return { ok: false, error: `no ${namespace}:${pkg} link named '${identifier}' and no 'default' link: ${existing}` };
}
