// `amlprobe catalog` as a terminal table: the list a firewall administrator works through. One line
// per rule (id, host, ports, direction, requirement, service tag, private DNS zone, status), then the
// rule to add, notes (condition, why not probed) and the sources indented under it. Host names are never shortened:
// admins copy them into rules.

import type { CatalogExpansion, ExpandedRow, MissingInput } from '../plan/catalog-expand.js';
import { CLOUD_TITLES } from '../plan/clouds.js';
import type { WorkspaceProfile } from '../model/profile.js';

/** "TCP 443, 8787", "UDP 5831", "DNS" or "-" (informational rows without ports). */
export function portsText(row: Pick<ExpandedRow, 'probe' | 'transport' | 'ports'>): string {
  if (row.probe === 'dns') return 'DNS';
  if (row.ports.length === 0) return '-';
  return `${row.transport.toUpperCase()} ${row.ports.join(', ')}`;
}

/** What the status column says for a row. */
export function statusText(row: ExpandedRow): string {
  if (row.status === 'probe') return `probe ${row.probe}`;
  return row.status === 'needs_input' ? 'needs input' : 'not probed';
}

/** One line describing the profile the catalog was expanded for. */
export function profileLine(profile: WorkspaceProfile): string {
  const parts = [CLOUD_TITLES[profile.cloud ?? 'public']];
  parts.push(`region ${profile.region ?? '(not set)'}`);
  if (profile.workspaceName !== undefined) parts.push(`workspace ${profile.workspaceName}`);
  if (profile.workspaceId !== undefined) parts.push(`id ${profile.workspaceId}`);
  if (profile.privateEndpoints !== undefined) parts.push(profile.privateEndpoints ? 'private endpoints' : 'no private endpoints');
  return parts.join(', ');
}

/** Lines listing the profile values that were needed but unknown, with the flag that provides each. */
export function missingLines(missing: readonly Pick<MissingInput, 'flag' | 'neededBy'>[]): string[] {
  return missing.map(
    (m) => `${m.flag}: needed by ${m.neededBy.length} row${m.neededBy.length === 1 ? '' : 's'} (${m.neededBy.join(', ')})`,
  );
}

const COLUMNS: { title: string; cell: (row: ExpandedRow) => string }[] = [
  { title: 'ID', cell: (r) => r.id },
  { title: 'HOST', cell: (r) => (r.probeHost === undefined ? r.host : `${r.host} (probe ${r.probeHost})`) },
  { title: 'PORTS', cell: portsText },
  { title: 'DIRECTION', cell: (r) => r.direction },
  { title: 'REQUIREMENT', cell: (r) => r.requirement },
  { title: 'SERVICE TAG', cell: (r) => r.serviceTag ?? '-' },
  { title: 'PRIVATE DNS ZONE', cell: (r) => r.privateDnsZone ?? '-' },
  { title: 'STATUS', cell: statusText },
];

/** Renders the catalog as an aligned plain-text table with detail lines under each row. */
export function renderCatalogTable(expansion: CatalogExpansion, profile: WorkspaceProfile): string {
  const lines: string[] = [`amlprobe catalog: ${profileLine(profile)}`];
  const missing = missingLines(expansion.missing);
  if (missing.length > 0) {
    lines.push('', 'Missing input (these rows are listed but cannot be probed until you set):');
    for (const line of missing) lines.push(`  ${line}`);
  }
  lines.push('');
  if (expansion.rows.length === 0) {
    lines.push('No catalog rows apply to this cloud and these scenarios.');
    return `${lines.join('\n')}\n`;
  }
  const cells = expansion.rows.map((row) => COLUMNS.map((c) => c.cell(row)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const format = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push(format(COLUMNS.map((c) => c.title)));
  expansion.rows.forEach((row, index) => {
    lines.push(format(cells[index]!));
    lines.push(`    rule:   ${row.remediation}`);
    if (row.note !== undefined) lines.push(`    note:   ${row.note}`);
    lines.push(`    source: ${row.sources.join(', ')}  [scenario: ${row.scenarios.join(', ')}]`);
  });
  const probed = expansion.rows.filter((r) => r.status === 'probe').length;
  lines.push('', `${expansion.rows.length} rows: ${probed} probed, ${expansion.rows.length - probed} listed only; ${expansion.endpoints.length} endpoints.`);
  return `${lines.join('\n')}\n`;
}
