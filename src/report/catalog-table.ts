// `amlprobe catalog` as a terminal table: the list a firewall administrator works through. One line
// per rule (id, host, ports, direction, requirement, service tag, private DNS zone, status), then the
// rule to add, notes (condition, why not probed) and the sources indented under it. Host names are never shortened:
// admins copy them into rules. On a terminal narrower than that line, the row keeps id and host,
// the other columns move to a line of their own under it, and every line under a row is wrapped to
// the width (the full table was 922 columns wide on stdout; a file still gets it whole).

import type { CatalogExpansion, ExpandedRow, MissingInput } from '../plan/catalog-expand.js';
import { CLOUD_TITLES } from '../azure/clouds.js';
import type { WorkspaceProfile } from '../model/profile.js';
import { wrapText } from './text.js';

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

/** The columns a narrow table keeps on the row line: the rest go on the line under it. */
const NARROW_COLUMNS = new Set(['ID', 'HOST']);

/** "label: text" wrapped to `width`, its continuation lines indented under the text. */
function labelled(indent: string, label: string, text: string, width: number): string[] {
  const head = `${indent}${label}`;
  if (head.length + text.length <= width) return [head + text];
  const wrapped = wrapText(text, Math.max(20, width - head.length));
  return wrapped.map((line, i) => (i === 0 ? head : ' '.repeat(head.length)) + line);
}

/** Renders the catalog as an aligned plain-text table with detail lines under each row, fitted to `width` cells. */
export function renderCatalogTable(expansion: CatalogExpansion, profile: WorkspaceProfile, width = Infinity): string {
  const lines: string[] = labelled('', 'amlprobe catalog: ', profileLine(profile), width);
  const missing = missingLines(expansion.missing);
  if (missing.length > 0) {
    lines.push('', ...labelled('', '', 'Missing input (these rows are listed but cannot be probed until you set):', width));
    for (const line of missing) lines.push(...labelled('  ', '', line, width));
  }
  lines.push('');
  if (expansion.rows.length === 0) {
    lines.push('No catalog rows apply to this cloud and these scenarios.');
    return `${lines.join('\n')}\n`;
  }
  const allCells = expansion.rows.map((row) => COLUMNS.map((c) => c.cell(row)));
  const widthsOf = (columns: number[]): number[] => columns.map((i) => Math.max(COLUMNS[i]!.title.length, ...allCells.map((row) => row[i]!.length)));
  const every = COLUMNS.map((_, i) => i);
  const fullWidth = widthsOf(every).reduce((a, b) => a + b, 0) + 2 * (COLUMNS.length - 1);
  const narrow = fullWidth > width;
  const shown = narrow ? every.filter((i) => NARROW_COLUMNS.has(COLUMNS[i]!.title)) : every;
  const widths = widthsOf(shown);
  const format = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push(format(shown.map((i) => COLUMNS[i]!.title)));
  expansion.rows.forEach((row, index) => {
    const cells = allCells[index]!;
    const line = format(shown.map((i) => cells[i]!));
    // A host too long for the line after its id starts a line of its own: it is never cut.
    if (narrow && line.length > width) lines.push(cells[0]!, `    ${cells[1]!}`);
    else lines.push(line);
    if (narrow) {
      // The columns the row line left out, each named, so a narrow terminal loses nothing.
      const rest = [portsText(row), row.direction, row.requirement, `tag: ${row.serviceTag ?? '-'}`, `zone: ${row.privateDnsZone ?? '-'}`, statusText(row)].join(', ');
      lines.push(...labelled('    ', '', rest, width));
    }
    lines.push(...labelled('    ', 'rule:   ', row.remediation, width));
    if (row.note !== undefined) lines.push(...labelled('    ', 'note:   ', row.note, width));
    lines.push(...labelled('    ', 'source: ', `${row.sources.join(', ')}  [scenario: ${row.scenarios.join(', ')}]`, width));
  });
  const probed = expansion.rows.filter((r) => r.status === 'probe').length;
  lines.push('', `${expansion.rows.length} rows: ${probed} probed, ${expansion.rows.length - probed} listed only; ${expansion.endpoints.length} endpoints.`);
  return `${lines.join('\n')}\n`;
}
