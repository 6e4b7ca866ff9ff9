/** Text renderings of lattice state for the `wash get …` / `wash link query` / `wash config get` commands. */
import { heading, renderTable, type Row } from '../output/table.js';
import type { ClaimsMap, ConfigMap, Host, HostInventory, Link } from '../lattice/types.js';

const orDash = (s: string | undefined) => (s === undefined || s === '' ? '-' : s);

export function hostsTable(hosts: Host[]): string {
  if (hosts.length === 0) return 'No hosts found\n';
  const sorted = [...hosts].sort((a, b) => b.uptime_seconds - a.uptime_seconds);
  return renderTable(
    sorted.map((h) => [h.id, h.friendly_name, h.uptime_human ?? `${h.uptime_seconds}s`, orDash(h.version)]),
    { header: ['Host ID', 'Friendly name', 'Uptime', 'Version'] },
  );
}

export function inventoriesText(invs: HostInventory[]): string {
  const sorted = [...invs].sort((a, b) => a.host_id.localeCompare(b.host_id));
  return sorted.map(inventoryText).join('\n');
}

function inventoryText(inv: HostInventory): string {
  const parts: string[] = [];
  parts.push(renderTable([[inv.host_id, inv.friendly_name]], { header: ['Host ID', 'Friendly name'] }));
  const labels = Object.entries(inv.labels).sort(([a], [b]) => a.localeCompare(b));
  parts.push(
    labels.length ? heading('Host labels') + '\n' + renderTable(labels, { indent: 2 }) : 'No labels present\n',
  );
  const components = [...inv.components].sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
  parts.push(
    components.length
      ? renderTable(
          components.map((c): Row => [c.id, orDash(c.name), String(c.max_instances), c.image_ref]),
          { header: ['Component ID', 'Name', 'Max count', 'Image'] },
        )
      : 'No components found\n',
  );
  const providers = [...inv.providers].sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
  parts.push(
    providers.length
      ? providers.some((p) => p.restart_count !== undefined)
        ? // wash hosts report restarts of provider processes
          renderTable(
            providers.map(
              (p): Row => [
                p.id,
                orDash(p.name),
                orDash(p.image_ref),
                p.restart_count === undefined
                  ? '-'
                  : `${p.restart_count}${p.last_exit_reason ? ` (last: ${p.last_exit_reason})` : ''}`,
              ],
            ),
            { header: ['Provider ID', 'Name', 'Image', 'Restarts'] },
          )
        : renderTable(
            providers.map((p): Row => [p.id, orDash(p.name), orDash(p.image_ref)]),
            { header: ['Provider ID', 'Name', 'Image'] },
          )
      : 'No providers found\n',
  );
  return parts.join('\n');
}

export function linksTable(links: Link[]): string {
  if (links.length === 0) return 'No links found\n';
  const sorted = [...links].sort((a, b) => a.source_id.localeCompare(b.source_id) || a.name.localeCompare(b.name));
  return renderTable(
    sorted.map((l) => [l.source_id, l.target, `${l.wit_namespace}:${l.wit_package}/${l.interfaces.join(',')}`, l.name]),
    { header: ['Source ID', 'Target', 'Interface(s)', 'Name'] },
  );
}

export function claimsTable(claims: ClaimsMap[]): string {
  if (claims.length === 0) return 'No claims found\n';
  return renderTable(
    claims.map((c) => [
      orDash(c.name),
      orDash(c.subject ?? c.sub),
      orDash(c.issuer ?? c.iss),
      orDash(c.version),
      orDash(c.revision ?? c.rev),
    ]),
    { header: ['Name', 'Subject', 'Issuer', 'Version', 'Revision'] },
  );
}

export function configTable(config: ConfigMap): string {
  const entries = Object.entries(config).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '(empty configuration)\n';
  return renderTable(entries, { header: ['Key', 'Value'] });
}
