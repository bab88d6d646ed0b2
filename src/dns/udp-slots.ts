// How many UDP queries may be in flight to one DNS server, and what a query waiting for its turn
// may conclude. Waiting is not silence: a query's own clock starts when it is sent (QueryDeadline
// .start), so a burst bigger than the cap does not turn its tail into false dns_timeout verdicts
// (issue 11: 16 of 1,000 names from a server that answered everything). Only two things end a
// wait early: the run deadline (the caller's abort, reported as `deadline`), and a server that
// answered nothing at all for a whole timeout while the query waited: that server is silent, and
// waiting longer would only turn a true dns_timeout into a run that ends at its deadline.

import type { QueryDeadline } from './query-deadline.js';
import { TurnQueue } from './turn-queue.js';

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

/** The turns to each server ("ip:port"), forgotten when idle. */
const queues = new Map<string, TurnQueue>();

/**
 * Waits for a free UDP slot to `server`; resolves with the release function (call it exactly
 * once), or with undefined when `deadline` fired first: the caller's abort, or expire() because
 * the server answered nothing for `timeoutMs` while this query waited.
 */
export async function acquireUdpSlot(server: string, deadline: QueryDeadline, timeoutMs: number): Promise<ReleaseSlot | undefined> {
  if (deadline.aborted) return undefined;
  let queue = queues.get(server);
  if (queue === undefined) {
    queue = new TurnQueue(UDP_IN_FLIGHT_PER_SERVER);
    queues.set(server, queue);
  }
  const owner = queue;
  const outcome = await owner.take(timeoutMs, (cancel) => deadline.onFire(cancel));
  if (outcome === 'silent') deadline.expire();
  if (typeof outcome !== 'object') {
    if (owner.idle && queues.get(server) === owner) queues.delete(server);
    return undefined;
  }
  return (answered) => {
    outcome.granted(answered);
    if (owner.idle && queues.get(server) === owner) queues.delete(server);
  };
}
