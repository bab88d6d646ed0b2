// How many UDP queries may be in flight to one DNS server, and what a query waiting for its turn
// may conclude. Waiting is not silence: a query's own clock starts when it is sent (QueryDeadline
// .start), so a burst bigger than the cap does not turn its tail into false dns_timeout verdicts
// (issue 11: 16 of 1,000 names from a server that answered everything). Only two things end a
// wait early: the run deadline (the caller's abort, reported as `deadline`), and a server that
// answered nothing at all for a whole timeout while the query waited: that server is silent, and
// waiting longer would only turn a true dns_timeout into a run that ends at its deadline.

import { performance } from 'node:perf_hooks';
import type { QueryDeadline } from './query-deadline.js';

/**
 * At most this many UDP queries are in flight to one server at a time; the rest wait their turn.
 * Why: the engine starts hundreds of endpoints at once, two queries each, and a DNS server's socket
 * buffer (about 200 datagrams for dnsmasq with Linux defaults) overflows in that first burst; each
 * lost datagram then costs a whole retransmission gap (measured in docs/benchmarks.md case 4: 1,000
 * names took 0.65 s of engine time, 500 ms of it waiting to retransmit ~200 dropped queries).
 * Answers free slots within a round trip, so a fast server is barely slowed, and a slow one sees
 * the same load a stub resolver farm would.
 */
export const UDP_IN_FLIGHT_PER_SERVER = 100;

/** Gives the slot back; `answered` says whether the server answered the query that held it. */
export type ReleaseSlot = (answered: boolean) => void;

/** In-flight count, waiting queries and when the server last answered, per server ("ip:port"). */
interface ServerSlots {
  active: number;
  waiting: (() => void)[];
  lastAnswerAt: number;
}

const slotsByServer = new Map<string, ServerSlots>();

/**
 * Waits for a free UDP slot to `server`; resolves with the release function (call it exactly
 * once), or with undefined when `deadline` fired first: the caller's abort, or expire() because
 * the server answered nothing for `timeoutMs` while this query waited.
 */
export function acquireUdpSlot(server: string, deadline: QueryDeadline, timeoutMs: number): Promise<ReleaseSlot | undefined> {
  let slots = slotsByServer.get(server);
  if (slots === undefined) {
    slots = { active: 0, waiting: [], lastAnswerAt: -Infinity };
    slotsByServer.set(server, slots);
  }
  const state = slots;
  let released = false;
  const release: ReleaseSlot = (answered) => {
    if (released) return;
    released = true;
    if (answered) state.lastAnswerAt = performance.now();
    const next = state.waiting.shift();
    if (next !== undefined) next();
    else if (--state.active === 0) slotsByServer.delete(server);
  };
  if (state.active < UDP_IN_FLIGHT_PER_SERVER) {
    state.active++;
    return Promise.resolve(release);
  }
  if (deadline.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let silenceTimer: NodeJS.Timeout | undefined;
    // Handing over a slot keeps `active` unchanged: the releaser's slot becomes ours.
    const grant = (): void => {
      clearTimeout(silenceTimer);
      detach();
      resolve(release);
    };
    const detach = deadline.onFire(() => {
      clearTimeout(silenceTimer);
      const index = state.waiting.indexOf(grant);
      if (index >= 0) state.waiting.splice(index, 1);
      resolve(undefined);
    });
    // The server is silent when its last answer (or our arrival, if later) is a timeout ago.
    const since = performance.now();
    const watch = (): void => {
      const quietSince = Math.max(since, state.lastAnswerAt);
      const left = quietSince + timeoutMs - performance.now();
      if (left <= 0) deadline.expire();
      else silenceTimer = setTimeout(watch, left);
    };
    silenceTimer = setTimeout(watch, timeoutMs);
    state.waiting.push(grant);
  });
}
