// DNS over UDP: one connected socket (a channel) to a server carries up to QUERIES_PER_SOCKET
// queries, each with its own random id, before a fresh socket (a fresh random source port) takes
// over; a channel closes as soon as its last query ends. Why not a socket per query: a
// 5,000-endpoint run asks 10,000 questions, and creating, binding, connecting and closing 10,000
// sockets was about a sixth of that run's CPU (docs/benchmarks.md). Why not one socket for the
// whole run (c-ares' default): the source port is half of what makes a blind spoofed answer hard
// to land (RFC 5452), so it keeps changing. glibc likewise sends A and AAAA on one socket.
//
// connect() makes the kernel drop datagrams from other sources and, on Linux, report an ICMP port
// unreachable as ECONNREFUSED: the difference between "nothing listens" and "silence".

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { QueryDeadline } from './query-deadline.js';
import { socketFailure } from './socket-failure.js';
import { acquireUdpSlot } from './udp-slots.js';
import { formatDnsServer, type DnsServerAddress } from './server-address.js';
import {
  abortResult,
  buildQuery,
  decodeMessage,
  echoesQuestion,
  type DnsResponse,
  type ExchangeResult,
  type ExpectedQuestion,
  type IgnoredCounts,
  type QueryQuestion,
} from './transport.js';

/**
 * A UDP query with no answer yet is sent again (same id, same socket) after this long, then after
 * twice as long, and so on until the deadline, as stub resolvers do (glibc, c-ares, dig). A lost
 * datagram then costs this gap instead of the whole timeout, and is not misreported as a DNS
 * timeout: a DNS server's socket overflows when thousands of endpoints ask at once (measured in
 * docs/benchmarks.md: hundreds of false dns_timeout verdicts in a 5,000-endpoint run without it).
 */
export const UDP_RETRANSMIT_MS = 500;

/** Queries one socket carries over its life before new queries get a fresh socket (and source port). */
export const QUERIES_PER_SOCKET = 64;

export { UDP_IN_FLIGHT_PER_SERVER } from './udp-slots.js';

const countOf = (ignored: IgnoredCounts): number => ignored.wrongId + ignored.wrongQuestion + ignored.notDns;

/** One query waiting on a channel. */
interface PendingQuery {
  expected: ExpectedQuestion;
  ignored: IgnoredCounts;
  settle: (result: ExchangeResult) => void;
}

/** A registered query: its wire bytes (sent again on retransmission) and how to end it early. */
interface ChannelQuery {
  payload: Buffer;
  end: (result: ExchangeResult) => void;
}

class UdpChannel {
  readonly #socket: dgram.Socket;
  readonly #server: string;
  readonly #pending = new Map<number, PendingQuery>();
  readonly #onClosed: (channel: UdpChannel) => void;
  #assigned = 0;
  #connected = false;
  #closed = false;
  #unsent: Buffer[] = [];

  constructor(target: DnsServerAddress, server: string, onClosed: (channel: UdpChannel) => void) {
    this.#server = server;
    this.#onClosed = onClosed;
    this.#socket = dgram.createSocket(target.family === 6 ? 'udp6' : 'udp4');
    this.#socket.on('error', (error: NodeJS.ErrnoException) => this.#fail(error));
    this.#socket.on('message', (message: Buffer) => this.#receive(message));
    // A connect error (no route: ENETUNREACH; a broadcast address: EACCES) comes only to this
    // callback, never to 'error': ignored, the first send would throw ERR_SOCKET_BAD_PORT.
    this.#socket.connect(target.port, target.host, (error?: Error) => {
      if (this.#closed) return;
      if (error) return this.#fail(error as NodeJS.ErrnoException);
      this.#connected = true;
      for (const payload of this.#unsent) this.#transmit(payload);
      this.#unsent = [];
    });
  }

  /** True when new queries must go to a fresh channel. */
  get full(): boolean {
    return this.#closed || this.#assigned >= QUERIES_PER_SOCKET;
  }

  /** Adds a query under an id no other pending query of this channel has; `settle` is called exactly once. */
  register(question: QueryQuestion, ignored: IgnoredCounts, settle: (result: ExchangeResult) => void): ChannelQuery {
    let id = randomInt(0, 0x10000);
    while (this.#pending.has(id)) id = randomInt(0, 0x10000);
    this.#assigned++;
    this.#pending.set(id, { expected: { id, ...question }, ignored, settle });
    return { payload: dnsPacket.encode(buildQuery(question, id).packet), end: (result) => this.#settle(id, result) };
  }

  send(payload: Buffer): void {
    if (this.#closed) return;
    if (this.#connected) this.#transmit(payload);
    else this.#unsent.push(payload);
  }

  /**
   * With a callback, because Node drops a send error without one: an ICMP port unreachable is
   * reported to whichever call on the socket comes next, and with several queries on a socket that
   * is often the next query's send, not a receive.
   */
  #transmit(payload: Buffer): void {
    this.#socket.send(payload, (error) => {
      if (error) this.#fail(error as NodeJS.ErrnoException);
    });
  }

  #settle(id: number, result: ExchangeResult): void {
    const query = this.#pending.get(id);
    if (query === undefined) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#close();
    query.settle(result);
  }

  /**
   * Matches a datagram to the query it answers. One that answers nothing is counted against one
   * query, the evidence its timeout message gives: by id (a wrong question, or our query echoed
   * back), else by question (a wrong id), else against the query with the fewest packets ignored so
   * far, so junk from a peer that is not a DNS server spreads over the queries it answered.
   */
  #receive(message: Buffer): void {
    let packet: DnsResponse;
    try {
      packet = decodeMessage(message);
    } catch {
      this.#leastIgnored().forEach((q) => q.ignored.notDns++);
      return;
    }
    const byId = this.#pending.get(packet.id ?? -1);
    if (!packet.flag_qr) {
      (byId !== undefined ? [byId] : this.#leastIgnored()).forEach((q) => q.ignored.notDns++);
    } else if (byId !== undefined) {
      if (echoesQuestion(packet, byId.expected)) this.#settle(byId.expected.id, { kind: 'answer', packet });
      else byId.ignored.wrongQuestion++;
    } else {
      const asked = [...this.#pending.values()].find((q) => echoesQuestion(packet, q.expected));
      (asked !== undefined ? [asked] : this.#leastIgnored()).forEach((q) => q.ignored.wrongId++);
    }
  }

  /** The pending query with the fewest ignored packets (the oldest on a tie), as a list of zero or one. */
  #leastIgnored(): PendingQuery[] {
    let least: PendingQuery | undefined;
    for (const query of this.#pending.values()) if (least === undefined || countOf(query.ignored) < countOf(least.ignored)) least = query;
    return least === undefined ? [] : [least];
  }

  /** A socket error ends every query on the channel: they all asked the same server the same way. */
  #fail(error: NodeJS.ErrnoException): void {
    const result = socketFailure(error, this.#server, 'UDP');
    for (const id of [...this.#pending.keys()]) this.#settle(id, result);
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsent = [];
    this.#socket.removeAllListeners('message');
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
    this.#onClosed(this);
  }
}

/** The channel new queries to a server ("ip:port") join, until it is full or closes. */
const openChannels = new Map<string, UdpChannel>();

function channelTo(target: DnsServerAddress, server: string): UdpChannel {
  const current = openChannels.get(server);
  if (current !== undefined && !current.full) return current;
  const channel = new UdpChannel(target, server, (closed) => {
    if (openChannels.get(server) === closed) openChannels.delete(server);
  });
  openChannels.set(server, channel);
  return channel;
}

/** Asks `question` over UDP (again while unanswered) and waits for the matching answer. Never rejects. */
export function exchangeUdp(
  target: DnsServerAddress,
  question: QueryQuestion,
  deadline: QueryDeadline,
  timeoutMs: number,
  ignored: IgnoredCounts,
): Promise<ExchangeResult> {
  const server = formatDnsServer(target);
  return acquireUdpSlot(server, deadline, timeoutMs).then(async (release) => {
    if (release === undefined) return abortResult(deadline, server, 'UDP');
    const result = await askOnChannel(target, server, question, deadline, ignored);
    release(result.kind === 'answer');
    return result;
  });
}

function askOnChannel(
  target: DnsServerAddress,
  server: string,
  question: QueryQuestion,
  deadline: QueryDeadline,
  ignored: IgnoredCounts,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    if (deadline.aborted) return resolve(abortResult(deadline, server, 'UDP'));
    // The query's clock starts now, with its first datagram, not when it joined the queue.
    deadline.start();
    const channel = channelTo(target, server);
    let retransmit: NodeJS.Timeout | undefined;
    let detach = (): void => {};
    const query = channel.register(question, ignored, (result) => {
      clearTimeout(retransmit);
      detach();
      resolve(result);
    });
    detach = deadline.onFire(() => query.end(abortResult(deadline, server, 'UDP')));
    let gap = UDP_RETRANSMIT_MS;
    const transmit = (): void => {
      channel.send(query.payload);
      retransmit = setTimeout(() => {
        gap *= 2;
        transmit();
      }, gap);
    };
    transmit();
  });
}
