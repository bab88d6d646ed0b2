// How deeply a JSON text nests, measured on the text before JSON.parse: V8 parses any depth, but
// every later walk over the value (sort, join, stringify, our own readers) recurses and can
// overflow the stack. A user's file nested deeper than any real one is refused up front (exit 2).

/**
 * Deeper than any file amlprobe reads: Azure CLI output nests about 8 levels, an amlprobe report
 * about 10. Far below what overflows the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The line of the first bracket deeper than `max`, or null when the text stays within it. */
export function lineTooDeep(text: string, max: number = MAX_JSON_DEPTH): number | null {
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++; // backslash: the next character is escaped
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return line;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return null;
}
