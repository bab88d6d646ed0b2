// Direct DNS queries to one server, bypassing the system resolver: the "direct view". This is
// how amlprobe sees what a given DNS server (custom DNS, Azure DNS 168.63.129.16, a forwarder)
// really answers, rcode and CNAME chain included, which getaddrinfo hides.

import { performance } from 'node:perf_hooks';
import { QueryDeadline } from './query-deadline.js';
import { exchangeTcp, type ExchangeResult, type IgnoredCounts } from './transport.js';
import { exchangeUdp } from './udp-exchange.js';
import { formatDnsServer, parseDnsServer, type DnsServerAddress } from './server-address.js';
import { summarizeDirect } from './direct-answer.js';
import type { DirectAnswer } from '../model/evidence.js';
import { describeIgnored, silenceMessage, type WireFailure, type WireOutcome, type WireQueryType } from './wire-outcome.js';

/** TCP failures before the connection, after a truncated UDP answer: the TCP path is closed, not the server broken. */
const TCP_BLOCKED: ReadonlySet<WireFailure> = new Set<WireFailure>(['timeout', 'unreachable', 'error', 'no_route']);

/**
 * Asks one server one question over UDP, retrying over TCP when the answer is truncated (TC bit).
 * `timeoutMs` bounds both transports together; `signal` aborts early. Never rejects.
 */
export async function queryServer(
  server: string | DnsServerAddress,
  name: string,
  type: WireQueryType,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WireOutcome> {
  const started = performance.now();
  const ignored: IgnoredCounts = { wrongId: 0, wrongQuestion: 0, notDns: 0 };
  const elapsed = (): number => Math.round(performance.now() - started);
  let target: DnsServerAddress;
  try {
    // The run's servers come parsed (src/dns/parsed-settings.ts); text is a pre-flight's or a test's.
    target = typeof server === 'string' ? parseDnsServer(server) : server;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, server: server as string, type, transport: 'udp', failure: 'error', message, ignored, ms: elapsed(), timeoutMs };
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
  if (transport === 'tcp' && result.beforeConnect === true && TCP_BLOCKED.has(result.failure)) {
    // The server answered over UDP, so it is there: what failed is the way to its TCP port.
    failure = 'tcp_blocked';
    const what = result.failure === 'timeout' ? `no TCP connection within ${timeoutMs} ms` : result.message;
    message = `${label} truncated its UDP answer to the ${type} query and the retry over TCP got no answer (${what}): TCP port ${target.port} to the DNS server is blocked`;
  } else if (result.failure === 'timeout') {
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
export async function queryDirect(server: string | DnsServerAddress, name: string, timeoutMs: number, signal: AbortSignal): Promise<DirectAnswer> {
  const started = performance.now();
  const [a, aaaa] = await Promise.all([
    queryServer(server, name, 'A', timeoutMs, signal),
    queryServer(server, name, 'AAAA', timeoutMs, signal),
  ]);
  return summarizeDirect(name, a, aaaa, Math.round(performance.now() - started));
}
