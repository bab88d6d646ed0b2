// Durations as users write them on the command line and in the config: "800ms", "3s", "1.5s",
// "1m", or a plain number of milliseconds.

import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Node timers hold at most 2^31-1 ms (about 24.8 days); a longer delay fires at once with only
 * a warning, which would turn "wait a long time" into "time out immediately".
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Milliseconds for "800ms", "3s", "1.5s", "1m" or a number of ms (number or digits).
 * Throws a UsageError naming `name` (the flag or config key) and the bad value.
 */
export function parseDuration(value: string | number, name = 'duration'): number {
  const fail = (why: string): never => {
    throw new UsageError(`${name} '${String(value)}': ${why}`);
  };
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('not a duration; write e.g. 800ms, 3s or 1m');
    ms = value;
  } else {
    const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)?$/.exec(value.trim());
    if (match === null) {
      const hint = /^\d/.test(value.trim()) ? '; units are ms, s and m (e.g. 800ms, 3s, 1m)' : '; write e.g. 800ms, 3s or 1m';
      return fail(`not a duration${hint}`);
    }
    ms = Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1);
  }
  ms = Math.round(ms);
  if (ms <= 0) fail('must be more than 0');
  if (ms > MAX_DURATION_MS) fail(`is too long; the most is ${MAX_DURATION_MS}ms (about 24 days)`);
  return ms;
}
