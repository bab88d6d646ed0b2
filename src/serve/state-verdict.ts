// Judges serve's state file for `amlprobe healthcheck --serve-state`: healthy when serve finished
// a run recently enough for its schedule and no required endpoint failed in it.

import { cleanText } from '../untrusted/evidence.js';
import type { ServeStateFile } from './state-file.js';

/** Longest failure line quoted from the file (it is in /tmp: anyone in the container could have written it). */
const MAX_LINE_CHARS = 300;

/**
 * Slack on top of interval + deadline before a state counts as stale: a run ends at most
 * `deadline` (+ the engine's 250 ms fence) after it starts and starts at most `interval` after the
 * previous one started, so a live serve rewrites the file at least that often; the rest absorbs a
 * paused container, CPU throttling and planning again after a failed registry discovery.
 */
export const STALE_SLACK_MS = 30_000;

/** The verdict: healthy or not, and the line to print when not. */
export interface ServeHealth {
  healthy: boolean;
  message?: string;
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/** Healthy when the last run ended within interval + deadline + slack and had no required failure. */
export function judgeServeState(state: ServeStateFile, nowMs: number): ServeHealth {
  const staleAfterMs = state.intervalMs + state.deadlineMs + STALE_SLACK_MS;
  const schedule = `serve runs every ${seconds(state.intervalMs)} with a ${seconds(state.deadlineMs)} deadline`;
  const last = state.lastRun;
  if (last === undefined) {
    const age = nowMs - state.startedAtMs;
    if (age > staleAfterMs) return { healthy: false, message: `serve (pid ${state.pid}) started ${seconds(age)} ago and has not finished a run; ${schedule}: is it stuck?` };
    return { healthy: false, message: `serve (pid ${state.pid}) started ${seconds(age)} ago: no run finished yet` };
  }
  const age = nowMs - last.endedAtMs;
  if (age > staleAfterMs) return { healthy: false, message: `serve's last run ended ${seconds(age)} ago; ${schedule}: is it stuck?` };
  if (last.requiredFailed > 0) {
    const listed = last.failing.slice(0, 10).map((line) => cleanText(String(line), MAX_LINE_CHARS));
    const more = last.requiredFailed > listed.length ? `; and ${last.requiredFailed - listed.length} more` : '';
    return { healthy: false, message: `${last.requiredFailed} required endpoint(s) failed in serve's last run: ${listed.join('; ')}${more}` };
  }
  return { healthy: true };
}
