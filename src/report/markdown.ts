// The Markdown report: what to paste into a ticket for the network team. A header (when, from
// where, the counts, the workspace profile and what was missing), one table row per result with
// the same short cell texts as the terminal matrix, then "What to fix": every failed required
// endpoint with its reason code, the message, the remediation and the documents to cite.
// Renders as GitHub/GitLab/Azure DevOps Markdown; nothing in it depends on a terminal.

import { hostname } from 'node:os';
import type { Status } from '../model/reason.js';
import type { EndpointResult, LayerResult } from '../model/result.js';
import type { Report } from '../model/report.js';
import { cellText } from './cell-text.js';
import { detailLines } from './details.js';
import { columnOf, layerColumns } from './layer-columns.js';
import type { LayerColumn } from './layer-columns.js';
import type { Column } from '../checks/descriptor.js';
import { endpointUrl, formatDuration } from './table.js';
import { originLine } from './origin-line.js';
import { unblocksText } from './causes-text.js';
import { sourceTitle } from './source-titles.js';
import type { Cause } from '../model/cause.js';

const MARK: Record<Status, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

/**
 * Text safe inside a table cell: pipes and backticks escaped, line breaks folded (a cell is one
 * line), and the Markdown/HTML specials that could restyle the ticket (* [ ] <) escaped too.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    // '<' alone stops HTML; '_' and '>' stay readable (reason codes, arrows): GFM ignores intraword '_'.
    .replace(/([|`*[\]<])/g, '\\$1')
    .trim();
}

/** Inline code for a value (a host, a reason code): a backtick inside is replaced, never closes it. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}

/** Free text in a list item: one line, Markdown specials escaped. */
function inline(text: string): string {
  return markdownCell(text);
}

/** The id the user or the catalog gave, then where it points when that says more. */
function endpointName(result: EndpointResult, several: boolean): string {
  const where = result.checks.length > 0 ? endpointUrl(result) : (result.label ?? '');
  const target = where !== '' && where !== result.id ? ` (${where})` : '';
  const address = several && result.address !== null ? ` -> ${result.address}` : '';
  const optional = result.required ? '' : ' (optional)';
  return `${result.id}${target}${address}${optional}`;
}

function cell(check: LayerResult | undefined): string {
  if (check === undefined) return '';
  const text = cellText(check);
  return markdownCell(text === '' ? MARK[check.status] : `${MARK[check.status]} ${text}`);
}

function row(result: EndpointResult, several: boolean, columns: readonly Column[]): string {
  const byColumn = new Map<LayerColumn, LayerResult>();
  for (const check of result.checks) byColumn.set(columnOf(check.layer), check);
  const verdict = `${MARK[result.status]} ${result.status} ${code(result.reason)}`;
  const cells = [markdownCell(endpointName(result, several)), ...columns.map((c) => cell(byColumn.get(c.key))), verdict];
  return `| ${cells.join(' | ')} |`;
}

function header(report: Report): string[] {
  const s = report.summary;
  const settings = report.settings;
  const lines = [
    '# amlprobe report',
    '',
    `- **When:** ${report.startedAt} (took ${formatDuration(report.durationMs)}${report.deadlineHit ? ', the run deadline struck' : ''})`,
    `- **From:** ${code(hostname())}, DNS: ${settings.dnsServers.length > 0 ? settings.dnsServers.map(code).join(', ') : 'none'}` +
      `${settings.systemResolver ? ' and the system resolver' : ''}`,
    `- **Summary:** ${s.total} endpoints: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip; ` +
      `**${s.requiredFailed} required failed**`,
    `- **amlprobe:** ${report.tool.version}`,
  ];
  const profile = report.workspace?.profile;
  if (profile !== undefined) {
    const parts = Object.entries(profile)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${code(Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : x.name)).join(', ') : String(v))}`);
    if (parts.length > 0) lines.push(`- **Workspace:** ${parts.join(', ')}`);
    const sources = originLine(report.workspace?.origin ?? {});
    if (sources !== undefined) lines.push(`- **${sources.replace(/^Sources:/, 'Sources:**')}`);
    for (const note of report.workspace?.notes ?? []) lines.push(`- **Note:** ${inline(note)}`);
  }
  const missing = report.missingInputs ?? [];
  if (missing.length > 0) {
    lines.push(`- **Missing inputs** (these endpoints were not probed):`);
    for (const m of missing) lines.push(`  - ${inline(m.field)}: give ${code(m.flag)} (needed by ${m.neededBy.map(inline).join(', ')})`);
  }
  return lines;
}

/** A cited source as its document's title, linked when it has an address; an id the table lacks as code. */
function sourceLink(id: string): string {
  const source = sourceTitle(id);
  if (source === undefined) return code(id);
  return source.url === undefined ? inline(source.title) : `[${inline(source.title)}](${source.url.replace(/[()<>\s]/g, encodeURIComponent)})`;
}

/** "What to fix first": the ranked causes, each with its fix and the endpoints it unblocks. */
function causesSection(causes: readonly Cause[] | undefined): string[] {
  if (causes === undefined || causes.length === 0) return [];
  const lines = ['## What to fix first', ''];
  causes.forEach((cause, i) => {
    lines.push(`${i + 1}. ${inline(cause.summary)} (${code(cause.reason)})`);
    lines.push(`   - **Fix:** ${inline(cause.fix)}`);
    lines.push(`   - ${inline(unblocksText(cause))}`);
  });
  return [...lines, ''];
}

/** A fenced shell block, its fence longer than any run of backticks inside (a name from the network cannot close it). */
function shellBlock(commands: readonly string[]): string[] {
  const longest = Math.max(2, ...commands.map((c) => Math.max(0, ...(c.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}sh`, ...commands.map((c) => c.replace(/[\r\n]+/g, ' ')), fence];
}

function fixSection(result: EndpointResult, showCommands: boolean): string[] {
  const lines = [`### ${inline(result.id)}: ${code(result.reason)}`, ''];
  lines.push(`- **Target:** ${code(endpointUrl(result))}${result.address !== null ? ` (${code(result.address)})` : ''}`);
  if (result.layer !== null) lines.push(`- **Layer:** ${result.layer}`);
  const details = detailLines(result);
  for (const line of details) {
    if (line.kind === 'fix' || line.kind === 'source' || line.kind === 'target') continue;
    const label = line.kind === 'message' ? '**Why:**' : line.kind === 'detail' ? '**Detail:**' : `${inline(line.label ?? line.kind)}:`;
    lines.push(`- ${label} ${inline(line.text)}`);
  }
  const meta = result.meta;
  lines.push(`- **Fix:** ${meta?.remediation ? inline(meta.remediation) : 'see the reason code in docs/verdicts.md'}`);
  if (meta?.sources !== undefined && meta.sources.length > 0) {
    lines.push(`- **Sources:**`);
    for (const source of meta.sources) lines.push(`  - ${sourceLink(source)}`);
  }
  if (showCommands && result.reproduce !== undefined && result.reproduce.length > 0) {
    lines.push('- **Reproduce:**', '', ...shellBlock(result.reproduce).map((l) => `  ${l}`));
  }
  return [...lines, ''];
}

/** The report as Markdown, for a ticket or a wiki page. */
export function renderMarkdown(report: Report, opts: { showCommands?: boolean } = {}): string {
  const idCount = new Map<string, number>();
  for (const r of report.results) idCount.set(r.id, (idCount.get(r.id) ?? 0) + 1);
  const lines = [...header(report), '', ...causesSection(report.causes)];
  const columns = layerColumns();
  const heads = ['endpoint', ...columns.map((c) => c.markdownTitle), 'verdict'];
  lines.push(`| ${heads.join(' | ')} |`, `| ${heads.map(() => '---').join(' | ')} |`);
  for (const result of report.results) lines.push(row(result, (idCount.get(result.id) ?? 0) > 1, columns));
  lines.push('');

  const failed = report.results.filter((r) => r.status === 'fail');
  const required = failed.filter((r) => r.required);
  lines.push('## What to fix', '');
  if (required.length === 0) lines.push('No required endpoint failed.', '');
  for (const result of required) lines.push(...fixSection(result, opts.showCommands === true));
  const optional = failed.filter((r) => !r.required);
  if (optional.length > 0) {
    lines.push('Optional endpoints that failed (they do not fail the run):', '');
    for (const r of optional) lines.push(`- ${inline(r.id)}: ${code(r.reason)}, ${inline(r.message)}`);
    lines.push('');
  }
  lines.push('Every reason code is explained in amlprobe\'s docs/verdicts.md.');
  return `${lines.join('\n')}\n`;
}
