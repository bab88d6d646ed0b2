// The HTML report: one self-contained file (inline CSS and script, no font, image or CDN, works
// offline) that shows the matrix as a colour grid, the run's summary, and under each row the
// evidence and the fix. The JSON report rides along in a <script type="application/json"> block
// so the page can be saved as data. Every string from the report is escaped (html/escape.ts), and
// a Content-Security-Policy lets only the page's own script run and forbids every request.

import { createHash } from 'node:crypto';
import { layersOf } from '../checks/kinds.js';
import type { Column } from '../checks/descriptor.js';
import type { Status } from '../model/reason.js';
import type { EndpointResult } from '../model/result.js';
import type { Report } from '../model/report.js';
import { cellText } from './cell-text.js';
import { missingLines, profileLine } from './catalog-table.js';
import { originLine } from './origin-line.js';
import { detailHtml } from './html/detail.js';
import { appendixHtml, causesHtml, type HtmlExtras } from './html/sections.js';
import { escapeHtml as e, jsonForScript } from './html/escape.js';
import { REPORT_JS } from './html/script.js';
import { REPORT_CSS } from './html/style.js';
import { renderJson } from './json.js';
import { columnOf, emptyCells, layerColumns, type LayerColumn } from './layer-columns.js';
import { endpointUrl, formatDuration } from './table.js';

const STATUSES: readonly Status[] = ['fail', 'warn', 'skip', 'pass'];
const MARKS: Record<Status, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };
/** Rows with no scenario (ad hoc targets, config endpoints) are filtered under this name. */
const NO_SCENARIO = '(none)';

/** One grid cell; null for a layer the protocol does not have. */
interface Cell {
  status: Status;
  text: string;
  title: string;
}

/** The cells of a result, as the terminal matrix builds them (same text, same cascade rules). */
function cellsOf(result: EndpointResult, columns: readonly Column[]): Record<LayerColumn, Cell | null> {
  const cells = emptyCells<Cell>(columns);
  for (const layer of layersOf(result.protocol)) cells[columnOf(layer)] = { status: 'skip', text: '', title: 'not run' };
  for (const check of result.checks) {
    cells[columnOf(check.layer)] = { status: check.status, text: cellText(check), title: `${check.layer}: ${check.message}` };
  }
  // A catalog row never probed says why in its first cell, as in the terminal matrix.
  if (result.checks.length === 0 && result.reason === 'needs_input') cells[columnOf('dns')] = { status: 'skip', text: 'needs input', title: result.message };
  if (result.checks.length === 0 && result.reason === 'informational') cells[columnOf('dns')] = { status: 'skip', text: 'not probed', title: result.message };
  return cells;
}

/** Scenario names of a result: meta.scenario is a comma-separated list. */
function scenariosOf(result: EndpointResult): string[] {
  const names = (result.meta?.scenario ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return names.length > 0 ? names : [NO_SCENARIO];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function headerHtml(report: Report, extras: HtmlExtras): string {
  const s = report.summary;
  const count = (cls: string, n: number, word: string): string =>
    `<span class="count ${cls}${n === 0 ? ' zero' : ''}" data-count="${cls}"><b>${n}</b>${word}</span>`;
  const verdict = extras.verdict !== undefined
    ? `<div class="banner ${extras.verdict.ok ? 'ok' : 'fail'}" id="verdict">${e(extras.verdict.text)}</div>` +
      (extras.verdict.note === undefined ? '' : `<div class="profile">${e(extras.verdict.note)}</div>`)
    : s.requiredFailed > 0
      ? `<div class="banner fail">${plural(s.requiredFailed, 'required endpoint')} failing: exit code 1</div>`
      : `<div class="banner ok">Every required endpoint passes${s.fail > 0 ? ` (${s.fail} optional failing)` : ''}</div>`;
  const unfinished = report.results.filter((r) => r.reason === 'deadline').length;
  const deadline = report.deadlineHit
    ? `<div class="banner fail" id="deadline">Deadline of ${e(formatDuration(report.settings.deadlineMs))} struck before every probe finished` +
      `${unfinished > 0 ? `: ${plural(unfinished, 'endpoint')} unfinished` : ''}</div>`
    : '';
  const sources = report.workspace ? originLine(report.workspace.origin) : undefined;
  const profile = report.workspace
    ? `<div class="profile"><strong>Workspace:</strong> ${e(profileLine(report.workspace.profile))}</div>` +
      (sources === undefined ? '' : `<div class="profile" id="sources"><strong>Sources:</strong> ${e(sources.replace(/^Sources: /, ''))}</div>`) +
      (report.workspace.notes ?? []).map((note) => `<div class="profile note"><strong>Note:</strong> ${e(note)}</div>`).join('')
    : '';
  const missing = missingLines(report.missingInputs ?? []);
  const missingHtml =
    missing.length > 0
      ? `<div class="missing" id="missing"><strong>Missing input</strong>: rows needing these are skipped; set them to probe those rows.` +
        `<ul>${missing.map((line) => `<li><code>${e(line)}</code></li>`).join('')}</ul></div>`
      : '';
  const dns = report.settings.dnsServers.length > 0 ? `, DNS ${report.settings.dnsServers.join(' ')}` : '';
  return (
    `<header><h1>amlprobe report</h1><span class="meta">${e(report.startedAt)} · ${e(report.tool.name)} ${e(report.tool.version)}` +
    ` · took ${e(formatDuration(report.durationMs))} · timeout ${e(formatDuration(report.settings.timeoutMs))} per layer` +
    ` · deadline ${e(formatDuration(report.settings.deadlineMs))}${report.deadlineHit ? ' (hit)' : ' (not hit)'}${e(dns)}</span>` +
    `<div class="counts" id="summary">${count('total', s.total, 'endpoints')}${count('fail', s.fail, 'fail')}` +
    `${count('warn', s.warn, 'warn')}${count('skip', s.skip, 'skip')}${count('pass', s.pass, 'pass')}</div>` +
    `${verdict}${deadline}${profile}${missingHtml}</header>`
  );
}

function toolbarHtml(report: Report): string {
  const statusChips = STATUSES.map((st) => {
    const n = report.results.filter((r) => r.status === st).length;
    return `<label class="chip ${st}"><input type="checkbox" data-filter="status" value="${st}" checked>${st} ${n}</label>`;
  }).join('');
  const scenarios = [...new Set(report.results.flatMap(scenariosOf))].sort((a, b) =>
    a === NO_SCENARIO ? 1 : b === NO_SCENARIO ? -1 : a.localeCompare(b),
  );
  const scenarioChips =
    scenarios.length > 1
      ? `<fieldset><legend>Scenario</legend>${scenarios
          .map((sc) => `<label class="chip"><input type="checkbox" data-filter="scenario" value="${e(sc)}" checked>${e(sc)}</label>`)
          .join('')}</fieldset>`
      : '';
  return (
    `<div class="toolbar"><fieldset><legend>Status</legend>${statusChips}</fieldset>${scenarioChips}` +
    `<input type="search" id="search" placeholder="Filter by name, address, reason" aria-label="Filter rows">` +
    `<button type="button" id="expand-problems">Open problems</button><button type="button" id="collapse">Close all</button>` +
    `<button type="button" id="save-json">Save JSON</button><span class="shown" id="shown"></span></div>`
  );
}

function rowHtml(result: EndpointResult, index: number, columns: readonly Column[], severalRows: boolean): string {
  const cells = cellsOf(result, columns);
  const url = endpointUrl(result);
  const name = result.label !== undefined && result.label !== '' ? result.label : result.id;
  const arrow = severalRows && result.address !== null ? ` → ${result.address}` : '';
  const urlHtml = result.checks.length > 0 && url !== name ? `<span class="url">${e(url)}</span>` : '';
  const layerCells = columns
    .map(({ key: c }) => {
      const cell = cells[c];
      if (cell == null) return `<td class="cell none" data-col="${c}"></td>`;
      return `<td class="cell ${cell.status}" data-col="${c}" title="${e(cell.title)}">${e(cell.text)}</td>`;
    })
    .join('');
  return (
    `<tr class="row" tabindex="0" aria-expanded="false" data-index="${index}" data-id="${e(result.id)}" data-status="${result.status}"` +
    ` data-scenarios="${e(scenariosOf(result).join('|'))}">` +
    `<td class="mark ${result.status}" title="${result.status}">${MARKS[result.status]}</td>` +
    `<td class="ep" title="${e(`${name} ${url}`)}"><span class="name">${e(name + arrow)}</span>` +
    `${result.required ? '' : '<span class="opt">optional</span>'}${urlHtml}</td>${layerCells}` +
    `<td class="ms">${e(formatDuration(result.ms))}</td></tr>` +
    `<tr class="detail" id="d${index}" hidden><td colspan="${columns.length + 3}">${detailHtml(result)}</td></tr>`
  );
}

function gridHtml(report: Report): string {
  if (report.results.length === 0) return '<p class="empty">No endpoints were probed.</p>';
  const all = layerColumns();
  const columns = all.filter((c) => report.results.some((r) => cellsOf(r, all)[c.key] != null));
  const perId = new Map<string, number>();
  for (const r of report.results) perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
  // Problems first, in the report's order within each status: what needs a fix is on screen at once.
  const order = report.results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => STATUSES.indexOf(a.result.status) - STATUSES.indexOf(b.result.status) || a.index - b.index);
  const rows = order.map(({ result, index }) => rowHtml(result, index, columns, (perId.get(result.id) ?? 0) > 1)).join('');
  return (
    `<table class="grid" id="grid"><colgroup><col class="c-mark"><col class="c-ep">${columns.map(() => '<col class="c-layer">').join('')}` +
    `<col class="c-ms"></colgroup><thead><tr><th></th><th>ENDPOINT</th>${columns.map((c) => `<th>${c.title}</th>`).join('')}` +
    `<th>TIME</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The whole HTML page of a run report, ending with a newline. */
export function renderHtml(report: Report, extras: HtmlExtras = {}): string {
  const csp =
    `default-src 'none'; script-src ${sha256(REPORT_JS)}; style-src ${sha256(REPORT_CSS)}; ` +
    `img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;
  const s = report.summary;
  const title = `amlprobe: ${s.fail} fail, ${s.warn} warn, ${s.pass} pass`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${REPORT_CSS}</style></head><body>`,
    headerHtml(report, extras),
    // Before the toolbar on the same line: a run without causes or extras keeps its page as it was.
    causesHtml(report.causes) + appendixHtml(extras) + toolbarHtml(report),
    `<main>${gridHtml(report)}</main>`,
    `<footer>Click a row for its evidence and the rule to add. Reason codes: docs/verdicts.md. ` +
      `The JSON report is embedded in this file (Save JSON).</footer>`,
    `<script type="application/json" id="report-data">${jsonForScript(renderJson(report).trimEnd())}</script>`,
    `<script>${REPORT_JS}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
