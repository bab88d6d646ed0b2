// The panel that opens under a row: the verdict and the fix first (what a firewall admin acts on),
// then the evidence of every layer that ran (who answered what, which certificate was presented,
// which server answered HTTP), the timings, and the catalog's facts. Rendered here rather than by
// the page's script so it reads the typed Report and works with scripts switched off.

import { kindOf } from '../../checks/kinds.js';
import type { PanelBlock, PanelCell, PanelValue, Span } from '../../checks/descriptor.js';
import type { EndpointResult, LayerResult } from '../../model/result.js';
import { formatMs } from '../cell-text.js';
import { endpointUrl } from '../table.js';
import { escapeHtml as e } from './escape.js';
import { pathOf } from './path-hops.js';
import { pathSvg } from './path-svg.js';
import { sourceTitle } from '../source-titles.js';

/** A label and an already escaped value; rows whose value is undefined are left out. */
type Fact = [label: string, html: string | undefined];

function facts(rows: Fact[]): string {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  if (shown.length === 0) return '';
  return `<dl class="facts">${shown.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function section(title: string, body: string): string {
  return body === '' ? '' : `<section><h4>${e(title)}</h4>${body}</section>`;
}

function text(value: string | number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : e(String(value));
}

function span(value: Span): string {
  if (typeof value === 'object' && value !== null) {
    return `<code${value.class === undefined ? '' : ` class="${e(value.class)}"`}>${e(String(value.code))}</code>`;
  }
  return e(String(value));
}

function valueHtml(value: PanelValue): string {
  return Array.isArray(value) ? value.map(span).join('') : span(value as Span);
}

function cellHtml(cell: PanelCell): string {
  if (typeof cell === 'object' && cell !== null && 'value' in cell) return `<td class="${e(cell.class)}">${valueHtml(cell.value)}</td>`;
  return `<td>${valueHtml(cell)}</td>`;
}

/** One block of a kind's evidence panel (src/checks/descriptor.ts), escaped here and only here. */
function blockHtml(block: PanelBlock): string {
  if ('facts' in block) return facts(block.facts.map(([label, value]) => [label, value === undefined ? undefined : valueHtml(value)]));
  if ('rows' in block) {
    if (block.rows.length === 0) return '';
    const head = block.head.map((h) => `<th>${e(h)}</th>`).join('');
    const rows = block.rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('');
    return `<table class="mini"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
  }
  // The one titled group so far is a certificate of the presented chain.
  return `<div class="cert"><div class="cert-title">${e(block.title)}</div>${block.blocks.map(blockHtml).join('')}</div>`;
}

/** Source ids as their documents' titles, linked where the document has an address; an unknown id as it is. */
function sourcesHtml(ids: readonly string[] | undefined): string | undefined {
  if (ids === undefined || ids.length === 0) return undefined;
  const items = ids.map((id) => {
    const source = sourceTitle(id);
    if (source === undefined) return `<li><code>${e(id)}</code></li>`;
    const title = e(source.title);
    return `<li>${source.url === undefined ? title : `<a href="${e(source.url)}" rel="noopener noreferrer" target="_blank">${title}</a>`} <span class="src-id">${e(id)}</span></li>`;
  });
  return `<ul class="sources">${items.join('')}</ul>`;
}

/** The path picture and the proof commands of a failed result (nothing for the others). */
function proofHtml(result: EndpointResult): string {
  if (result.status !== 'fail' || result.checks.length === 0) return '';
  const picture = `<div class="path-wrap">${pathSvg(pathOf(result), `The path to ${result.host}: where it stopped`)}</div>`;
  const commands = result.reproduce ?? [];
  const proof = commands.length === 0 ? '' : section('Reproduce with', `<pre class="cmds"><code>${commands.map((c) => e(c)).join('\n')}</code></pre>`);
  return section('Path', picture) + proof;
}

/** The evidence of one layer, as its probe kind lays it out; nothing for a layer this build does not know. */
function evidence(check: LayerResult): string {
  if (check.data === undefined) return '';
  const kind = kindOf(check.layer);
  return kind === undefined ? '' : kind.panel(check.data).map(blockHtml).join('');
}

function timings(result: EndpointResult): string {
  if (result.checks.length === 0) return '';
  const rows = result.checks.map(
    (c) =>
      `<tr class="st-${c.status}"><td>${e(c.layer)}</td><td><span class="pill ${c.status}">${c.status}</span></td>` +
      `<td><code>${e(c.reason)}</code></td><td class="num">${formatMs(c.ms)}</td><td>${e(c.message)}</td></tr>`,
  );
  return (
    `<table class="mini timings"><thead><tr><th>layer</th><th>status</th><th>reason</th><th>time</th><th>message</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** The HTML of the detail panel of one result. */
export function detailHtml(result: EndpointResult): string {
  const deciding = result.layer === null ? undefined : result.checks.find((c) => c.layer === result.layer);
  const meta = result.meta ?? {};
  const verdict =
    `<p class="verdict ${result.status}"><strong>${e(result.layer ?? result.status)}</strong>: ${e(result.message)}` +
    ` <code>${e(result.reason)}</code></p>` +
    (deciding?.detail ? `<p class="explain">${e(deciding.detail)}</p>` : '');
  const fix = meta.remediation ? `<div class="fix"><strong>Documented rule to add:</strong> ${e(meta.remediation)}</div>` : '';
  const layers = result.checks
    .filter((c) => c.data !== undefined)
    .map((c) => section(c.layer.toUpperCase(), evidence(c)))
    .join('');
  const about = facts([
    ['target', result.checks.length > 0 ? `<code>${e(endpointUrl(result))}</code>` : undefined],
    ['id', `<code>${e(result.id)}</code>`],
    ['required', result.required ? 'yes' : 'no (optional)'],
    ['purpose', text(meta.purpose)],
    ['scenario', text(meta.scenario)],
    ['service tag', meta.serviceTag === undefined ? undefined : `<code>${e(meta.serviceTag)}</code>`],
    ['private DNS zone', meta.privateDnsZone === undefined ? undefined : `<code>${e(meta.privateDnsZone)}</code>`],
    ['note', text(meta.note)],
    ['sources', sourcesHtml(meta.sources)],
  ]);
  return (
    `<div class="detail-body">${verdict}${fix}${proofHtml(result)}<div class="cols">` +
    `<div class="col">${layers}</div>` +
    `<div class="col">${section('Timings', timings(result))}${section('Endpoint', about)}</div>` +
    `</div></div>`
  );
}
