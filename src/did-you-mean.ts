// "Did you mean ...?" for misspelt keys, schemes and enum values. Optimal string alignment
// distance (Levenshtein plus swapping two neighbours), so "tiemout" is one edit from "timeout".

/** Edit distance between two strings, counting a swap of two adjacent characters as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const above = d[i - 1]!;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Case, '-' and '_' do not count as differences: dns_servers and DNSServers both mean dnsServers. */
function fold(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible typo.
 * Words shorter than four characters only match when they differ by case or separators, because
 * at that length one edit turns anything into anything ("ftp" is one edit from "tcp").
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const folded = fold(word);
  const limit = folded.length < 4 ? 0 : Math.max(1, Math.floor(folded.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(folded, fold(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** "; did you mean 'x'?" when a close candidate exists, else "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}
