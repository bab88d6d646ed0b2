// Direct DNS queries to one server, bypassing the system resolver: the "direct view". This is
// how amlprobe sees what a given DNS server (custom DNS, Azure DNS 168.63.129.16, a forwarder)
// really answers, rcode and CNAME chain included, which getaddrinfo hides.

import { performance } from 'node:perf_hooks';
import { QueryDeadline } from './query-deadline.js';
import { exchangeTcp, type DnsResponse, type ExchangeResult, type IgnoredCounts } from './transport.js';
import { exchangeUdp } from './udp-channel.js';
import { formatDnsServer, parseDnsServerOnce } from './server-address.js';
import { summarizeDirect } from './direct-answer.js';
import type { DirectAnswer } from '../model/evidence.js';

/** Record types amlprobe asks for: A/AAAA for names, NS for the pre-flight probe of a server. */
export type WireQueryType = 'A' | 'AAAA' | 'NS';

/** Why a query produced no usable response. */
export type WireFailure = 'timeout' | 'aborted' | 'unreachable' | 'no_route' | 'local' | 'invalid' | 'error';

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

/**
 * Asks one server one question over UDP, retrying over TCP when the answer is truncated (TC bit).
 * `timeoutMs` bounds both transports together; `signal` aborts early. Never rejects.
 */
export async function queryServer(
  server: string,
  name: string,
  type: WireQueryType,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WireOutcome> {
  const started = performance.now();
  const ignored: IgnoredCounts = { wrongId: 0, wrongQuestion: 0, notDns: 0 };
  const elapsed = (): number => Math.round(performance.now() - started);
  let target;
  try {
    target = parseDnsServerOnce(server);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, server, type, transport: 'udp', failure: 'error', message, ignored, ms: elapsed(), timeoutMs };
  }
  const label = formatDnsServer(target);
  const deadline = new QueryDeadline(timeoutMs, signal);
  let transport: 'udp' | 'tcp' = 'udp';
  let result: ExchangeResult;
  try {
    result = await exchangeUdp(target, { name, type }, deadline, timeoutMs, ignored);
    if (result.kind === 'answer' && result.packet.flag_tc) {
      // RFC 7766: a truncated UDP answer must be retried over TCP to get the full answer.
      transport = 'tcp';
      result = await exchangeTcp(target, { name, type }, deadline, ignored);
    }
  } finally {
    deadline.dispose();
  }
  if (result.kind === 'answer') {
    return { ok: true, server: label, type, transport, rcode: result.packet.rcode, packet: result.packet, ignored, ms: elapsed() };
  }
  let failure: WireFailure = result.failure;
  let message = result.message;
  if (result.failure === 'timeout') {
    // Silence after junk is not silence: the peer is there but does not speak DNS.
    failure = ignored.notDns > 0 ? 'invalid' : 'timeout';
    message = silenceMessage(label, transport, timeoutMs, ignored);
  } else if (result.failure === 'aborted') {
    const via = transport === 'tcp' ? ' over TCP' : '';
    message = `query to ${label}${via} aborted after ${elapsed()} ms${describeIgnored(ignored)}`;
  }
  return { ok: false, server: label, type, transport, failure, message, ignored, ms: elapsed(), timeoutMs };
}

/**
 * Asks one server for A and AAAA in parallel, follows the CNAME chain in the answers and sums the
 * two up as one DirectAnswer (see summarizeDirect for how disagreeing answers combine). Never rejects.
 */
export async function queryDirect(server: string, name: string, timeoutMs: number, signal: AbortSignal): Promise<DirectAnswer> {
  const started = performance.now();
  const [a, aaaa] = await Promise.all([
    queryServer(server, name, 'A', timeoutMs, signal),
    queryServer(server, name, 'AAAA', timeoutMs, signal),
  ]);
  return summarizeDirect(name, a, aaaa, Math.round(performance.now() - started));
}
