// The system view: what applications on this machine get from getaddrinfo (/etc/hosts, nsswitch,
// resolv.conf, search domains). It is what the Azure ML SDK and the CLI will use, so by default it
// decides where amlprobe connects; its error codes are coarse, which is why the direct view exists.

import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { onAbort } from '../abort.js';
import type { Reason } from '../model/reason.js';
import type { SystemAnswer } from '../model/evidence.js';
import type { SystemLookupPacing } from '../model/dns-pacing.js';
import { rateGateFor } from './rate-gate.js';
import { TurnQueue, type EndTurn } from './turn-queue.js';

/** A getaddrinfo error code turned into a reason and a sentence. */
export interface LookupErrorMeaning {
  reason: Reason;
  message: string;
}

/** Maps a dns.lookup error code to a reason code and a message that says what the code can and cannot tell. */
export function describeLookupError(code: string, name: string): LookupErrorMeaning {
  switch (code) {
    case 'ENOTFOUND':
      // Node folds EAI_NONAME and EAI_NODATA into ENOTFOUND.
      return {
        reason: 'nxdomain',
        message: `system resolver: ${name} not found (ENOTFOUND; getaddrinfo cannot tell NXDOMAIN from no data)`,
      };
    case 'ENODATA':
      return { reason: 'nodata', message: `system resolver: ${name} has no address records (ENODATA)` };
    case 'EAI_AGAIN':
      return {
        reason: 'dns_timeout',
        message: `system resolver: temporary failure (server timed out or answered SERVFAIL) for ${name} (EAI_AGAIN)`,
      };
    case 'ESERVFAIL':
      return { reason: 'servfail', message: `system resolver: SERVFAIL for ${name} (ESERVFAIL)` };
    case 'EREFUSED':
      return { reason: 'dns_refused', message: `system resolver: query for ${name} refused (EREFUSED)` };
    default:
      return { reason: 'dns_error', message: `system resolver: lookup of ${name} failed (${code})` };
  }
}

/**
 * getaddrinfo runs on libuv's thread pool (UV_THREADPOOL_SIZE threads, 4 by default): a lookup
 * handed over while every thread is busy waits in libuv's queue, where no timer of ours can tell
 * waiting from silence. So amlprobe hands over at most that many at a time and starts a lookup's
 * clock when it hands it over (issue 11: under load the tail of a burst timed out while the
 * resolver answered everything). A thread stays busy until its lookup ends, even one we stopped
 * waiting for, so a turn ends only then.
 */
const threads = new TurnQueue(Number(process.env.UV_THREADPOOL_SIZE) || 4);

/**
 * Resolves a name with getaddrinfo, in the resolver's own order (verbatim). getaddrinfo cannot be
 * cancelled, so the call is raced against `timeoutMs` and `signal` (the run deadline): the caller
 * gets an answer in time and the abandoned lookup finishes unobserved. Never rejects. `pacing`:
 * the plan's word that these lookups spend a documented budget (inside Azure the system's stub
 * forwards them to Azure DNS): a lookup is then handed over only with its queries' tokens, and
 * waiting for them, like waiting for a thread, is not silence.
 */
export async function lookupSystem(name: string, timeoutMs: number, signal: AbortSignal, pacing?: SystemLookupPacing): Promise<SystemAnswer> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const cutShort = (when: string): SystemAnswer => ({ reason: 'deadline', message: `system resolver: lookup of ${name} cut short by the run deadline ${when}`, addresses: [], ms: elapsed() });
  if (signal.aborted) return cutShort('before it started');
  const gate = rateGateFor(pacing?.budget);
  const turn = await threads.take(timeoutMs, (cancel) => onAbort(signal, cancel), gate === undefined ? {} : { gate, cost: pacing?.queriesPerLookup ?? 2 });
  if (turn === 'cancelled') return cutShort(`after waiting ${elapsed()} ms for its turn`);
  if (turn === 'silent') {
    return { reason: 'dns_timeout', message: `system resolver: no answer for ${name} within ${timeoutMs} ms (no lookup ahead of it ended either)`, addresses: [], ms: elapsed() };
  }
  return lookupInTurn(name, timeoutMs, signal, turn.granted, started);
}

async function lookupInTurn(name: string, timeoutMs: number, signal: AbortSignal, endTurn: EndTurn, started: number): Promise<SystemAnswer> {
  const elapsed = (): number => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  let detach: (() => void) | undefined;
  const stop = new Promise<'timeout' | 'aborted'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
    // onAbort, not addEventListener: `signal` may be the run signal, watched by every lookup at once.
    detach = onAbort(signal, () => resolve('aborted'));
  });
  const work = lookup(name, { all: true, verbatim: true }).then(
    (addresses) => ({ addresses: addresses.map((a) => a.address) }),
    (error: NodeJS.ErrnoException) => ({ code: error.code ?? 'UNKNOWN' }),
  );
  void work.then(() => endTurn(true));
  try {
    const outcome = await Promise.race([work, stop]);
    if (outcome === 'timeout' || outcome === 'aborted') {
      return outcome === 'timeout'
        ? { reason: 'dns_timeout', message: `system resolver: no answer for ${name} within ${timeoutMs} ms`, addresses: [], ms: elapsed() }
        : { reason: 'deadline', message: `system resolver: lookup of ${name} cut short by the run deadline after ${elapsed()} ms`, addresses: [], ms: elapsed() };
    }
    if ('code' in outcome) {
      return { ...describeLookupError(outcome.code, name), code: outcome.code, addresses: [], ms: elapsed() };
    }
    if (outcome.addresses.length === 0) {
      return { reason: 'nodata', message: `system resolver: no addresses for ${name}`, addresses: [], ms: elapsed() };
    }
    return { reason: 'ok', message: `system resolver: ${outcome.addresses.join(', ')}`, addresses: outcome.addresses, ms: elapsed() };
  } finally {
    clearTimeout(timer);
    detach?.();
  }
}
