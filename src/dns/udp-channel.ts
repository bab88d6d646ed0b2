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
//
// One timer per channel watches its queries' retransmissions and time limits (issue 15: a timer,
// a promise and several closures per query were most of the CPU of a 10,000-name run).

import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { strikeAfterPendingIo } from '../abort.js';
import type { QueryDeadline } from './query-deadline.js';
import type { RateGate } from './rate-gate.js';
import { encodeQuery } from './query-message.js';
import { randomQueryId } from './query-id.js';
import { socketFailure } from './socket-failure.js';
import type { DnsServerAddress } from './server-address.js';
import { decodeMessage, echoesQuestion, type DnsResponse, type ExchangeResult, type ExpectedQuestion, type IgnoredCounts } from './transport.js';

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

/** A timer may fire this much early (libuv's clock counts whole milliseconds). */
const TIMER_SLACK_MS = 1;

/** A query as a channel carries it: the question it must see echoed, and its clock. */
export interface ChannelQuery extends ExpectedQuestion {
  readonly ignored: IgnoredCounts;
  readonly deadline: QueryDeadline;
  /** Its datagram, sent again on retransmission (set by the channel). */
  payload: Buffer;
  /** When it is sent again, and the gap after that (set by the channel). */
  retransmitAt: number;
  gap: number;
  /** The documented budget each of its datagrams spends (none: unpaced). */
  readonly gate: RateGate | undefined;
  /** The matching answer came; the channel has let go of the query. */
  answered(packet: DnsResponse): void;
  /** The socket failed; the channel has let go of the query. */
  failed(result: ExchangeResult): void;
  /** It was sent again: its datagram or the answer is presumably lost. */
  retransmitted(): void;
}

const countOf = (ignored: IgnoredCounts): number => ignored.wrongId + ignored.wrongQuestion + ignored.notDns;

export class UdpChannel {
  readonly #socket: dgram.Socket;
  readonly #server: string;
  readonly #pending = new Map<number, ChannelQuery>();
  readonly #onClosed: (channel: UdpChannel) => void;
  #assigned = 0;
  #connected = false;
  #closed = false;
  #unsent: Buffer[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

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

  /** Sends `query` under an id no other pending query of this channel has; its clock started at `now`. */
  add(query: ChannelQuery, now: number): void {
    let id = randomQueryId();
    while (this.#pending.has(id)) id = randomQueryId();
    query.id = id;
    this.#assigned++;
    this.#pending.set(id, query);
    query.payload = encodeQuery(query, id);
    query.gap = UDP_RETRANSMIT_MS;
    query.retransmitAt = now + UDP_RETRANSMIT_MS;
    this.#send(query.payload);
    this.#arm(Math.min(query.retransmitAt, query.deadline.dueAt), now);
  }

  /** Lets go of `query` (its deadline fired); the channel closes with its last query. */
  remove(query: ChannelQuery): void {
    if (this.#pending.get(query.id) !== query) return;
    this.#pending.delete(query.id);
    if (this.#pending.size === 0) this.#close();
  }

  #send(payload: Buffer): void {
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
    this.#socket.send(payload, this.#afterSend);
  }

  readonly #afterSend = (error: Error | null): void => {
    if (error) this.#fail(error as NodeJS.ErrnoException);
  };

  /** Arms the channel's one timer for `at` unless it already fires earlier. */
  #arm(at: number, now: number): void {
    if (this.#closed || at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(this.#tick, Math.max(1, Math.ceil(at - now)));
  }

  /** Sends again what is due, strikes the queries whose time is up, and re-arms for the next. */
  readonly #tick = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    let expired: ChannelQuery[] | undefined;
    for (const query of this.#pending.values()) {
      const dueAt = query.deadline.dueAt;
      if (dueAt <= now + TIMER_SLACK_MS) {
        (expired ??= []).push(query);
        continue;
      }
      if (query.retransmitAt <= now + TIMER_SLACK_MS) {
        if (query.gate === undefined || query.gate.tryTake(1, now)) {
          this.#send(query.payload);
          query.gap *= 2;
          query.retransmitAt = now + query.gap;
          query.retransmitted();
        } else {
          // A retransmission spends the budget like any query: it leaves with the next token.
          query.retransmitAt = now + Math.max(1, query.gate.waitMs(1, now));
        }
      }
      next = Math.min(next, query.retransmitAt, dueAt);
    }
    // After pending I/O: an answer already in the socket must win over a timer that ran late.
    if (expired !== undefined) {
      const due = expired;
      strikeAfterPendingIo(() => {
        for (const query of due) if (this.#pending.get(query.id) === query) query.deadline.expire();
      });
    }
    if (next !== Infinity) this.#arm(next, now);
  };

  /** Lets go of the query under `id` before telling it, so that the channel is closed when its last query ends. */
  #take(id: number): ChannelQuery | undefined {
    const query = this.#pending.get(id);
    if (query === undefined) return undefined;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#close();
    return query;
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
      const least = this.#leastIgnored();
      if (least !== undefined) least.ignored.notDns++;
      return;
    }
    const byId = this.#pending.get(packet.id ?? -1);
    if (!packet.flag_qr) {
      const blamed = byId ?? this.#leastIgnored();
      if (blamed !== undefined) blamed.ignored.notDns++;
    } else if (byId !== undefined) {
      if (echoesQuestion(packet, byId)) this.#take(byId.id)?.answered(packet);
      else byId.ignored.wrongQuestion++;
    } else {
      let blamed: ChannelQuery | undefined;
      for (const query of this.#pending.values()) {
        if (echoesQuestion(packet, query)) {
          blamed = query;
          break;
        }
      }
      blamed ??= this.#leastIgnored();
      if (blamed !== undefined) blamed.ignored.wrongId++;
    }
  }

  /** The pending query with the fewest ignored packets (the oldest on a tie). */
  #leastIgnored(): ChannelQuery | undefined {
    let least: ChannelQuery | undefined;
    for (const query of this.#pending.values()) if (least === undefined || countOf(query.ignored) < countOf(least.ignored)) least = query;
    return least;
  }

  /**
   * A socket error ends every query on the channel: they all asked the same server the same way.
   * The channel closes first, so that a query taking a freed slot asks on a fresh one.
   */
  #fail(error: NodeJS.ErrnoException): void {
    const result = socketFailure(error, this.#server, 'UDP');
    const queries = [...this.#pending.values()];
    this.#pending.clear();
    this.#close();
    for (const query of queries) query.failed(result);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsent = [];
    clearTimeout(this.#timer);
    this.#timer = undefined;
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

/** The channel a new query to `server` joins. */
export function channelTo(target: DnsServerAddress, server: string): UdpChannel {
  const current = openChannels.get(server);
  if (current !== undefined && !current.full) return current;
  const channel = new UdpChannel(target, server, (closed) => {
    if (openChannels.get(server) === closed) openChannels.delete(server);
  });
  openChannels.set(server, channel);
  return channel;
}
