// "What to fix first": the report's causes (src/causes/), ranked, opening the table and the
// Markdown report. Each cause once, with its fix and the endpoints it unblocks.

import type { Cause } from '../model/cause.js';
import type { Paint } from './colour.js';
import { wrapText } from './text.js';

/** "unblocks 3 required endpoints: a, b, c" / "2 optional endpoints: a, b". */
export function unblocksText(cause: Cause): string {
  const n = cause.endpoints.length;
  const what = cause.required > 0 ? `unblocks ${cause.required} required endpoint${cause.required === 1 ? '' : 's'}` : `${n} optional endpoint${n === 1 ? '' : 's'}`;
  const optional = cause.required > 0 && n > cause.required ? ` (and ${n - cause.required} optional)` : '';
  return `${what}${optional}: ${cause.endpoints.join(', ')}`;
}

/** The heading and its causes for the terminal, wrapped to `width`; nothing when the run has no cause. */
export function causeLines(causes: readonly Cause[] | undefined, width: number, paint: Paint): string[] {
  if (causes === undefined || causes.length === 0) return [];
  const lines = [paint.bold(`What to fix first (${causes.length} cause${causes.length === 1 ? '' : 's'}):`)];
  causes.forEach((cause, i) => {
    const number = `${i + 1}. `.padStart(5);
    const indent = ' '.repeat(number.length);
    const wrap = (text: string, first: string): string[] => wrapText(text, Math.max(20, width - indent.length)).map((t, j) => (j === 0 ? first : indent) + t);
    lines.push(...wrap(`${cause.summary} [${cause.reason}]`, number));
    lines.push(...wrap(`fix: ${cause.fix}`, indent).map((l) => l.replace(/^(\s*)fix:/, (_, s: string) => s + paint.bold('fix:'))));
    lines.push(...wrap(unblocksText(cause), indent).map(paint.dim));
  });
  lines.push('');
  return lines;
}
