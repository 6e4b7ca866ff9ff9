/** Text output of the `wash app` commands (tables for people; JSON mode never uses this). */
import { renderTable } from '../output/table.js';
import type { DeployRecord, ModelSummary, Status, VersionInfo } from '../wadm/types.js';

const clip = (s: string, max = 80) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function appsTable(models: readonly ModelSummary[]): string {
  if (models.length === 0) return 'No applications found (store one with `wash app put <manifest>`)\n';
  const rows = models.map((m) => {
    const st = m.detailed_status?.status;
    const details = st?.message ? clip(st.message) : (m.description ?? '');
    return [m.name, m.deployed_version ?? '-', m.version, st?.type ?? m.status, details];
  });
  return renderTable(rows, { header: ['NAME', 'DEPLOYED', 'LATEST', 'STATUS', 'DETAILS'] });
}

export function statusText(name: string, status: Status): string {
  const head = `${name}: ${status.status.type}${status.status.message ? ` — ${status.status.message}` : ''}`;
  const scalers = status.scalers ?? [];
  if (scalers.length === 0) return head + '\n';
  const rows = scalers.map((s) => {
    const instances =
      s.desired !== undefined || s.observed !== undefined ? `${s.observed ?? '?'}/${s.desired ?? '?'}` : '';
    return [s.kind, s.name, s.status.type, instances, clip(s.status.message ?? '')];
  });
  return `${head}\n\n${renderTable(rows, { header: ['KIND', 'NAME', 'STATUS', 'INSTANCES', 'MESSAGE'] })}`;
}

export function historyText(name: string, versions: readonly VersionInfo[], history: readonly DeployRecord[]): string {
  if (versions.length === 0) return `${name} has no stored versions\n`;
  const lastDeploy = new Map<string, string>();
  for (const h of history) lastDeploy.set(h.version, h.deployed_at);
  const rows = versions.map((v, i) => [
    String(i + 1),
    v.version,
    v.deployed ? 'yes' : '',
    lastDeploy.get(v.version) ?? '',
  ]);
  let out = renderTable(rows, { header: ['#', 'VERSION', 'DEPLOYED', 'LAST DEPLOYED AT'] });
  if (history.length > 0) out += `\ndeploy history (oldest first): ${history.map((h) => h.version).join(' → ')}\n`;
  return out;
}
