// `amlprobe catalog --format table|json|csv|markdown`: the same rows for a terminal, a script, a
// spreadsheet (RFC 4180 CSV) or a change request (Markdown).

import { UsageError } from '../errors.js';
import type { CatalogExpansion, ExpandedRow } from '../plan/catalog-expand.js';
import { didYouMean } from '../did-you-mean.js';
import type { WorkspaceProfile } from '../model/profile.js';
import { missingLines, portsText, profileLine, renderCatalogTable, statusText } from './catalog-table.js';

/** Output formats of `amlprobe catalog`. */
export type CatalogFormat = 'table' | 'json' | 'csv' | 'markdown';

/** Every catalog format, for validation and help. */
export const CATALOG_FORMATS: readonly CatalogFormat[] = ['table', 'json', 'csv', 'markdown'];

/** Version of the catalog JSON document; bumped on any breaking change. */
export const CATALOG_JSON_VERSION = 1;

/** Parses --format for the catalog command. */
export function parseCatalogFormat(text: string): CatalogFormat {
  const format = text.trim().toLowerCase();
  if ((CATALOG_FORMATS as readonly string[]).includes(format)) return format as CatalogFormat;
  if (format === 'md') return 'markdown';
  const hint = didYouMean(format, CATALOG_FORMATS);
  throw new UsageError(`unknown catalog format '${text}'${hint}${hint ? ' ' : '. '}Formats: ${CATALOG_FORMATS.join(', ')}.`, '--format');
}

/** Renders the expanded catalog in `format` (the table fitted to `width` cells); the result ends with a newline. */
export function renderCatalog(expansion: CatalogExpansion, profile: WorkspaceProfile, format: CatalogFormat, width = Infinity): string {
  switch (format) {
    case 'table':
      return renderCatalogTable(expansion, profile, width);
    case 'json':
      return renderCatalogJson(expansion, profile);
    case 'csv':
      return renderCatalogCsv(expansion);
    case 'markdown':
      return renderCatalogMarkdown(expansion, profile);
  }
}

/** The catalog as one JSON document: the profile, the missing inputs and every row. */
export function renderCatalogJson(expansion: CatalogExpansion, profile: WorkspaceProfile): string {
  const doc = {
    schemaVersion: CATALOG_JSON_VERSION,
    profile,
    missing: expansion.missing,
    rows: expansion.rows,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** CSV columns: header name and cell. */
const CSV_COLUMNS: { name: string; cell: (row: ExpandedRow) => string }[] = [
  { name: 'id', cell: (r) => r.id },
  { name: 'host', cell: (r) => r.host },
  { name: 'probe_host', cell: (r) => r.probeHost ?? '' },
  { name: 'protocol', cell: (r) => r.probe },
  { name: 'transport', cell: (r) => r.transport },
  { name: 'ports', cell: (r) => r.ports.join(' ') },
  { name: 'direction', cell: (r) => r.direction },
  { name: 'requirement', cell: (r) => r.requirement },
  { name: 'condition', cell: (r) => r.condition ?? '' },
  { name: 'service_tag', cell: (r) => r.serviceTag ?? '' },
  { name: 'private_dns_zone', cell: (r) => r.privateDnsZone ?? '' },
  { name: 'status', cell: (r) => r.status },
  { name: 'note', cell: (r) => r.note ?? '' },
  { name: 'rule', cell: (r) => r.remediation },
  { name: 'purpose', cell: (r) => r.purpose },
  { name: 'scenarios', cell: (r) => r.scenarios.join(' ') },
  { name: 'sources', cell: (r) => r.sources.join(' ') },
];

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The catalog as RFC 4180 CSV: a header line, one record per row, CRLF line endings. */
export function renderCatalogCsv(expansion: CatalogExpansion): string {
  const records = [CSV_COLUMNS.map((c) => c.name), ...expansion.rows.map((row) => CSV_COLUMNS.map((c) => c.cell(row)))];
  return records.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * Escapes prose for a Markdown table cell: pipes would end the cell and line breaks the row, "*" and
 * "_" in wildcards would turn into emphasis, and "<region>" would be swallowed as an HTML tag.
 */
function mdCell(value: string): string {
  return value
    .replace(/[\\`*_|]/g, (c) => `\\${c}`)
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** Host names in code spans so "*" and "_" are not read as emphasis; a pipe still needs escaping in a table. */
function mdCode(value: string): string {
  return value === '' || value === '-' ? value : `\`${value.replaceAll('|', '\\|')}\``;
}

/** The catalog as a Markdown document: missing inputs, then one table row per rule. */
export function renderCatalogMarkdown(expansion: CatalogExpansion, profile: WorkspaceProfile): string {
  const lines = ['# Azure Machine Learning network rules', '', `Expanded for: ${mdCell(profileLine(profile))}.`, ''];
  const missing = missingLines(expansion.missing);
  if (missing.length > 0) {
    lines.push('**Missing input**: these rows are listed but cannot be probed until you set:', '');
    for (const line of missing) lines.push(`- ${mdCell(line)}`);
    lines.push('');
  }
  lines.push(
    '| ID | Host | Ports | Direction | Requirement | Service tag | Private DNS zone | Status | Rule to add | Source |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const row of expansion.rows) {
    const host = row.probeHost === undefined ? mdCode(row.host) : `${mdCode(row.host)} (probe ${mdCode(row.probeHost)})`;
    const rule = row.note === undefined ? mdCell(row.remediation) : `${mdCell(row.remediation)} Note: ${mdCell(row.note)}`;
    const cells = [
      mdCode(row.id),
      host,
      mdCell(portsText(row)),
      row.direction,
      row.requirement,
      mdCell(row.serviceTag ?? '-'),
      mdCode(row.privateDnsZone ?? '-'),
      statusText(row),
      rule,
      mdCell(row.sources.join(', ')),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
