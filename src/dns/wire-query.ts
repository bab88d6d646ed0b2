// Direct DNS queries to one server, bypassing the system resolver: the "direct view". This is
// how amlprobe sees what a given DNS server (custom DNS, Azure DNS 168.63.129.16, a forwarder)
// really answers, rcode and CNAME chain included, which getaddrinfo hides.
//
// Inside, a query reports to an object (a sink) and the promise is made once at the top: a run of
// 10,000 names keeps 20,000 queries in flight at once, most of them waiting for their turn, and
// the async frames, promises and then the closures of each step were most of the memory a query
// held while it waited (issue 15: 2.1 KB per name in flight with closures, 9 of them per name).

import { performance } from 'node:perf_hooks';
import type { DnsPacing } from '../model/dns-pacing.js';
import { QueryDeadline } from './query-deadline.js';
import { exchangeTcp, type ExchangeResult, type IgnoredCounts } from './transport.js';
import { exchangeUdp, type ExchangeSink } from './udp-exchange.js';
import { formatDnsServer, parseDnsServer, type DnsServerAddress } from './server-address.js';
import { summarizeDirect } from './direct-answer.js';
import type { DirectAnswer } from '../model/evidence.js';
import { describeIgnored, silenceMessage, type WireFailure, type WireOutcome, type WireQueryType } from './wire-outcome.js';

/** TCP failures before the connection, after a truncated UDP answer: the TCP path is closed, not the server broken. */
const TCP_BLOCKED: ReadonlySet<WireFailure> = new Set<WireFailure>(['timeout', 'unreachable', 'error', 'no_route']);

/** Told once what a question came to (askServer's callback, as an object that holds its own state). */
export interface WireSink {
  wireDone(outcome: WireOutcome): void;
}

/** Tells `done`, a callback or a sink, what the question came to. */
function tell(done: WireSink | ((outcome: WireOutcome) => void), outcome: WireOutcome): void {
  if (typeof done === 'function') done(outcome);
  else done.wireDone(outcome);
}

/** One question to one server, from its first datagram to its outcome. */
class WireQuery implements ExchangeSink {
  readonly #started = performance.now();
  readonly #ignored: IgnoredCounts = { wrongId: 0, wrongQuestion: 0, notDns: 0 };
  readonly #target: DnsServerAddress;
  readonly #name: string;
  readonly #type: WireQueryType;
  readonly #timeoutMs: number;
  readonly #deadline: QueryDeadline;
  readonly #done: WireSink | ((outcome: WireOutcome) => void);

  constructor(
    target: DnsServerAddress,
    name: string,
    type: WireQueryType,
    timeoutMs: number,
    signal: AbortSignal,
    done: WireSink | ((outcome: WireOutcome) => void),
    pacing: DnsPacing | undefined,
  ) {
    this.#target = target;
    this.#name = name;
    this.#type = type;
    this.#timeoutMs = timeoutMs;
    this.#done = done;
    this.#deadline = new QueryDeadline(timeoutMs, signal);
    exchangeUdp(target, { name, type }, this.#deadline, timeoutMs, this.#ignored, this, pacing);
  }

  /** The UDP exchange ended (ExchangeSink). */
  exchanged(result: ExchangeResult): void {
    this.#afterUdp(result);
  }

  #elapsed(): number {
    return Math.round(performance.now() - this.#started);
  }

  #afterUdp(result: ExchangeResult): void {
    if (result.kind === 'answer' && result.packet.flag_tc) {
      // RFC 7766: a truncated UDP answer must be retried over TCP to get the full answer.
      exchangeTcp(this.#target, { name: this.#name, type: this.#type }, this.#deadline, this.#ignored).then(
        (tcp) => this.#end(tcp, 'tcp'),
        (error: unknown) => this.#end({ kind: 'fail', failure: 'error', message: error instanceof Error ? error.message : String(error) }, 'tcp'),
      );
    } else this.#end(result, 'udp');
  }

  #end(result: ExchangeResult, transport: 'udp' | 'tcp'): void {
    this.#deadline.dispose();
    const ignored = this.#ignored;
    const timeoutMs = this.#timeoutMs;
    const type = this.#type;
    const label = formatDnsServer(this.#target);
    if (result.kind === 'answer') {
      tell(this.#done, { ok: true, server: label, type, transport, rcode: result.packet.rcode, packet: result.packet, ignored, ms: this.#elapsed() });
      return;
    }
    let failure: WireFailure = result.failure;
    let message = result.message;
    if (transport === 'tcp' && result.beforeConnect === true && TCP_BLOCKED.has(result.failure)) {
      // The server answered over UDP, so it is there: what failed is the way to its TCP port.
      failure = 'tcp_blocked';
      const what = result.failure === 'timeout' ? `no TCP connection within ${timeoutMs} ms` : result.message;
      message = `${label} truncated its UDP answer to the ${type} query and the retry over TCP got no answer (${what}): TCP port ${this.#target.port} to the DNS server is blocked`;
    } else if (result.failure === 'timeout') {
      // Silence after junk is not silence: the peer is there but does not speak DNS.
      failure = ignored.notDns > 0 ? 'invalid' : 'timeout';
      message = silenceMessage(label, transport, timeoutMs, ignored);
    } else if (result.failure === 'aborted') {
      const via = transport === 'tcp' ? ' over TCP' : '';
      message = `query to ${label}${via} aborted after ${this.#elapsed()} ms${describeIgnored(ignored)}`;
    }
    tell(this.#done, { ok: false, server: label, type, transport, failure, message, ignored, ms: this.#elapsed(), timeoutMs });
  }

}

/**
 * Asks one server one question over UDP, retrying over TCP when the answer is truncated (TC bit),
 * and calls `done` once with the outcome; never throws. `timeoutMs` bounds both transports
 * together; `signal` aborts early; `pacing` is the plan's for this server (none: the fixed window).
 */
export function askServer(
  server: string | DnsServerAddress,
  name: string,
  type: WireQueryType,
  timeoutMs: number,
  signal: AbortSignal,
  done: WireSink | ((outcome: WireOutcome) => void),
  pacing?: DnsPacing,
): void {
  let target: DnsServerAddress;
  try {
    // The run's servers come parsed (src/dns/parsed-settings.ts); text is a pre-flight's or a test's.
    target = typeof server === 'string' ? parseDnsServer(server) : server;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const ignored: IgnoredCounts = { wrongId: 0, wrongQuestion: 0, notDns: 0 };
    tell(done, { ok: false, server: server as string, type, transport: 'udp', failure: 'error', message, ignored, ms: 0, timeoutMs });
    return;
  }
  new WireQuery(target, name, type, timeoutMs, signal, done, pacing);
}

/** askServer as a promise. Never rejects. */
export function queryServer(
  server: string | DnsServerAddress,
  name: string,
  type: WireQueryType,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WireOutcome> {
  return new Promise((resolve) => askServer(server, name, type, timeoutMs, signal, resolve));
}

/** Told once what one server said about a name (lookupDirect); `index` is the caller's, handed back. */
export interface DirectSink {
  directAnswered(answer: DirectAnswer, index: number): void;
  /** An amlprobe bug while summing the answers up. */
  directFailed(error: unknown, index: number): void;
}

/** A name asked of one server: its A and AAAA outcomes until both are in, then their sum. */
class DirectLookup implements WireSink {
  readonly #started = performance.now();
  readonly #name: string;
  readonly #sink: DirectSink;
  readonly #index: number;
  #a: WireOutcome | undefined;
  #aaaa: WireOutcome | undefined;

  constructor(name: string, sink: DirectSink, index: number) {
    this.#name = name;
    this.#sink = sink;
    this.#index = index;
  }

  wireDone(outcome: WireOutcome): void {
    if (outcome.type === 'A') this.#a = outcome;
    else this.#aaaa = outcome;
    const a = this.#a;
    const aaaa = this.#aaaa;
    if (a === undefined || aaaa === undefined) return;
    let answer: DirectAnswer;
    try {
      answer = summarizeDirect(this.#name, a, aaaa, Math.round(performance.now() - this.#started));
    } catch (error) {
      return this.#sink.directFailed(error, this.#index);
    }
    this.#sink.directAnswered(answer, this.#index);
  }
}

/**
 * Asks one server for A and AAAA in parallel, follows the CNAME chain in the answers and sums the
 * two up as one DirectAnswer (see summarizeDirect for how disagreeing answers combine); tells
 * `sink` once, never throws.
 */
export function lookupDirect(
  server: string | DnsServerAddress,
  name: string,
  timeoutMs: number,
  signal: AbortSignal,
  sink: DirectSink,
  index: number,
  pacing?: DnsPacing,
): void {
  const lookup = new DirectLookup(name, sink, index);
  askServer(server, name, 'A', timeoutMs, signal, lookup, pacing);
  askServer(server, name, 'AAAA', timeoutMs, signal, lookup, pacing);
}

/** lookupDirect with callbacks: `done` once (`failed` instead on an amlprobe bug). */
export function askDirect(
  server: string | DnsServerAddress,
  name: string,
  timeoutMs: number,
  signal: AbortSignal,
  done: (answer: DirectAnswer) => void,
  failed: (error: unknown) => void,
): void {
  lookupDirect(server, name, timeoutMs, signal, { directAnswered: done, directFailed: failed }, 0);
}

/** askDirect as a promise. */
export function queryDirect(server: string | DnsServerAddress, name: string, timeoutMs: number, signal: AbortSignal): Promise<DirectAnswer> {
  return new Promise((resolve, reject) => askDirect(server, name, timeoutMs, signal, resolve, reject));
}
