// ANSI colouring of the table: green pass, red fail, yellow warn, dim skip. Colour is applied
// last, after widths are computed on plain text, and only when the caller asked for it.

import type { Status } from '../model/reason.js';

/** Paints text for a terminal, or returns it unchanged when colour is off. */
export interface Paint {
  /** Colours text by the status it reports. */
  status(status: Status, text: string): string;
  /** Dims text that is secondary (headers, sources). */
  dim(text: string): string;
  /** Emboldens text that must stand out (the "fix:" label). */
  bold(text: string): string;
}

// Each style closes with its own reset code rather than \x1b[0m so styles can nest.
const GREEN = ['\x1b[32m', '\x1b[39m'] as const;
const RED = ['\x1b[31m', '\x1b[39m'] as const;
const YELLOW = ['\x1b[33m', '\x1b[39m'] as const;
const DIM = ['\x1b[2m', '\x1b[22m'] as const;
const BOLD = ['\x1b[1m', '\x1b[22m'] as const;

const STYLE_BY_STATUS: Record<Status, readonly [string, string]> = {
  pass: GREEN,
  fail: RED,
  warn: YELLOW,
  skip: DIM,
};

/** Wraps text in a style, leaving empty strings alone so no stray codes surround blank cells. */
function wrap(style: readonly [string, string], text: string): string {
  return text === '' ? text : style[0] + text + style[1];
}

/** A Paint that colours when `enabled`, else one that returns text unchanged. */
export function createPaint(enabled: boolean): Paint {
  if (!enabled) return { status: (_s, text) => text, dim: (text) => text, bold: (text) => text };
  return {
    status: (status, text) => wrap(STYLE_BY_STATUS[status], text),
    dim: (text) => wrap(DIM, text),
    bold: (text) => wrap(BOLD, text),
  };
}
