// The path picture of a failed endpoint: an inline SVG (no image request, so the page's CSP
// img-src 'none' holds) with one box per hop, arrows between, and the hop where it stopped in red
// with a cross. Styled by classes in style.ts (an inline style attribute would break the CSP).

import { escapeHtml as e } from './escape.js';
import type { Hop, PathColumns } from './path-hops.js';

const BOX_W = 240;
const BOX_H = 62;
const GAP_X = 34;
const GAP_Y = 10;
const PAD = 6;
/** Characters that fit on a line of a box at the picture's font size; the full text is in the hop's <title>. */
const FIT = 31;

function fit(text: string): string {
  return text.length <= FIT ? text : `${text.slice(0, FIT - 1)}…`;
}

function hopSvg(hop: Hop, x: number, y: number): string {
  const mark = hop.state === 'stop' ? '✗ stopped: ' : '';
  const title = [hop.role, hop.name, ...hop.lines].join('\n');
  const texts = [
    `<text class="p-role" x="${x + 8}" y="${y + 14}">${e(fit(`${mark}${hop.role}`))}</text>`,
    `<text class="p-name" x="${x + 8}" y="${y + 30}">${e(fit(hop.name))}</text>`,
    ...hop.lines.slice(0, 2).map((line, i) => `<text class="p-line" x="${x + 8}" y="${y + 44 + i * 13}">${e(fit(line))}</text>`),
  ];
  return `<g class="hop ${hop.state}"><title>${e(title)}</title><rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6"></rect>${texts.join('')}</g>`;
}

/** The SVG of one path; `label` names it for screen readers. */
export function pathSvg(columns: PathColumns, label: string): string {
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const width = PAD * 2 + columns.length * BOX_W + (columns.length - 1) * GAP_X;
  const height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y;
  const parts: string[] = [];
  columns.forEach((column, c) => {
    const x = PAD + c * (BOX_W + GAP_X);
    const top = PAD + ((rows - column.length) * (BOX_H + GAP_Y)) / 2;
    column.forEach((hop, r) => parts.push(hopSvg(hop, x, top + r * (BOX_H + GAP_Y))));
    if (c < columns.length - 1) {
      const y = PAD + (rows * (BOX_H + GAP_Y) - GAP_Y) / 2;
      const next = columns[c + 1]?.[0];
      const cls = next?.state === 'unreached' ? 'arrow unreached' : 'arrow';
      parts.push(`<path class="${cls}" d="M${x + BOX_W + 3} ${y} h${GAP_X - 12} m-6 -5 l6 5 l-6 5"></path>`);
    }
  });
  return (
    `<svg class="path" xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${e(label)}</title>${parts.join('')}</svg>`
  );
}
