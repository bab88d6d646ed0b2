// Durations as users write them on the command line and in the config: "800ms", "3s", "1.5s",
// "1m". A number alone is refused: `--timeout 3` meant 3 seconds to its author and 3 ms to a parser
// that assumed milliseconds, which times out every probe at once (issue 11, defect 13).

import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Node timers hold at most 2^31-1 ms (about 24.8 days); a longer delay fires at once with only
 * a warning, which would turn "wait a long time" into "time out immediately".
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** What a number without a unit could have meant: "did you mean 3s (3000ms) or 3ms?". */
export function unitHint(amount: number | string): string {
  const n = Number(amount);
  const seconds = Number.isFinite(n) && n * 1000 <= MAX_DURATION_MS ? `${amount}s (${Math.round(n * 1000)}ms)` : `${amount}s`;
  return `a number alone has no unit: did you mean ${seconds} or ${amount}ms? Units are ms, s and m`;
}

/**
 * Milliseconds for "800ms", "3s", "1.5s" or "1m". Throws a UsageError naming `name` (the flag or
 * config key) and the bad value: a number without unit (with what it could mean), a negative,
 * zero, or a duration longer than Node's timers hold.
 */
export function parseDuration(value: string | number, name = 'duration'): number {
  const fail = (why: string): never => {
    throw new UsageError(`${name} '${String(value)}': ${why}`);
  };
  if (typeof value === 'number' && !Number.isFinite(value)) return fail('not a duration; write e.g. 800ms, 3s or 1m');
  const text = String(value).trim();
  if (/^-/.test(text)) return fail('a duration cannot be negative; write e.g. 800ms, 3s or 1m');
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(text)) return fail(Number(text) === 0 ? 'must be more than 0' : unitHint(text));
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)$/.exec(text);
  if (match === null) {
    const exponent = /^[\d.]+e/i.test(text) ? ', written without an exponent' : '';
    const hint = /^[\d.]/.test(text) ? `; units are ms, s and m (e.g. 800ms, 3s, 1m)${exponent}` : '; write e.g. 800ms, 3s or 1m';
    return fail(`not a duration${hint}`);
  }
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
  if (ms <= 0) fail(Number(match[1]) === 0 ? 'must be more than 0' : 'is less than 1 ms; the shortest is 1ms');
  if (ms > MAX_DURATION_MS) fail(`is too long; the most is ${MAX_DURATION_MS}ms (about 24 days)`);
  return ms;
}
