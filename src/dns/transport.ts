// One DNS message exchange over UDP or TCP with one server. Like real stub resolvers (glibc
// res_send, c-ares), a packet that is not the answer to our question is dropped and we keep
// listening until the deadline: a stray or spoofed datagram must neither end the query nor be
// believed. Every exit path closes the socket and detaches from the deadline.

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';
import type { DnsServerAddress } from './server-address.js';
import { formatDnsServer } from './server-address.js';
import { onAbort, strikeAfterPendingIo } from '../abort.js';

/** The question a response must echo back. */
export interface ExpectedQuestion {
  id: number;
  name: string;
  type: string;
}

/** Packets dropped because they did not answer our question, by cause. */
export interface IgnoredCounts {
  wrongId: number;
  wrongQuestion: number;
  /** Undecodable bytes, or a decodable message that is not a response (an echo of our query). */
  notDns: number;
}

/** A decoded response with its rcode (dns-packet decodes it; its type declarations omit it). */
export type DnsResponse = DecodedPacket & { rcode: string };

/** How an exchange ended. */
export type ExchangeResult =
  | { kind: 'answer'; packet: DnsResponse }
  | { kind: 'fail'; failure: 'timeout' | 'aborted' | 'unreachable' | 'error'; message: string };

/** The query's time limit and the caller's signal, folded into one signal the transports watch. */
export interface Deadline {
  signal: AbortSignal;
  /** Why the signal fired: our own time limit, or the caller's abort (layer timeout, run deadline). */
  cause: () => 'timeout' | 'aborted';
}

/** Builds a Deadline; call the returned dispose() when done so no timer or listener outlives the query. */
export function createDeadline(timeoutMs: number, outer: AbortSignal): Deadline & { dispose: () => void } {
  const controller = new AbortController();
  let cause: 'timeout' | 'aborted' = 'timeout';
  const onOuterAbort = (): void => {
    cause = 'aborted';
    controller.abort();
  };
  let immediate: NodeJS.Immediate | undefined;
  // After pending I/O: an answer already in the socket must win over a timer that ran late.
  const timer = setTimeout(() => {
    immediate = strikeAfterPendingIo(() => controller.abort());
  }, Math.max(0, timeoutMs));
  // onAbort, not addEventListener: `outer` is often the run signal, watched by every query at once.
  const detach = onAbort(outer, onOuterAbort);
  return {
    signal: controller.signal,
    cause: () => cause,
    dispose: () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      detach();
    },
  };
}

const normalizeName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Decides whether a packet answers the expected question; counts it in `ignored` when not. */
export function matchResponse(message: Buffer, expected: ExpectedQuestion, ignored: IgnoredCounts): DnsResponse | null {
  let packet: DnsResponse;
  try {
    packet = dnsPacket.decode(message) as DnsResponse;
  } catch {
    ignored.notDns++;
    return null;
  }
  if (!packet.flag_qr) {
    ignored.notDns++;
    return null;
  }
  if (packet.id !== expected.id) {
    ignored.wrongId++;
    return null;
  }
  const questions = packet.questions ?? [];
  // Error answers (FORMERR above all) may legitimately omit the question section (RFC 6891 6.1.3
  // pre-EDNS servers, glibc accepts them too); a NOERROR answer must echo our question.
  if (questions.length === 0 && packet.rcode !== 'NOERROR') return packet;
  const question = questions[0];
  const same =
    questions.length === 1 &&
    question !== undefined &&
    normalizeName(question.name) === normalizeName(expected.name) &&
    question.type === expected.type &&
    (question.class ?? 'IN') === 'IN';
  if (!same) {
    ignored.wrongQuestion++;
    return null;
  }
  return packet;
}

function abortResult(deadline: Deadline, server: string, transport: string): ExchangeResult {
  const failure = deadline.cause();
  return failure === 'timeout'
    ? { kind: 'fail', failure, message: `no answer from ${server} over ${transport}` }
    : { kind: 'fail', failure, message: `query to ${server} over ${transport} aborted` };
}

/**
 * A UDP query with no answer yet is sent again (same id, same socket) after this long, then after
 * twice as long, and so on until the deadline, as stub resolvers do (glibc, c-ares, dig). A lost
 * datagram then costs this gap instead of the whole timeout, and is not misreported as a DNS
 * timeout: a DNS server's socket overflows when thousands of endpoints ask at once (measured in
 * docs/benchmarks.md: hundreds of false dns_timeout verdicts in a 5,000-endpoint run without it).
 */
export const UDP_RETRANSMIT_MS = 500;

/**
 * At most this many UDP queries are in flight to one server at a time; the rest wait their turn
 * (their deadline keeps running). Why: the engine starts hundreds of endpoints at once, two queries
 * each, and a DNS server's socket buffer (about 200 datagrams for dnsmasq with Linux defaults)
 * overflows in that first burst; each lost datagram then costs a whole retransmission gap (measured
 * in docs/benchmarks.md case 4: 1,000 names took 0.65 s of engine time, 500 ms of it waiting to
 * retransmit ~200 dropped queries). Answers free slots within a round trip, so a fast server is
 * barely slowed, and a slow one sees the same load a stub resolver farm would.
 */
export const UDP_IN_FLIGHT_PER_SERVER = 100;

/** In-flight count and waiting queries, per server ("ip:port"). */
const udpSlots = new Map<string, { active: number; waiting: (() => void)[] }>();

/**
 * Waits for a free UDP slot to `server`; resolves with a release function (call it exactly once),
 * or with undefined when `signal` aborts first.
 */
function acquireUdpSlot(server: string, signal: AbortSignal): Promise<(() => void) | undefined> {
  let slots = udpSlots.get(server);
  if (slots === undefined) {
    slots = { active: 0, waiting: [] };
    udpSlots.set(server, slots);
  }
  const state = slots;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    const next = state.waiting.shift();
    if (next !== undefined) next();
    else if (--state.active === 0) udpSlots.delete(server);
  };
  if (state.active < UDP_IN_FLIGHT_PER_SERVER) {
    state.active++;
    return Promise.resolve(release);
  }
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    // Handing over a slot keeps `active` unchanged: the releaser's slot becomes ours.
    const grant = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(release);
    };
    const onAbort = (): void => {
      const index = state.waiting.indexOf(grant);
      if (index >= 0) state.waiting.splice(index, 1);
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    state.waiting.push(grant);
  });
}

/** Sends one query datagram on a fresh connected UDP socket (again while unanswered) and waits for the matching answer. */
export function exchangeUdp(
  target: DnsServerAddress,
  query: Packet,
  expected: ExpectedQuestion,
  deadline: Deadline,
  ignored: IgnoredCounts,
): Promise<ExchangeResult> {
  const server = formatDnsServer(target);
  return acquireUdpSlot(server, deadline.signal).then((release) => {
    if (release === undefined) return abortResult(deadline, server, 'UDP');
    return sendUdp(target, server, query, expected, deadline, ignored).finally(release);
  });
}

function sendUdp(
  target: DnsServerAddress,
  server: string,
  query: Packet,
  expected: ExpectedQuestion,
  deadline: Deadline,
  ignored: IgnoredCounts,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    if (deadline.signal.aborted) return resolve(abortResult(deadline, server, 'UDP'));
    // connect() makes the kernel drop datagrams from other sources and, on Linux, report an ICMP
    // port unreachable as ECONNREFUSED: the difference between "nothing listens" and "silence".
    const socket = dgram.createSocket(target.family === 6 ? 'udp6' : 'udp4');
    let settled = false;
    let retransmit: NodeJS.Timeout | undefined;
    const finish = (result: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(retransmit);
      deadline.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    const onAbort = (): void => finish(abortResult(deadline, server, 'UDP'));
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        const message = `${server} is unreachable: UDP port unreachable (ICMP), no DNS server listens there`;
        finish({ kind: 'fail', failure: 'unreachable', message });
      } else {
        finish({ kind: 'fail', failure: 'error', message: `UDP query to ${server} failed: ${error.code ?? error.message}` });
      }
    });
    socket.on('message', (message: Buffer) => {
      const packet = matchResponse(message, expected, ignored);
      if (packet !== null) finish({ kind: 'answer', packet });
    });
    const payload = dnsPacket.encode(query);
    let gap = UDP_RETRANSMIT_MS;
    const transmit = (): void => {
      socket.send(payload);
      retransmit = setTimeout(() => {
        gap *= 2;
        transmit();
      }, gap);
    };
    socket.once('connect', transmit);
    socket.connect(target.port, target.host);
  });
}

/** Sends one length-prefixed query on a fresh TCP connection (RFC 1035 4.2.2, RFC 7766) and waits for the answer. */
export function exchangeTcp(
  target: DnsServerAddress,
  query: Packet,
  expected: ExpectedQuestion,
  deadline: Deadline,
  ignored: IgnoredCounts,
): Promise<ExchangeResult> {
  const server = formatDnsServer(target);
  return new Promise((resolve) => {
    if (deadline.signal.aborted) return resolve(abortResult(deadline, server, 'TCP'));
    const socket = net.connect({ host: target.host, port: target.port });
    let settled = false;
    let buffered = Buffer.alloc(0);
    const finish = (result: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      deadline.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish(abortResult(deadline, server, 'TCP'));
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message);
      finish({ kind: 'fail', failure: error.code === 'ECONNREFUSED' ? 'unreachable' : 'error', message: `TCP query to ${server} failed: ${why}` });
    });
    socket.on('close', () => {
      finish({ kind: 'fail', failure: 'error', message: `${server} closed the TCP connection without a valid answer` });
    });
    socket.on('connect', () => socket.write(dnsPacket.streamEncode(query)));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      // A server may send several messages on one connection; judge each complete one.
      while (!settled && buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        const packet = matchResponse(message, expected, ignored);
        if (packet !== null) finish({ kind: 'answer', packet });
      }
    });
  });
}
