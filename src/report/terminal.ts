// What the terminal the report goes to can show: colour, UTF-8 marks, width. Kept apart from the
// renderers so they stay pure functions of a Report and their options.

/** Environment variables as process.env holds them. */
export type Env = Record<string, string | undefined>;

/** The width assumed when output is not a terminal (a file, a pipe, a CI log). */
export const DEFAULT_TABLE_WIDTH = 120;

/**
 * True when output to `stream` should be coloured: FORCE_COLOR set to anything but "0"/"false"
 * forces it on (it wins over NO_COLOR, as in Node itself); otherwise only on a TTY, without a
 * non-empty NO_COLOR (https://no-color.org) and not on TERM=dumb.
 */
export function shouldUseColour(stream: { isTTY?: boolean }, env: Env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/** True when the table should use ASCII marks rather than ✓ ✗ …: TERM=dumb. */
export function shouldUseAscii(env: Env): boolean {
  return env['TERM'] === 'dumb';
}

/**
 * The width to render for: COLUMNS when set to a whole number (as `COLUMNS=200 amlprobe ...` asks,
 * for a log or a pipe), else the terminal's columns on a TTY, else DEFAULT_TABLE_WIDTH.
 */
export function tableWidth(stream: { isTTY?: boolean; columns?: number }, env: Env = process.env): number {
  const asked = env['COLUMNS']?.trim();
  if (asked !== undefined && /^\d+$/.test(asked) && Number(asked) >= 20) return Number(asked);
  if (stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  return DEFAULT_TABLE_WIDTH;
}
