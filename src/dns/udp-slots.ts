// How many UDP queries may be in flight to one DNS server, and what a query waiting for its turn
// may conclude. Waiting is not silence: a query's own clock starts when it is sent (QueryDeadline
// .startWatched), so a burst bigger than the cap does not turn its tail into false dns_timeout
// verdicts (issue 11: 16 of 1,000 names from a server that answered everything). Only two things
// end a wait early: the run deadline (the caller's abort, reported as `deadline`), and a server
// that answered nothing at all for a whole timeout while the query waited: that server is silent,
// and waiting longer would only turn a true dns_timeout into a run that ends at its deadline.

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

/** The turns to each server ("ip:port"), forgotten when idle. */
const windows = new Map<string, TurnQueue>();

/** The turns to `server`. */
export function udpSlotsTo(server: string): TurnQueue {
  let slots = windows.get(server);
  if (slots === undefined) {
    slots = new TurnQueue(UDP_IN_FLIGHT_PER_SERVER);
    windows.set(server, slots);
  }
  return slots;
}

/** Forgets the turns to `server` when no query holds or awaits one. */
export function forgetIfIdle(server: string, slots: TurnQueue): void {
  if (slots.idle && windows.get(server) === slots) windows.delete(server);
}
