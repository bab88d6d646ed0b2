// Turns the A and AAAA outcomes from one server into one DirectAnswer: CNAME chain, addresses,
// and one reason code with a sentence a network admin can act on.

import { isIP } from 'node:net';
import type { Reason } from '../model/reason.js';
import type { DirectAnswer, DnsRecord } from '../model/evidence.js';
import type { WireFailure, WireOutcome } from './wire-outcome.js';
import { countIgnored, silenceMessage } from './wire-outcome.js';

/** CNAME loops and absurd chains stop here; resolvers give up far earlier in practice. */
const MAX_CNAME_HOPS = 16;

/**
 * Address records kept per query. An answer is untrusted: a hostile or broken server can send
 * thousands in one TCP message, and each would be kept in the report and, with --all-addresses,
 * probed. Real names have a handful (Azure private endpoints one per NIC).
 */
export const MAX_ADDRESSES_PER_QUERY = 32;

/** Addresses listed in one message; the rest are counted. */
const LISTED_ADDRESSES = 8;

/** "10.0.0.1, 10.0.0.2 and 40 more": a message stays short whatever the server sent. */
function listData(records: readonly DnsRecord[], dropped = 0): string {
  // One address is the usual answer: its text as it is, without the arrays of the general case.
  if (records.length === 1 && dropped === 0) return records[0]!.data;
  const shown = records.slice(0, LISTED_ADDRESSES).map((r) => r.data).join(', ');
  const more = records.length - Math.min(records.length, LISTED_ADDRESSES) + dropped;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** One name in any case, with or without its final dot. */
const bareName = (name: string): string => {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
};

// Answers almost always repeat the name exactly as asked: comparing as-is first saves two strings
// per record (10,000 names make 20,000 answers).
const sameName = (a: string, b: string): boolean => a === b || bareName(a) === bareName(b);

/**
 * What one of the two queries (A or AAAA) said. Its sentence is made only when the summary tells
 * it (messageOf): in the usual answer (addresses for A, none for AAAA) neither query's own
 * sentence is told, and making both was most of what summing up a name allocated (issue 15).
 */
interface TypeView {
  outcome: WireOutcome;
  reason: Reason;
  rcode: string | null;
  cname: DnsRecord[];
  finalName: string;
  addresses: DnsRecord[];
  /** Address records beyond MAX_ADDRESSES_PER_QUERY, counted, not kept. */
  dropped: number;
}

/** Follows CNAMEs from `name` through the answer section, in order, guarding against loops. */
export function followCnameChain(name: string, answers: readonly { type: string; name: string; ttl?: number; data?: unknown }[]): {
  chain: DnsRecord[];
  finalName: string;
} {
  const chain: DnsRecord[] = [];
  let current = name;
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    const next = answers.find((r) => r.type === 'CNAME' && sameName(r.name, current) && typeof r.data === 'string');
    if (next === undefined || chain.some((r) => sameName(r.name, next.data as string))) break;
    chain.push({ name: next.name, type: 'CNAME', ttl: next.ttl ?? 0, data: next.data as string });
    current = next.data as string;
  }
  return { chain, finalName: current };
}

const REASON_BY_RCODE: Record<string, Reason> = { NXDOMAIN: 'nxdomain', SERVFAIL: 'servfail', REFUSED: 'dns_refused' };

/**
 * A query without a usable response. 'aborted' is the caller's signal, i.e. the run deadline (a
 * query's own time limit is 'timeout'): amlprobe ran out of time, the server is not to blame.
 */
const FAILURE_REASON: Record<WireFailure, Reason> = {
  timeout: 'dns_timeout',
  aborted: 'deadline',
  no_route: 'dns_unreachable',
  unreachable: 'dns_error',
  local: 'dns_error',
  invalid: 'dns_error',
  error: 'dns_error',
  tcp_blocked: 'dns_tcp_blocked',
};

function viewOf(name: string, outcome: WireOutcome): TypeView {
  if (!outcome.ok) {
    return { outcome, reason: FAILURE_REASON[outcome.failure], rcode: null, cname: [], finalName: name, addresses: [], dropped: 0 };
  }
  const answers = outcome.packet.answers ?? [];
  const { chain, finalName } = followCnameChain(name, answers);
  const { rcode } = outcome;
  const addresses: DnsRecord[] = [];
  let dropped = 0;
  // The rcode decides: records that come with NXDOMAIN, SERVFAIL or REFUSED are no answer (a
  // broken or hostile server), and nothing may connect to them.
  for (const record of rcode === 'NOERROR' ? answers : []) {
    if (record.type === outcome.type && (record.type === 'A' || record.type === 'AAAA') && sameName(record.name, finalName)) {
      // Only what is an address of that family is one: never dial text a decoder made up.
      if (typeof record.data !== 'string' || isIP(record.data) !== (record.type === 'A' ? 4 : 6)) continue;
      if (addresses.length < MAX_ADDRESSES_PER_QUERY) addresses.push({ name: record.name, type: record.type, ttl: record.ttl ?? 0, data: record.data });
      else dropped++;
    }
  }
  const reason = rcode === 'NOERROR' ? (addresses.length > 0 ? 'ok' : 'nodata') : (REASON_BY_RCODE[rcode] ?? 'dns_error');
  return { outcome, reason, rcode, cname: chain, finalName, addresses, dropped };
}

/** The sentence of one query's view (`name` as asked). */
function messageOf(name: string, view: TypeView): string {
  const { outcome, rcode, addresses, dropped, finalName } = view;
  if (!outcome.ok) return outcome.message;
  const server = outcome.server;
  const chainNote = view.cname.length > 0 ? ` (end of the CNAME chain from ${name})` : '';
  if (rcode === 'NOERROR') {
    return addresses.length > 0
      ? `${server} answered ${listData(addresses, dropped)}${dropped > 0 ? ` (only the first ${MAX_ADDRESSES_PER_QUERY} kept)` : ''}`
      : `${server} answered NOERROR with no ${outcome.type} record for ${finalName}${chainNote}`;
  }
  return rcode === 'NXDOMAIN'
    ? `${server} answered NXDOMAIN: ${finalName} does not exist${chainNote}`
    : rcode === 'SERVFAIL'
      ? `${server} answered SERVFAIL for ${finalName}: it could not resolve the name (upstream unreachable, or DNSSEC failure)`
      : rcode === 'REFUSED'
        ? `${server} answered REFUSED: it will not resolve ${name} for this client`
        : `${server} answered ${rcode} to the ${outcome.type} query for ${name}`;
}

/** The answer with its fields in the order reports have always shown them. */
function directAnswer(
  server: string,
  transport: 'udp' | 'tcp',
  cname: DnsRecord[],
  ms: number,
  ignored: number,
  rcode: string | null,
  reason: Reason,
  message: string,
  addresses: DnsRecord[],
): DirectAnswer {
  return ignored > 0
    ? { server, transport, cname, ms, ignoredResponses: ignored, rcode, reason, message, addresses }
    : { server, transport, cname, ms, rcode, reason, message, addresses };
}

/** Which failure to report when neither query gave an answer: what the server said beats what the network did. */
const FAILURE_ORDER: readonly Reason[] = ['servfail', 'dns_refused', 'dns_tcp_blocked', 'dns_error', 'dns_unreachable', 'dns_timeout', 'deadline'];

/**
 * Combines the A and AAAA views. The rules, in order:
 * 1. Any addresses: ok (A records first, then AAAA), noting a failure of the other query.
 * 2. Else a definitive rcode wins over a failure, and NOERROR beats NXDOMAIN: NOERROR proves the
 *    name exists, so "A: NXDOMAIN, AAAA: NOERROR" is a server inconsistency reported as nodata.
 *    Except an empty AAAA answer next to a failed A query: the A failure is the verdict (a
 *    timeout, or TCP 53 blocked after a truncated A answer), never nodata.
 * 3. Else the failure highest in FAILURE_ORDER; when the two differ, both are told.
 */
export function summarizeDirect(name: string, a: WireOutcome, aaaa: WireOutcome, ms: number): DirectAnswer {
  const va = viewOf(name, a);
  const vaaaa = viewOf(name, aaaa);
  const server = a.server;
  const transport = a.transport === 'tcp' || aaaa.transport === 'tcp' ? 'tcp' : 'udp';
  const ignored = countIgnored(a.ignored) + countIgnored(aaaa.ignored);
  const cname = va.cname.length > 0 ? va.cname : vaaaa.cname;
  const label = (v: TypeView): string => v.outcome.type;

  // Each view's list is its own, made above: kept as it is when the other query has none.
  const addresses = vaaaa.addresses.length === 0 ? va.addresses : va.addresses.length === 0 ? vaaaa.addresses : [...va.addresses, ...vaaaa.addresses];
  if (addresses.length > 0) {
    const end = cname.length > 0 ? ` via CNAME ${cname[cname.length - 1]?.data}` : '';
    const other = va.reason !== 'ok' && va.reason !== 'nodata' ? va : vaaaa.reason !== 'ok' && vaaaa.reason !== 'nodata' ? vaaaa : undefined;
    const note = other === undefined ? '' : `; ${label(other)} query failed: ${messageOf(name, other)}`;
    const message = `${server} answered ${listData(addresses)}${end}${note}`;
    return directAnswer(server, transport, cname, ms, ignored, 'NOERROR', 'ok', message, addresses);
  }

  // An empty AAAA answer says nothing about A: when the A query failed (no answer, SERVFAIL, TCP
  // blocked), the verdict is about A.
  const views = [va, vaaaa] as const;
  const aFailed = va.rcode !== 'NOERROR' && va.rcode !== 'NXDOMAIN';
  const definitive = views.filter((v) => (v.rcode === 'NOERROR' && !(aFailed && v === vaaaa)) || v.rcode === 'NXDOMAIN');
  const failed = views.filter((v) => v.rcode !== 'NOERROR' && v.rcode !== 'NXDOMAIN');
  const chosen =
    definitive.find((v) => v.rcode === 'NOERROR') ??
    definitive[0] ??
    [...failed].sort((x, y) => FAILURE_ORDER.indexOf(x.reason) - FAILURE_ORDER.indexOf(y.reason))[0] ??
    va;
  const other = chosen === va ? vaaaa : va;
  let message = messageOf(name, chosen);
  if (!a.ok && !aaaa.ok && a.failure === aaaa.failure && (a.failure === 'timeout' || a.failure === 'invalid')) {
    // Both queries met the same silence: one sentence with the ignored packets of both.
    const sum = {
      wrongId: a.ignored.wrongId + aaaa.ignored.wrongId,
      wrongQuestion: a.ignored.wrongQuestion + aaaa.ignored.wrongQuestion,
      notDns: a.ignored.notDns + aaaa.ignored.notDns,
    };
    message = silenceMessage(server, transport, a.timeoutMs, sum);
  } else if (chosen.reason === 'nodata' && other.reason === 'nodata') {
    message = `${server} answered NOERROR with no A or AAAA record for ${chosen.finalName}${
      chosen.cname.length > 0 ? ` (end of the CNAME chain from ${name})` : ''
    }`;
  } else if (other.reason === 'nxdomain' && chosen.reason === 'nodata') {
    message += `; but NXDOMAIN to the ${label(other)} query: inconsistent server`;
  } else {
    const otherMessage = messageOf(name, other);
    if (otherMessage !== message) message += `; ${label(other)} query: ${otherMessage}`;
  }
  return directAnswer(server, transport, cname, ms, ignored, chosen.rcode, chosen.reason, message, []);
}
