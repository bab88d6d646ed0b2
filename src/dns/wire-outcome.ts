// What one question to one DNS server came to (a response, or why none), and how silence is worded.
// Its own file because both the query (wire-query.ts) and the summary of the A and AAAA outcomes
// (direct-answer.ts) need it, and neither may import the other.

import type { DnsResponse, IgnoredCounts } from './transport.js';

/** Record types amlprobe asks for: A/AAAA for names, NS for the pre-flight probe of a server. */
export type WireQueryType = 'A' | 'AAAA' | 'NS';

/**
 * Why a query produced no usable response. 'tcp_blocked': the UDP answer was truncated and the
 * retry over TCP got nothing (silence, refused, reset): the path to TCP 53 is the broken part.
 */
export type WireFailure = 'timeout' | 'aborted' | 'unreachable' | 'no_route' | 'local' | 'invalid' | 'error' | 'tcp_blocked';

/** The outcome of one question to one server: a matching response (any rcode), or a failure. */
export type WireOutcome =
  | { ok: true; server: string; type: WireQueryType; transport: 'udp' | 'tcp'; rcode: string; packet: DnsResponse; ignored: IgnoredCounts; ms: number }
  | {
      ok: false;
      server: string;
      type: WireQueryType;
      transport: 'udp' | 'tcp';
      failure: WireFailure;
      message: string;
      ignored: IgnoredCounts;
      ms: number;
      timeoutMs: number;
    };

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "(1 response with a wrong id ignored)", or '' when nothing was ignored. */
export function describeIgnored(ignored: IgnoredCounts): string {
  const parts = [
    ignored.wrongId > 0 ? plural(ignored.wrongId, 'response with a wrong id', 'responses with a wrong id') : '',
    ignored.wrongQuestion > 0 ? plural(ignored.wrongQuestion, 'response for another question', 'responses for another question') : '',
    ignored.notDns > 0 ? plural(ignored.notDns, 'packet that is not a DNS response', 'packets that are not DNS responses') : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? '' : ` (${parts.join(', ')} ignored)`;
}

/**
 * The message for a query that ran out of time: plain silence, or (when packets that are not DNS
 * came) "sent no valid DNS answer". Shared with summarizeDirect, which merges the A and AAAA counts.
 */
export function silenceMessage(label: string, transport: 'udp' | 'tcp', timeoutMs: number, ignored: IgnoredCounts): string {
  const via = transport === 'tcp' ? ' over TCP (the UDP answer was truncated)' : '';
  return ignored.notDns > 0
    ? `${label} sent no valid DNS answer${via} within ${timeoutMs} ms${describeIgnored(ignored)}`
    : `no answer from ${label}${via} within ${timeoutMs} ms${describeIgnored(ignored)}`;
}

/** Total of ignored packets. */
export function countIgnored(ignored: IgnoredCounts): number {
  return ignored.wrongId + ignored.wrongQuestion + ignored.notDns;
}
