// A DNS server playing the Azure-provided resolver's documented per-VM limits: at most 1,000
// queries in any one second and at most 200 pending (received, not yet answered); queries beyond
// either are dropped, as Microsoft documents ("DNS queries exceeding these limits are dropped").
// It answers every query it keeps with an address, `delayMs` later, and counts what it saw.

import { response, startHostileDns, type HostileDns } from './hostile-dns.js';

export interface LimitedDns extends HostileDns {
  /** Queries received (dropped ones too). */
  received(): number;
  /** Queries dropped for exceeding a limit. */
  dropped(): number;
  /** The most queries received in any one sliding second. */
  maxPerSecond(): number;
  /** The most queries pending at once. */
  maxPending(): number;
}

export async function startLimitedDns(limits: { perSecond: number; pending: number }, delayMs = 10): Promise<LimitedDns> {
  const arrivals: number[] = [];
  let head = 0;
  let received = 0;
  let dropped = 0;
  let pending = 0;
  let maxPerSecond = 0;
  let maxPending = 0;
  const peer = await startHostileDns({
    udp: (query, send) => {
      const now = performance.now();
      received++;
      arrivals.push(now);
      while (arrivals[head]! <= now - 1000) head++;
      const inSecond = arrivals.length - head;
      maxPerSecond = Math.max(maxPerSecond, inSecond);
      if (inSecond > limits.perSecond || pending >= limits.pending) {
        dropped++;
        return;
      }
      pending++;
      maxPending = Math.max(maxPending, pending);
      setTimeout(() => {
        pending--;
        send(response(query, { answers: query.type === 'A' ? [{ type: 'A', name: query.name, ttl: 60, data: '10.1.2.3' }] : [] }));
      }, delayMs);
    },
  });
  return {
    ...peer,
    received: () => received,
    dropped: () => dropped,
    maxPerSecond: () => maxPerSecond,
    maxPending: () => maxPending,
  };
}
