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
import { formatDnsServer, type DnsServerAddress } from './server-address.js';
import {
  abortResult,
  buildQuery,
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

/** Queries one socket carries over its life before new queries get a fresh socket (and source port). */
export const QUERIES_PER_SOCKET = 64;

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
    this.#socket.connect(target.port, target.host, () => {
      if (this.#closed) return;
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
      packet = dnsPacket.decode(message) as DnsResponse;
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
    const result: ExchangeResult =
      error.code === 'ECONNREFUSED'
        ? { kind: 'fail', failure: 'unreachable', message: `${this.#server} is unreachable: UDP port unreachable (ICMP), no DNS server listens there` }
        : { kind: 'fail', failure: 'error', message: `UDP query to ${this.#server} failed: ${error.code ?? error.message}` };
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

/** In-flight count and waiting queries, per server ("ip:port"). */
const udpSlots = new Map<string, { active: number; waiting: (() => void)[] }>();

/**
 * Waits for a free UDP slot to `server`; resolves with a release function (call it exactly once),
 * or with undefined when the deadline fires first.
 */
function acquireUdpSlot(server: string, deadline: QueryDeadline): Promise<(() => void) | undefined> {
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
  if (deadline.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    // Handing over a slot keeps `active` unchanged: the releaser's slot becomes ours.
    const grant = (): void => {
      detach();
      resolve(release);
    };
    const detach = deadline.onFire(() => {
      const index = state.waiting.indexOf(grant);
      if (index >= 0) state.waiting.splice(index, 1);
      resolve(undefined);
    });
    state.waiting.push(grant);
  });
}

/** Asks `question` over UDP (again while unanswered) and waits for the matching answer. Never rejects. */
export function exchangeUdp(target: DnsServerAddress, question: QueryQuestion, deadline: QueryDeadline, ignored: IgnoredCounts): Promise<ExchangeResult> {
  const server = formatDnsServer(target);
  return acquireUdpSlot(server, deadline).then((release) => {
    if (release === undefined) return abortResult(deadline, server, 'UDP');
    return askOnChannel(target, server, question, deadline, ignored).finally(release);
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
