// The HTML report's sections above and below the grid: "What to fix first" (the report's ranked
// causes), and what a caller adds to the page: the lab's verdict banner and its explanations.
// The renderer knows nothing of the lab; the lab hands these in as data (HtmlExtras).

import type { Cause } from '../../model/cause.js';
import { unblocksText } from '../causes-text.js';
import { escapeHtml as e } from './escape.js';

/** One item of an appendix: a heading with its mark, and paragraphs. */
export interface AppendixItem {
  ok: boolean;
  title: string;
  paragraphs: string[];
}

/** What a caller adds to the page (the lab: its own verdict, and what it broke). */
export interface HtmlExtras {
  /** Replaces the exit-code banner: the verdict of the command that made the report. */
  verdict?: { ok: boolean; text: string; note?: string };
  /** A titled list after the causes, e.g. the lab's planted faults and whether each was caught. */
  appendix?: { id: string; title: string; items: AppendixItem[]; footer?: string };
}

/** "What to fix first": each cause with its fix and the endpoints it unblocks; nothing without a cause. */
export function causesHtml(causes: readonly Cause[] | undefined): string {
  if (causes === undefined || causes.length === 0) return '';
  const items = causes.map(
    (c) =>
      `<li data-cause="${e(c.id)}"><p class="c-summary">${e(c.summary)} <code>${e(c.reason)}</code></p>` +
      `<p class="c-fix"><strong>Fix:</strong> ${e(c.fix)}</p><p class="c-eps">${e(unblocksText(c))}</p></li>`,
  );
  return `<section class="causes" id="causes"><h2>What to fix first</h2><ol>${items.join('')}</ol></section>`;
}

/** The caller's appendix, e.g. the lab's explanations. */
export function appendixHtml(extras: HtmlExtras): string {
  const appendix = extras.appendix;
  if (appendix === undefined) return '';
  const items = appendix.items.map(
    (item) =>
      `<li class="${item.ok ? 'pass' : 'fail'}"><strong>${item.ok ? '✓' : '✗'} ${e(item.title)}</strong>` +
      item.paragraphs.map((p) => `<p>${e(p)}</p>`).join('') + '</li>',
  );
  const footer = appendix.footer === undefined ? '' : `<p class="a-footer">${e(appendix.footer)}</p>`;
  return `<section class="appendix" id="${e(appendix.id)}"><h2>${e(appendix.title)}</h2><ul>${items.join('')}</ul>${footer}</section>`;
}
