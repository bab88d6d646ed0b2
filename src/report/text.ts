// Measuring, cutting and wrapping text for a fixed-width terminal. Widths are in terminal
// cells: ANSI colour sequences take none and East Asian wide characters take two, so that a
// certificate subject in Japanese or a coloured cell does not push the columns out of line.

const ANSI_SGR = /\x1b\[[0-9;]*m/g;

/** Removes ANSI colour sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SGR, '');
}

/** Terminal cells one code point takes: 2 for East Asian wide/fullwidth ranges, else 1. */
function cellsOf(codePoint: number): number {
  // Combining diacritical marks draw over the previous character.
  if (codePoint >= 0x300 && codePoint <= 0x36f) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Terminal cells the text takes once printed. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += cellsOf(char.codePointAt(0) ?? 0);
  return width;
}

/** The longest prefix of plain text that fits in `width` cells. */
function takeCells(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    const cells = cellsOf(char.codePointAt(0) ?? 0);
    if (used + cells > width) break;
    out += char;
    used += cells;
  }
  return out;
}

/** The longest suffix of plain text that fits in `width` cells. */
function takeCellsFromEnd(text: string, width: number): string {
  const chars = Array.from(text);
  let out = '';
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    const char = chars[i] ?? '';
    const cells = cellsOf(char.codePointAt(0) ?? 0);
    if (used + cells > width) break;
    out = char + out;
    used += cells;
  }
  return out;
}

/** Cuts plain text to `width` cells, ending with `ellipsis` when something was cut. */
export function truncateEnd(text: string, width: number, ellipsis: string): string {
  if (visibleWidth(text) <= width) return text;
  const room = width - visibleWidth(ellipsis);
  if (room <= 0) return takeCells(text, width);
  return takeCells(text, room) + ellipsis;
}

/**
 * Cuts plain text to `width` cells by dropping its middle: for an endpoint the scheme and the
 * port or path at the end say as much as the start of the host name.
 */
export function truncateMiddle(text: string, width: number, ellipsis: string): string {
  if (visibleWidth(text) <= width) return text;
  const room = width - visibleWidth(ellipsis);
  if (room <= 1) return truncateEnd(text, width, ellipsis);
  const head = Math.ceil(room / 2);
  return takeCells(text, head) + ellipsis + takeCellsFromEnd(text, room - head);
}

/** Pads text (which may hold ANSI sequences) with spaces to `width` cells. */
export function padCells(text: string, width: number): string {
  const missing = width - visibleWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/**
 * Wraps plain text at word boundaries into lines of at most `width` cells; words longer than a
 * line (URLs, fingerprints) are broken so nothing runs past the right edge.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  const limit = Math.max(1, width);
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      let rest = word;
      if (line !== '' && visibleWidth(line) + 1 + visibleWidth(rest) <= limit) {
        line += ' ' + rest;
        continue;
      }
      if (line !== '') lines.push(line);
      line = '';
      while (visibleWidth(rest) > limit) {
        const piece = takeCells(rest, limit);
        lines.push(piece);
        rest = rest.slice(piece.length);
      }
      line = rest;
    }
    if (line !== '' || lines.length === 0) lines.push(line);
  }
  return lines;
}
