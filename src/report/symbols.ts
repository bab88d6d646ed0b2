// The marks the table draws: one per status, plus the ellipsis used when text is cut.
// ASCII fallbacks exist for TERM=dumb consoles, serial consoles and logs that mangle UTF-8.

import type { Status } from '../model/reason.js';

/** The characters used to draw a table. */
export interface SymbolSet {
  status: Record<Status, string>;
  ellipsis: string;
}

/** The default marks. */
export const UNICODE_SYMBOLS: SymbolSet = {
  status: { pass: '✓', fail: '✗', warn: '!', skip: '-' },
  ellipsis: '…',
};

/** Marks for terminals without UTF-8. */
export const ASCII_SYMBOLS: SymbolSet = {
  status: { pass: '+', fail: 'x', warn: '!', skip: '-' },
  ellipsis: '...',
};

/** The symbol set for a terminal. */
export function symbolsFor(ascii: boolean): SymbolSet {
  return ascii ? ASCII_SYMBOLS : UNICODE_SYMBOLS;
}
