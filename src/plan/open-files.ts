// How many endpoints this process can probe at once without running out of file descriptors.
// Every probe holds a socket (TCP, then TLS/HTTP/WebSocket on the same one; a UDP socket; DNS
// sockets shared per server), so `--concurrency 512` under `ulimit -n 64` turned most endpoints into
// "connect EMFILE": a local limit reported as a network verdict. The plan fits the concurrency to
// the limit before the first packet, and says so. With no --concurrency, the plan takes all the
// limit allows (issue 15): a dropped endpoint holds its slot for a whole timeout, so any lower
// cap makes the dropped ones wait in waves of one timeout each.

import { readFileSync, readdirSync } from 'node:fs';

/**
 * File descriptors one endpoint slot may hold at once while few are in flight: its connection and a
 * DNS socket (a query's UDP socket or its TCP fallback). The DNS share stops growing at
 * DNS_SOCKETS_PER_SERVER per server (src/dns/udp-slots.ts caps the queries in flight to a server),
 * so with many endpoints in flight a slot costs one descriptor: its connection.
 */
export const FDS_PER_ENDPOINT = 2;

/**
 * DNS descriptors a run may hold per server however many endpoints are in flight: one UDP socket
 * per query in flight at worst (100, src/dns/udp-slots.ts UDP_IN_FLIGHT_PER_SERVER) and as many
 * TCP fallbacks. Not imported from there: the plan does not load the resolver.
 */
export const DNS_SOCKETS_PER_SERVER = 200;

/** Where the limit cannot be read (no /proc: macOS, Windows), the default concurrency. */
export const FALLBACK_CONCURRENCY = 512;

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

/** What the run's sockets depend on besides the endpoints in flight. */
export interface SocketShape {
  /** DNS servers the run asks directly (each holds up to DNS_SOCKETS_PER_SERVER descriptors). */
  dnsServers: number;
  /** --all-addresses: an endpoint connects to every address of its name at once (counted as two). */
  allAddresses?: boolean;
}

/**
 * The most endpoints `files` lets run at once (at least 1: one endpoint at a time still gets true
 * verdicts). Each holds its connection (two with --all-addresses) and, until the DNS servers' caps
 * are reached, a DNS socket: descriptors = c × connections + min(c, DNS_SOCKETS_PER_SERVER × servers).
 */
export function concurrencyThatFits(files: OpenFiles, shape: SocketShape = { dnsServers: 1 }): number {
  const budget = files.limit - files.open - FD_RESERVE;
  const connections = shape.allAddresses === true ? 2 : 1;
  const dnsCap = DNS_SOCKETS_PER_SERVER * Math.max(1, shape.dnsServers);
  // Below the DNS cap every slot holds a DNS socket besides its connection(s); above it, only its connection(s).
  const belowCap = Math.floor(budget / (connections + 1));
  const fits = belowCap <= dnsCap ? belowCap : Math.floor((budget - dnsCap) / connections);
  return Math.max(1, fits);
}

/** The concurrency that fits `files` (at least 1: one endpoint at a time still gets true verdicts). */
export function fitConcurrency(requested: number, files: OpenFiles | undefined, shape?: SocketShape): FittedConcurrency {
  if (files === undefined) return { concurrency: requested };
  const fits = concurrencyThatFits(files, shape);
  if (requested <= fits) return { concurrency: requested };
  return { concurrency: fits, lowered: { requested, openFilesLimit: files.limit } };
}

/**
 * The concurrency of a run that asked for none: every endpoint the open-files limit lets wait at
 * once, at most `ceiling` (the most --concurrency accepts); FALLBACK_CONCURRENCY where the limit
 * cannot be read. Why this and not a fixed number: the floor of a run is one timeout, reached only
 * when every dropped endpoint can wait at the same time (5,000 endpoints took 2.8 T at 512, 50,000
 * never finished within the deadline; docs/benchmarks.md).
 */
export function defaultConcurrency(files: OpenFiles | undefined, shape: SocketShape, ceiling: number): number {
  if (files === undefined) return FALLBACK_CONCURRENCY;
  return Math.min(ceiling, concurrencyThatFits(files, shape));
}

/** The stderr note for a lowered concurrency, one line. */
export function loweredNote(lowered: { requested: number; openFilesLimit: number }, concurrency: number): string {
  return `amlprobe: note: probing ${concurrency} endpoints at once instead of ${lowered.requested}: the open-files limit is ${lowered.openFilesLimit} (ulimit -n); raise it for a faster run.\n`;
}
