// serve's own state on disk, for a health check that probes nothing: serve writes a small JSON
// file when it starts and after each run (atomically: a temporary file renamed over it, so a
// reader never sees half a file), and `amlprobe healthcheck --serve-state PATH` reads it. This is
// what makes the container image's HEALTHCHECK cheap (one file read, no packet) and meaningful only
// where serve runs: a one-shot `run` or `lab` container has no state file.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { basename, dirname, join } from 'node:path';

/** The file's `kind`, so that a wrong path pointing at some other JSON is recognised as such. */
export const SERVE_STATE_KIND = 'amlprobe-serve-state';

/** At most this many failing endpoints are listed in the file (the count is always exact). */
export const MAX_FAILING_LISTED = 10;

/** What serve writes: when it started, its schedule, and the outcome of its last run. */
export interface ServeStateFile {
  kind: typeof SERVE_STATE_KIND;
  version: 1;
  pid: number;
  /** ms since the epoch */
  startedAtMs: number;
  /** The schedule, so the reader knows how old is too old. */
  intervalMs: number;
  deadlineMs: number;
  runs: number;
  /** Absent until the first run ended. */
  lastRun?: {
    endedAtMs: number;
    durationMs: number;
    requiredFailed: number;
    /** One line per failing required endpoint (describeFailure), the first MAX_FAILING_LISTED. */
    failing: string[];
  };
}

/** Writes `state` to `path` atomically, creating its directory; returns the error text instead of throwing. */
export function writeServeState(path: string, state: ServeStateFile): string | undefined {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(state)}\n`);
    renameSync(temporary, path);
    return undefined;
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // force ignores only ENOENT; a path through a file (ENOTDIR) or a read-only mount throws too.
    }
    return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** What reading the state file found. */
export type ServeStateRead = { kind: 'missing' } | { kind: 'unreadable'; why: string } | { kind: 'state'; state: ServeStateFile };

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Reads and checks the state file at `path`; never throws. */
export function readServeState(path: string): ServeStateRead {
  let text: string;
  try {
    text = readFileCapped(path, INPUT_LIMITS.serveState).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', why: code ?? (error instanceof Error ? error.message : String(error)) };
  }
  let data: Partial<ServeStateFile>;
  try {
    data = JSON.parse(text) as Partial<ServeStateFile>;
  } catch {
    return { kind: 'unreadable', why: 'not JSON' };
  }
  if (data === null || typeof data !== 'object' || data.kind !== SERVE_STATE_KIND) return { kind: 'unreadable', why: `not an amlprobe serve state file (no "kind": "${SERVE_STATE_KIND}")` };
  if (data.version !== 1) return { kind: 'unreadable', why: `state file version ${String(data.version)}; this amlprobe reads version 1` };
  const fields = [data.startedAtMs, data.intervalMs, data.deadlineMs, data.runs];
  if (!fields.every(isCount)) return { kind: 'unreadable', why: 'startedAtMs, intervalMs, deadlineMs or runs missing' };
  const last = data.lastRun;
  if (last !== undefined && !(isCount(last.endedAtMs) && isCount(last.durationMs) && isCount(last.requiredFailed) && Array.isArray(last.failing))) {
    return { kind: 'unreadable', why: 'lastRun incomplete' };
  }
  return { kind: 'state', state: data as ServeStateFile };
}
