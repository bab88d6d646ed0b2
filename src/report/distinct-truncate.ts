// Shortening a name that shares most of itself with its neighbours: three storage rows cut in
// the middle all read "https://contosomlst…re.windows.net:443/", the one part that tells them apart
// (blob, queue, file) gone. Here the words the other rows share go first, so what is left is what
// differs: "https://contosomlstore.blob…:443/", "smb://…file…:445".

import { truncateEnd, truncateMiddle, visibleWidth } from './text.js';

/** Words (letters, digits, '_', '*') and the separators between them, in order. */
function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}_*]+|[^\p{L}\p{N}_*]+/gu) ?? [];
}

const isWord = (token: string): boolean => /^[\p{L}\p{N}_*]/u.test(token);

/** How many of the texts contain each word: a word every row has tells none of them apart. */
export function wordCounts(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of new Set(tokens(text).filter(isWord))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** A separator that one elided neighbour takes with it ("." and "-" only: "://" and ":" stay readable). */
const isSoftSeparator = (token: string): boolean => /^[.-]+$/.test(token);

/** The text with the elided words (and soft separators touching them) shown as one ellipsis per run. */
function render(parts: readonly string[], elided: readonly boolean[], ellipsis: string): string {
  const gone = parts.map((part, i) => {
    if (elided[i] === true) return true;
    if (isWord(part)) return false;
    // Between two elided words any separator goes: one ellipsis stands for the whole run.
    if (elided[i - 1] === true && elided[i + 1] === true) return true;
    return isSoftSeparator(part) && (elided[i - 1] === true || elided[i + 1] === true);
  });
  let out = '';
  for (let i = 0; i < parts.length; i += 1) {
    if (!gone[i]) out += parts[i] ?? '';
    else if (!gone[i - 1]) out += ellipsis;
  }
  return out;
}

/**
 * Cuts `text` to `width` cells by eliding the words the other rows share (by `counts`, from
 * wordCounts over every row of the column) before the words that set it apart: the most shared
 * first, the longer first among equals. A scheme ("https" before "://") stays. When eliding every
 * shared word is not enough, the middle of what is left is cut.
 */
export function truncateDistinct(text: string, width: number, ellipsis: string, counts: ReadonlyMap<string, number>): string {
  return shortenDistinct(text, width, ellipsis, counts).text;
}

/** truncateDistinct, and whether every word that sets the text apart survived (false: cut in the middle). */
export function shortenDistinct(text: string, width: number, ellipsis: string, counts: ReadonlyMap<string, number>): { text: string; distinctKept: boolean } {
  if (visibleWidth(text) <= width) return { text, distinctKept: true };
  const parts = tokens(text);
  if (width - visibleWidth(ellipsis) <= 1 || parts.length < 3) return { text: truncateMiddle(text, width, ellipsis), distinctKept: false };
  const scheme = parts[1]?.startsWith('://') === true ? 0 : -1;
  const order = parts
    .map((part, index) => ({ part, index, shared: counts.get(part) ?? 1 }))
    .filter((t) => isWord(t.part) && t.index !== scheme && t.shared > 1)
    .sort((a, b) => b.shared - a.shared || visibleWidth(b.part) - visibleWidth(a.part) || b.index - a.index);
  const elided = parts.map(() => false);
  let shown = text;
  for (let n = 0; n < order.length; n += 1) {
    elided[order[n]?.index ?? 0] = true;
    shown = render(parts, elided, ellipsis);
    if (visibleWidth(shown) > width) continue;
    // The last word taken may have freed more than needed: give back the earlier ones that fit again.
    for (let back = n; back >= 0; back -= 1) {
      const index = order[back]?.index ?? 0;
      elided[index] = false;
      const again = render(parts, elided, ellipsis);
      if (visibleWidth(again) <= width) shown = again;
      else elided[index] = true;
    }
    return { text: shown, distinctKept: true };
  }
  // Still too long: keep the start of what is left (the scheme and the first words that differ).
  let cut = truncateEnd(shown, width, ellipsis);
  while (cut.endsWith(ellipsis + ellipsis)) cut = cut.slice(0, -ellipsis.length);
  return { text: cut, distinctKept: false };
}
