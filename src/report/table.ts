// The terminal matrix: one row per endpoint result, one column per layer kind, a mark and a few
// words per cell; the evidence and the fix under every row that did not pass; a summary line.
// Widths come from the content and shrink to fit the terminal, the endpoint column last.

import { layersOf, schemeOf } from '../checks/kinds.js';
import type { Status } from '../model/reason.js';
import type { EndpointResult } from '../model/result.js';
import type { Report } from '../model/report.js';
import type { Column } from '../checks/descriptor.js';
import { cellText } from './cell-text.js';
import { createPaint, type Paint } from './colour.js';
import { detailLines, needsDetails, verboseLines, type DetailLine } from './details.js';
import { columnOf, emptyCells, layerColumns, type LayerColumn } from './layer-columns.js';
import { symbolsFor, type SymbolSet } from './symbols.js';
import { tableWidth } from './terminal.js';
import { padCells, stripAnsi, truncateEnd, visibleWidth, wrapText } from './text.js';
import { shortenDistinct, truncateDistinct, wordCounts } from './distinct-truncate.js';

// The CLI picks colour with the table's own module; the logic lives with the other terminal facts.
export { shouldUseColour } from './terminal.js';
import { missingLines, profileLine } from './catalog-table.js';
import { causeLines } from './causes-text.js';
import { originLine } from './origin-line.js';

/** How to draw the table. */
export interface TableOptions {
  /** ANSI colours (see shouldUseColour). */
  colour: boolean;
  /** Terminal cells per line; when absent, stdout's columns on a TTY, else 120. */
  width?: number;
  /** ASCII marks instead of ✓ ✗ …; when absent, true only when TERM=dumb. */
  ascii?: boolean;
  /** Print each failed row's proof commands (its `reproduce`) under it: --show-commands. */
  showCommands?: boolean;
  /** --verbose: each layer's time and each resolver's answer under every row. */
  verbose?: boolean;
}

const GAP = '  ';
const DETAIL_INDENT = '    ';
const CONTINUATION_INDENT = '  ';

/** One matrix cell: its status decides the mark and colour; null for a layer the protocol lacks. */
interface Cell {
  status: Status;
  text: string;
}

interface Row {
  result: EndpointResult;
  /** The id --scenario, diff, the HTML and the JSON report use. */
  id: string;
  /** What the endpoint column shows: name, then suffix (" -> address", " (optional)"), never cut. */
  endpoint: string;
  name: string;
  suffix: string;
  /** The concrete URL, set when the row shows a label instead. */
  target?: string;
  cells: Record<LayerColumn, Cell | null>;
}

/** protocol://host:port/path, with IPv6 hosts bracketed and the path only where one is sent. */
export function endpointUrl(result: Pick<EndpointResult, 'protocol' | 'host' | 'port' | 'path'>): string {
  const host = result.host.includes(':') ? `[${result.host}]` : result.host;
  const port = result.port > 0 ? `:${result.port}` : '';
  const hasPath = schemeOf(result.protocol)?.path === true;
  const path = hasPath ? (result.path === '' ? '/' : result.path) : '';
  return `${result.protocol}://${host}${port}${path}`;
}

/** Duration for people: "850 ms", "2.3 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function buildRow(result: EndpointResult, severalRows: boolean, columns: readonly Column[]): Row {
  const url = endpointUrl(result);
  const base = result.label !== undefined && result.label !== '' ? result.label : url;
  const arrow = severalRows && result.address !== null ? ` -> ${result.address}` : '';
  const optional = result.required ? '' : ' (optional)';
  const cells = emptyCells<Cell>(columns);
  // A layer the protocol has but the result lacks (not probed, cut by the deadline) shows as skipped.
  for (const layer of layersOf(result.protocol)) cells[columnOf(layer)] = { status: 'skip', text: '' };
  for (const check of result.checks) cells[columnOf(check.layer)] = { status: check.status, text: cellText(check) };
  // A catalog row never probed says why in its first cell; the lines under it say what to do.
  if (result.checks.length === 0 && result.reason === 'needs_input') cells[columnOf('dns')] = { status: 'skip', text: 'needs input' };
  if (result.checks.length === 0 && result.reason === 'informational') cells[columnOf('dns')] = { status: 'skip', text: 'not probed' };
  const row: Row = { result, id: result.id, endpoint: base + arrow + optional, name: base, suffix: arrow + optional, cells };
  // A row never probed (needs input, informational) has no concrete target to show.
  if (base !== url && result.checks.length > 0) row.target = url;
  return row;
}

function cellPlain(cell: Cell | null, symbols: SymbolSet): string {
  if (cell === null) return '';
  const mark = symbols.status[cell.status];
  return cell.text === '' ? mark : `${mark} ${cell.text}`;
}

/** What a table column holds, for fitWidths: each kind shrinks at its own turn. */
type ColumnKind = 'mark' | 'id' | 'endpoint' | 'layer';

/**
 * Shrinks column widths until the line fits: layer cells down to 24 cells (an address and its
 * kind still fit), long endpoints down to 32, layer cells to 18, ids to 20 and endpoints to 24,
 * layer cells to 12, ids to 16 and endpoints to 20, layer cells to 10 ("✗ NXDOMAIN"), ids to 12
 * and endpoints to 15, layer cells to 8, then everything to its floor. Each step trims the widest
 * eligible column so no single column is sacrificed while others stay wide; the id and the
 * endpoint go late because they name what failed (and a cut name is given in full under a failed row).
 */
function fitWidths(natural: number[], kinds: readonly ColumnKind[], width: number): number[] {
  const widths = [...natural];
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const floors: Partial<Record<ColumnKind, number>>[] = [
    { layer: 24 },
    { endpoint: 32 },
    // 18: "✓ 120 ms via proxy" and "✓ 10.1.0.4 (private)" still whole.
    { layer: 18 },
    { id: 20, endpoint: 24 },
    { layer: 12 },
    { id: 16, endpoint: 20 },
    { layer: 10 },
    { id: 12, endpoint: 15 },
    { layer: 8 },
    { endpoint: 10, id: 8, layer: 3 },
  ];
  for (const phase of floors) {
    const floor = (i: number): number => phase[kinds[i] ?? 'mark'] ?? Infinity;
    while (total() > width) {
      let widest = -1;
      for (let i = 0; i < widths.length; i += 1) {
        const w = widths[i] ?? 0;
        if (w > floor(i) && (widest === -1 || w > (widths[widest] ?? 0))) widest = i;
      }
      if (widest === -1) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }
  return widths;
}

function renderDetail(line: DetailLine, status: Status, width: number, paint: Paint): string[] {
  const indent = line.kind === 'detail' ? DETAIL_INDENT + CONTINUATION_INDENT : DETAIL_INDENT;
  const prefix = line.label === undefined ? '' : `${line.label}: `;
  const wrapped = wrapText(prefix + line.text, Math.max(10, width - indent.length - CONTINUATION_INDENT.length));
  return wrapped.map((text, i) => {
    let styled = text;
    if (i === 0 && prefix !== '' && text.startsWith(prefix)) {
      const rest = text.slice(prefix.length);
      const label =
        line.kind === 'fix' ? paint.bold(prefix) : line.kind === 'message' ? paint.status(status, prefix) : paint.dim(prefix);
      styled = label + (line.kind === 'source' ? paint.dim(rest) : rest);
    } else if (line.kind === 'source') {
      styled = paint.dim(text);
    }
    return (i === 0 ? indent : indent + CONTINUATION_INDENT) + styled;
  });
}

function summaryLines(report: Report, paint: Paint, width: number): string[] {
  const s = report.summary;
  const distinct = new Set(report.results.map((r) => r.id)).size;
  const noun = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const subject = distinct < s.total ? `${noun(s.total, 'result')} (${noun(distinct, 'endpoint')})` : noun(s.total, 'endpoint');
  const counted = (n: number, status: Status, text: string): string => (n > 0 ? paint.status(status, text) : text);
  const fail = counted(s.fail, 'fail', `${s.fail} fail`) + (s.fail > 0 ? ` (${s.requiredFailed} required)` : '');
  const lines = [
    `${subject}: ${counted(s.pass, 'pass', `${s.pass} pass`)}, ${fail}, ${counted(s.warn, 'warn', `${s.warn} warn`)}, ` +
      `${s.skip} skip in ${formatDuration(report.durationMs)}`,
  ];
  if (report.deadlineHit) {
    const unfinished = report.results.filter((r) => r.reason === 'deadline').length;
    lines.push(
      paint.status(
        'fail',
        `deadline of ${formatDuration(report.settings.deadlineMs)} struck before every probe finished` +
          (unfinished > 0 ? `: ${noun(unfinished, 'endpoint')} unfinished` : ''),
      ),
    );
  }
  // Too long for a narrow terminal: wrap, giving up colour on that line rather than splitting codes.
  return lines.flatMap((line) => (visibleWidth(line) <= width ? [line] : wrapText(stripAnsi(line), width)));
}

/**
 * What the run knew about the workspace, and what it needed but did not know, first: a missing
 * storage account name explains a column of skipped rows before the reader gets to them.
 */
function workspaceLines(report: Report): string[] {
  if (!report.workspace) return [];
  const lines = [`Workspace: ${profileLine(report.workspace.profile)}`];
  const sources = originLine(report.workspace.origin);
  if (sources !== undefined) lines.push(sources);
  for (const note of report.workspace.notes ?? []) lines.push(`Note: ${note}`);
  const missing = missingLines(report.missingInputs ?? []);
  if (missing.length > 0) {
    lines.push('Missing input (rows needing these are listed as skipped; set them to probe those rows):');
    for (const line of missing) lines.push(`  ${line}`);
  }
  lines.push('');
  return lines;
}

/** The verdict line alone (--quiet): the summary that closes the table, with the deadline line when it struck. */
export function renderVerdict(report: Report, opts: Pick<TableOptions, 'colour' | 'width'>): string {
  return `${summaryLines(report, createPaint(opts.colour), opts.width ?? tableWidth(process.stdout)).join('\n')}\n`;
}

/** The matrix for a terminal or a log, ending with a newline. */
export function renderTable(report: Report, opts: TableOptions): string {
  const symbols = symbolsFor(opts.ascii ?? process.env['TERM'] === 'dumb');
  const paint = createPaint(opts.colour);
  const width = opts.width ?? tableWidth(process.stdout);
  const out: string[] = [...causeLines(report.causes, width, paint), ...workspaceLines(report)];

  if (report.results.length > 0) {
    const rowsPerId = new Map<string, number>();
    for (const r of report.results) rowsPerId.set(r.id, (rowsPerId.get(r.id) ?? 0) + 1);
    const all = layerColumns();
    const rows = report.results.map((r) => buildRow(r, (rowsPerId.get(r.id) ?? 0) > 1, all));
    // Columns no row uses (a DNS-only run has no CONNECT, TLS or APP) are left out.
    const columns = all.filter((c) => rows.some((row) => row.cells[c.key] != null)).map((c) => c.key);
    const titles = new Map(all.map((c) => [c.key, c.title]));
    // The id column is left out when every id is its row's own target (check's ad hoc targets).
    const showIds = rows.some((row) => row.id !== row.endpoint && row.id !== endpointUrl(row.result));
    const plain = rows.map((row) => [
      symbols.status[row.result.status],
      ...(showIds ? [row.id] : []),
      row.endpoint,
      ...columns.map((c) => cellPlain(row.cells[c] ?? null, symbols)),
    ]);
    const header = ['', ...(showIds ? ['ID'] : []), 'ENDPOINT', ...columns.map((c) => titles.get(c) ?? c)];
    const kinds: ColumnKind[] = ['mark', ...(showIds ? (['id'] as const) : []), 'endpoint', ...columns.map(() => 'layer' as const)];
    const endpointIndex = showIds ? 2 : 1;
    // A loop, not Math.max(...widths): spread, every row is an argument on the stack, and a run of
    // 130,000 endpoints overflowed it (issue 15: the report at scale).
    const natural = header.map((h, i) => {
      let most = visibleWidth(h);
      for (const cells of plain) most = Math.max(most, visibleWidth(cells[i] ?? ''));
      return most;
    });
    const widths = fitWidths(natural, kinds, width);
    // Names and ids are cut where they repeat their neighbours, so what is left tells the rows apart.
    const idWords = wordCounts(rows.map((row) => row.id));
    const nameWords = wordCounts(rows.map((row) => row.name));
    const endpointWords = wordCounts(rows.map((row) => row.endpoint));
    const fit = (text: string, i: number, row?: Row): string => {
      const w = widths[i] ?? 0;
      if (kinds[i] === 'id') return truncateDistinct(text, w, symbols.ellipsis, idWords);
      if (kinds[i] !== 'endpoint') return truncateEnd(text, w, symbols.ellipsis);
      // The suffix (" (optional)", " -> 10.0.0.5") stays whole while the name has room to give.
      const suffix = row?.suffix ?? '';
      const name = row?.name ?? text;
      if (suffix !== '' && w - visibleWidth(suffix) >= 10) {
        const short = shortenDistinct(name, w - visibleWidth(suffix), symbols.ellipsis, nameWords);
        if (short.distinctKept) return short.text + suffix;
      }
      return truncateDistinct(text, w, symbols.ellipsis, endpointWords);
    };
    const join = (cells: string[]): string =>
      cells.map((c, i) => (i === cells.length - 1 ? c : padCells(c, widths[i] ?? 0))).join(GAP).trimEnd();

    out.push(paint.dim(join(header.map((h, i) => fit(h, i)))));
    rows.forEach((row, r) => {
      const cells = plain[r] ?? [];
      const statuses: (Status | null)[] = [row.result.status, ...(showIds ? [null] : []), null, ...columns.map((c) => row.cells[c]?.status ?? null)];
      out.push(
        join(
          cells.map((text, i) => {
            const status = statuses[i];
            const shown = fit(text, i, row);
            return status === null || status === undefined ? shown : paint.status(status, shown);
          }),
        ),
      );
      const details: DetailLine[] = [];
      if (needsDetails(row.result)) {
        // A cut endpoint hides part of the name; the full URL goes under the row instead.
        const cut = fit(row.endpoint, endpointIndex, row) !== row.endpoint && row.result.checks.length > 0;
        const target = row.target ?? (cut ? endpointUrl(row.result) : undefined);
        details.push(...detailLines(row.result, target));
      }
      if (opts.verbose === true) details.push(...verboseLines(row.result));
      for (const line of details) out.push(...renderDetail(line, row.result.status, width, paint));
      // Never wrapped: a command cut in two cannot be pasted.
      if (opts.showCommands === true) for (const command of row.result.reproduce ?? []) out.push(`${DETAIL_INDENT}${paint.dim('$')} ${command}`);
    });
    out.push('');
  }
  out.push(...summaryLines(report, paint, width));
  return out.join('\n') + '\n';
}
