// How many endpoints this process can probe at once without running out of file descriptors.
// Every probe holds a socket (TCP, then TLS/HTTP/WebSocket on the same one; a UDP socket; DNS
// sockets shared per server), so `--concurrency 512` under `ulimit -n 64` turned most endpoints into
// "connect EMFILE": a local limit reported as a network verdict. The plan fits the concurrency to
// the limit before the first packet, and says so.

import { readFileSync, readdirSync } from 'node:fs';

/** File descriptors one endpoint slot may hold at once: its connection and a share of DNS sockets (with TCP fallback). */
export const FDS_PER_ENDPOINT = 2;

/**
 * Descriptors kept free besides the probes and what is open at start: the report file, the trust
 * store and module files read during the run, DNS sockets of a run with several servers.
 */
export const FD_RESERVE = 16;

/** The open-files limit the process runs under, and how many it holds already. */
export interface OpenFiles {
  /** The soft RLIMIT_NOFILE (Node raises it to the hard limit at start-up). */
  limit: number;
  /** Descriptors open when the plan was made. */
  open: number;
}

/** What fitting decided: the concurrency, and, when it was lowered, why. */
export interface FittedConcurrency {
  concurrency: number;
  /** Present when the requested concurrency did not fit: the value asked for and the limit. */
  lowered?: { requested: number; openFilesLimit: number };
}

/**
 * Reads the open-files limit from /proc/self/limits ("Max open files  SOFT  HARD  files") and
 * counts /proc/self/fd. Elsewhere (no /proc: macOS, Windows) undefined: nothing is fitted, and an
 * EMFILE still reads as a local limit in the results (src/engine/local-limit.ts).
 */
export function readOpenFiles(procRoot = '/proc/self'): OpenFiles | undefined {
  try {
    const limits = readFileSync(`${procRoot}/limits`, 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)\s+/m.exec(limits);
    if (!match || match[1] === 'unlimited') return undefined;
    const limit = Number(match[1]);
    // readdirSync holds one descriptor of its own while it reads, and lists it.
    const open = Math.max(0, readdirSync(`${procRoot}/fd`).length - 1);
    return { limit, open };
  } catch {
    return undefined;
  }
}

/** The concurrency that fits `files` (at least 1: one endpoint at a time still gets true verdicts). */
export function fitConcurrency(requested: number, files: OpenFiles | undefined): FittedConcurrency {
  if (files === undefined) return { concurrency: requested };
  const fits = Math.max(1, Math.floor((files.limit - files.open - FD_RESERVE) / FDS_PER_ENDPOINT));
  if (requested <= fits) return { concurrency: requested };
  return { concurrency: fits, lowered: { requested, openFilesLimit: files.limit } };
}

/** The stderr note for a lowered concurrency, one line. */
export function loweredNote(lowered: { requested: number; openFilesLimit: number }, concurrency: number): string {
  return `amlprobe: note: probing ${concurrency} endpoints at once instead of ${lowered.requested}: the open-files limit is ${lowered.openFilesLimit} (ulimit -n); raise it for a faster run.\n`;
}
