// A DNS server playing the Azure-provided resolver's documented per-VM limits: at most 1,000
// queries in any one second and at most 200 pending (received, not yet answered); queries beyond
// either are dropped, as Microsoft documents ("DNS queries exceeding these limits are dropped").
// It answers every query it keeps with an address, `delayMs` later, and counts what it saw.
// Servers made with one VmBudget count against it together, as a loopback stub forwarding to
// Azure DNS spends the same VM's budget as queries sent to Azure DNS directly.

import { response, startHostileDns, type HostileDns } from './hostile-dns.js';

/** The limits of one VM and what the servers sharing them saw. */
export class VmBudget {
  readonly #arrivals: number[] = [];
  #head = 0;
  #pending = 0;
  received = 0;
  dropped = 0;
  maxPerSecond = 0;
  maxPending = 0;

  constructor(readonly limits: { perSecond: number; pending: number }) {}

  /** A query arrived: true when it is kept (within the limits), false when it is dropped. */
  admit(now = performance.now()): boolean {
    this.received++;
    this.#arrivals.push(now);
    while (this.#arrivals[this.#head]! <= now - 1000) this.#head++;
    const inSecond = this.#arrivals.length - this.#head;
    this.maxPerSecond = Math.max(this.maxPerSecond, inSecond);
    if (inSecond > this.limits.perSecond || this.#pending >= this.limits.pending) {
      this.dropped++;
      return false;
    }
    this.#pending++;
    this.maxPending = Math.max(this.maxPending, this.#pending);
    return true;
  }

  answered(): void {
    this.#pending--;
  }
}

export interface LimitedDns extends HostileDns {
  readonly budget: VmBudget;
}

/** A server under `budget` (a fresh one of `limits` when given limits). */
export async function startLimitedDns(budget: VmBudget | { perSecond: number; pending: number }, delayMs = 10): Promise<LimitedDns> {
  const vm = budget instanceof VmBudget ? budget : new VmBudget(budget);
  const peer = await startHostileDns({
    udp: (query, send) => {
      if (!vm.admit()) return;
      setTimeout(() => {
        vm.answered();
        send(response(query, { answers: query.type === 'A' ? [{ type: 'A', name: query.name, ttl: 60, data: '10.1.2.3' }] : [] }));
      }, delayMs);
    },
  });
  return { ...peer, budget: vm };
}
