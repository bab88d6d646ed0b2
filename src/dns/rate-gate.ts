// A token bucket: the documented query rate of a DNS budget (src/model/dns-pacing.ts), shared by
// every way of asking that spends it. Tokens are taken at the moment a datagram leaves, never
// earlier: a token taken while the query still waited for a window slot would let a stalled window
// release its backlog as one burst. One bucket per budget id for the whole process: the budget is
// the virtual machine's, not a run's (serve mode runs again and again from one process).

import { performance } from 'node:perf_hooks';
import type { DnsRateBudget } from '../model/dns-pacing.js';

export class RateGate {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(budget: DnsRateBudget, now = performance.now()) {
    this.#perMs = Math.max(budget.perSecond, 0.001) / 1000;
    this.#burst = Math.max(1, budget.burst);
    this.#tokens = this.#burst;
    this.#at = now;
  }

  /** Takes `cost` tokens if the bucket has them now. */
  tryTake(cost = 1, now = performance.now()): boolean {
    this.#refill(now);
    const need = Math.min(cost, this.#burst);
    if (this.#tokens < need) return false;
    this.#tokens -= need;
    return true;
  }

  /** Milliseconds until `cost` tokens are there (0: now). */
  waitMs(cost = 1, now = performance.now()): number {
    this.#refill(now);
    return this.#tokens >= cost ? 0 : (Math.min(cost, this.#burst) - this.#tokens) / this.#perMs;
  }

  #refill(now: number): void {
    if (now <= this.#at) return;
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
  }
}

/** The bucket of each budget id; a budget whose figures change (another plan) gets a fresh one. */
const gates = new Map<string, { budget: DnsRateBudget; gate: RateGate }>();

/** The one bucket of `budget`; undefined when there is no budget (nothing documented: unpaced). */
export function rateGateFor(budget: DnsRateBudget | undefined): RateGate | undefined {
  if (budget === undefined) return undefined;
  const known = gates.get(budget.id);
  if (known !== undefined && known.budget.perSecond === budget.perSecond && known.budget.burst === budget.burst) return known.gate;
  const gate = new RateGate(budget);
  gates.set(budget.id, { budget, gate });
  return gate;
}
