// How fast amlprobe may ask a DNS server, decided by the plan (src/plan/dns-pacing.ts) and obeyed
// by the DNS layer (src/dns/udp-slots.ts, src/dns/rate-gate.ts). Data only: the plan says it once,
// before the first packet; nothing downstream re-decides it.

/**
 * A documented query budget that several ways of asking spend together: the per-VM limit of the
 * Azure-provided DNS resolver is spent by queries to 168.63.129.16, by a loopback stub that forwards
 * to it, and by getaddrinfo through that stub. One token bucket per `id`, shared by all of them.
 */
export interface DnsRateBudget {
  /** The bucket's name: every spender naming it draws from one bucket. */
  id: string;
  /** Tokens (queries) added per second. */
  perSecond: number;
  /** Tokens the bucket holds at most: the largest burst. */
  burst: number;
}

/** How queries to one DNS server are paced. */
export interface DnsPacing {
  /** At most this many UDP queries sent and unanswered at once; the rest wait their turn. */
  window: number;
  /** Where a documented rate applies: each datagram sent (a retransmission too) spends one token. */
  budget?: DnsRateBudget;
}

/** How the system resolver's lookups (getaddrinfo) are paced, where they spend a documented budget. */
export interface SystemLookupPacing {
  budget: DnsRateBudget;
  /** Tokens one lookup spends: glibc asks A and AAAA for each getaddrinfo call. */
  queriesPerLookup: number;
}

/**
 * The in-flight window for a DNS server without a documented limit (and for a query asked outside
 * a plan). Why: the engine starts hundreds of endpoints at once, two queries each, and a DNS
 * server's socket buffer (about 200 datagrams for dnsmasq with Linux defaults) overflows in that
 * first burst; each lost datagram then costs a whole retransmission gap (measured in
 * docs/benchmarks.md case 4: 1,000 names took 0.65 s of engine time, 500 ms of it waiting to
 * retransmit ~200 dropped queries). Answers free slots within a round trip, so a fast server is
 * barely slowed, and a slow one sees the same load a stub resolver farm would. No rate: nothing
 * documented bounds such a server, and the bench's dnsmasq must not be slowed.
 */
export const FIXED_DNS_WINDOW = 100;
