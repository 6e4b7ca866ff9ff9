/** Link operations of the lattice commands. */
import { UserError } from '../errors.js';
import type { CtlClient } from './ctl-client.js';
import { noProgress, type ProgressFn } from './request-and-confirm.js';
import type { DeleteLinkRequest, Link } from './types.js';

/**
 * Deletes one link. Without an explicit link name, refuses when several links share the source, namespace
 * and package (the user should say which one), as wash v1 does.
 */
export async function deleteLink(
  client: CtlClient,
  o: { sourceId: string; witNamespace: string; witPackage: string; linkName?: string },
): Promise<DeleteLinkRequest> {
  if (o.linkName === undefined) {
    const similar = (await client.getLinks()).filter(
      (l) => l.source_id === o.sourceId && l.wit_namespace === o.witNamespace && l.wit_package === o.witPackage,
    );
    if (similar.length > 1) {
      throw new UserError(
        `${similar.length} links from ${o.sourceId} use ${o.witNamespace}:${o.witPackage} (names: ${similar.map((l) => l.name).join(', ')})`,
        {
          suggestion: 'say which one with --link-name',
        },
      );
    }
  }
  const req: DeleteLinkRequest = {
    source_id: o.sourceId,
    name: o.linkName ?? 'default',
    wit_namespace: o.witNamespace,
    wit_package: o.witPackage,
  };
  await client.deleteLink(req);
  return req;
}

/** Deletes every link of the lattice; returns the links deleted. */
export async function deleteAllLinks(client: CtlClient, progress: ProgressFn = noProgress): Promise<Link[]> {
  const links = await client.getLinks();
  const deleted: Link[] = [];
  for (const l of links) {
    progress(`Deleting link for ${l.source_id} on ${l.wit_namespace}:${l.wit_package} (${l.name}) ...`);
    try {
      await client.deleteLink({
        source_id: l.source_id,
        name: l.name,
        wit_namespace: l.wit_namespace,
        wit_package: l.wit_package,
      });
    } catch (err) {
      throw new UserError(`deleted ${deleted.length} of ${links.length} links, then stopped`, { cause: err });
    }
    deleted.push(l);
  }
  return deleted;
}
