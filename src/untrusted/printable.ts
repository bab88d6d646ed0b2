// Text from the network made safe to print. A DNS name, a certificate subject or a proxy's page may
// carry ESC (ANSI sequences that recolour, move the cursor or retitle a terminal), BEL, C1 controls,
// bidirectional overrides that reorder what a reader sees, or megabytes of text. Like curl and
// openssl, amlprobe shows such characters as visible escapes (`\x1b`, `\u202e`) instead of sending
// them to a terminal or a Markdown renderer, and bounds the length with a marker.

/**
 * Characters never printed as themselves: controls (C0, DEL, C1), format characters (bidi
 * overrides and isolates, zero-width characters, soft hyphen, BOM, tag characters), line and
 * paragraph separators, and lone surrogates (not text at all).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Escapes readers know for the three common controls; every other character gets its code. */
const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Longest text any single value of a report keeps, in characters (UTF-16 units). */
export const MAX_TEXT_CHARS = 2000;

/** The visible form of one unsafe character: `\x1b` below 256, `\u202e` in the BMP, `\u{e0041}` above. */
export function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** How a cut text ends: says that something was left out and how much. */
function truncationMarker(omitted: number): string {
  return `… [${omitted} more characters]`;
}

/**
 * `text` with every unsafe character escaped and at most `maxChars` characters long (a marker
 * saying how much was cut included). Idempotent: its output is printable and within the bound,
 * so a second pass changes nothing.
 */
export function printable(text: string, maxChars: number = MAX_TEXT_CHARS): string {
  if (text.length <= maxChars && !UNSAFE.test(text)) return text;
  let out = '';
  let used = 0;
  // Code points, not UTF-16 units: a pair is kept or cut whole; a lone half is escaped.
  for (const char of text) {
    const piece = UNSAFE.test(char) ? escapeChar(char) : char;
    const omitted = text.length - used;
    const reserve = used + char.length < text.length ? truncationMarker(omitted).length : 0;
    if (out.length + piece.length + reserve > maxChars) return out + truncationMarker(omitted);
    out += piece;
    used += char.length;
  }
  return out;
}

/** True when `text` holds no character that `printable` would escape. */
export function isPrintable(text: string): boolean {
  return !UNSAFE.test(text);
}

/** Like `printable`, but keeps line breaks: for multi-line messages amlprobe writes itself (stderr). */
export function printableLines(text: string, maxChars: number = MAX_TEXT_CHARS): string {
  return text.split('\n').map((line) => printable(line, maxChars)).join('\n');
}
