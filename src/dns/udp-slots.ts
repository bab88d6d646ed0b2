// The turns of UDP queries to one DNS server: how many may be in flight at once and, where the plan
// says a documented budget applies, the rate they leave at (src/plan/dns-pacing.ts decides both;
// this file obeys). What a query waiting for its turn may conclude: waiting is not silence. A
// query's own clock starts when it is sent (QueryDeadline.startWatched), so a burst bigger than the
// window, or a rate slower than the burst, does not turn its tail into false dns_timeout verdicts
// (issue 11: 16 of 1,000 names from a server that answered everything). Only two things end a wait
// early: the run deadline (the caller's abort, reported as `deadline`), and a server that answered
// nothing at all for a whole timeout while its window stayed full: that server is silent, and
// waiting longer would only turn a true dns_timeout into a run that ends at its deadline.

import { FIXED_DNS_WINDOW, type DnsPacing } from '../model/dns-pacing.js';
import { rateGateFor, type RateGate } from './rate-gate.js';
import { TurnQueue } from './turn-queue.js';

/** The turns to one server under one pacing, and the budget its datagrams spend. */
export interface UdpSlots {
  readonly queue: TurnQueue;
  readonly gate: RateGate | undefined;
}

/**
 * A query asked outside a plan (a pre-flight's one test question, a test, settings made by hand)
 * gets what the plan gives a server without a documented limit: the fixed window, no rate.
 */
export const UNPLANNED_PACING: DnsPacing = { window: FIXED_DNS_WINDOW };

/** The turns to each server ("ip:port" and its pacing), forgotten when idle. */
const windows = new Map<string, UdpSlots>();

/** One queue per server and pacing: a server asked under two plans' pacings keeps them apart. */
function slotsKey(server: string, pacing: DnsPacing): string {
  return pacing.budget === undefined ? `${server}/${pacing.window}` : `${server}/${pacing.window}/${pacing.budget.id}`;
}

/** The turns to `server` under `pacing`. */
export function udpSlotsTo(server: string, pacing: DnsPacing = UNPLANNED_PACING): UdpSlots {
  const key = slotsKey(server, pacing);
  let slots = windows.get(key);
  if (slots === undefined) {
    slots = { queue: new TurnQueue(pacing.window), gate: rateGateFor(pacing.budget) };
    windows.set(key, slots);
  }
  return slots;
}

/** Forgets the turns to `server` when no query holds or awaits one. */
export function forgetIfIdle(server: string, pacing: DnsPacing = UNPLANNED_PACING, slots?: UdpSlots): void {
  if (slots === undefined || !slots.queue.idle) return;
  const key = slotsKey(server, pacing);
  if (windows.get(key) === slots) windows.delete(key);
}
