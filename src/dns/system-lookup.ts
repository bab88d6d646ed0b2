// The system view: what applications on this machine get from getaddrinfo (/etc/hosts, nsswitch,
// resolv.conf, search domains). It is what the Azure ML SDK and the CLI will use, so by default it
// decides where amlprobe connects; its error codes are coarse, which is why the direct view exists.

import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { onAbort } from '../abort.js';
import type { Reason, SystemAnswer } from '../types.js';

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
 * Resolves a name with getaddrinfo, in the resolver's own order (verbatim). getaddrinfo runs on the
 * libuv thread pool and cannot be cancelled, so the call is raced against `timeoutMs` and `signal`:
 * the caller gets an answer in time and the abandoned lookup finishes unobserved. Never rejects.
 */
export async function lookupSystem(name: string, timeoutMs: number, signal: AbortSignal): Promise<SystemAnswer> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  if (signal.aborted) {
    return { reason: 'dns_timeout', message: `system resolver: lookup of ${name} aborted before it started`, addresses: [], ms: 0 };
  }
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
  try {
    const outcome = await Promise.race([work, stop]);
    if (outcome === 'timeout' || outcome === 'aborted') {
      const message =
        outcome === 'timeout'
          ? `system resolver: no answer for ${name} within ${timeoutMs} ms`
          : `system resolver: lookup of ${name} aborted after ${elapsed()} ms`;
      return { reason: 'dns_timeout', message, addresses: [], ms: elapsed() };
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
