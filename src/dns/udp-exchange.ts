// One question over UDP, from its turn in the server's queue (udp-slots.ts) to its answer on a
// shared socket (udp-channel.ts). One object per query carries it through both, instead of the
// promises and closures each step used to make: a 10,000-name run asks 20,000 questions, and
// their bookkeeping was most of its CPU and garbage (issue 15).

import { performance } from 'node:perf_hooks';
import type { RecordType } from 'dns-packet';
import type { DeadlineWatcher, QueryDeadline } from './query-deadline.js';
import { formatDnsServer, type DnsServerAddress } from './server-address.js';
import { abortResult, type DnsResponse, type ExchangeResult, type IgnoredCounts, type QueryQuestion } from './transport.js';
import type { DnsPacing } from '../model/dns-pacing.js';
import type { RateGate } from './rate-gate.js';
import type { TurnWaiter } from './turn-queue.js';
import { channelTo, UDP_RETRANSMIT_MS, type ChannelQuery, type UdpChannel } from './udp-channel.js';
import { forgetIfIdle, udpSlotsTo, UNPLANNED_PACING, type UdpSlots } from './udp-slots.js';

const EMPTY = Buffer.alloc(0);

/** Told once how a query ended: an object rather than a callback, so a query waiting its turn holds no closure. */
export interface ExchangeSink {
  exchanged(result: ExchangeResult): void;
}

/** Where a query is: waiting for a turn, sent, out of the queue without a turn (silent server), or over. */
type Stage = 'waiting' | 'sent' | 'left' | 'done';

class UdpQuery implements TurnWaiter, ChannelQuery, DeadlineWatcher {
  // What the channel reads and sets.
  id = 0;
  readonly name: string;
  readonly type: RecordType;
  readonly ignored: IgnoredCounts;
  readonly deadline: QueryDeadline;
  payload = EMPTY;
  retransmitAt = 0;
  gap = UDP_RETRANSMIT_MS;
  // What the server's queue reads and sets.
  since = 0;
  queued = false;
  readonly timeoutMs: number;
  /** The documented budget its datagrams spend, first send and retransmissions alike (none: unpaced). */
  readonly gate: RateGate | undefined;

  readonly #target: DnsServerAddress;
  readonly #server: string;
  readonly #sink: ExchangeSink;
  readonly #pacing: DnsPacing;
  readonly #slots: UdpSlots;
  #stage: Stage = 'waiting';
  #channel: UdpChannel | undefined;

  constructor(
    target: DnsServerAddress,
    question: QueryQuestion,
    deadline: QueryDeadline,
    timeoutMs: number,
    ignored: IgnoredCounts,
    sink: ExchangeSink,
    pacing: DnsPacing,
  ) {
    this.#target = target;
    this.#server = formatDnsServer(target);
    this.name = question.name;
    this.type = question.type;
    this.deadline = deadline;
    this.timeoutMs = timeoutMs;
    this.ignored = ignored;
    this.#sink = sink;
    this.#pacing = pacing;
    this.#slots = udpSlotsTo(this.#server, pacing);
    this.gate = this.#slots.gate;
  }

  begin(): void {
    if (this.deadline.aborted) {
      forgetIfIdle(this.#server, this.#pacing, this.#slots);
      return this.#finish(abortResult(this.deadline, this.#server, 'UDP'));
    }
    this.deadline.watch(this);
    if (this.#stage === 'waiting' && this.#slots.queue.enter(this)) this.#send();
  }

  onTurn(): void {
    if (this.#stage === 'waiting') this.#send();
    else this.#slots.queue.leave(false);
  }

  onSilent(): void {
    this.#stage = 'left';
    forgetIfIdle(this.#server, this.#pacing, this.#slots);
    this.deadline.expire();
  }

  answered(packet: DnsResponse): void {
    this.#endTurn(true);
    this.#finish({ kind: 'answer', packet });
  }

  failed(result: ExchangeResult): void {
    this.#endTurn(false);
    this.#finish(result);
  }

  retransmitted(): void {}

  /** The query's clock starts now, with its first datagram, not when it joined the queue. */
  #send(): void {
    this.#stage = 'sent';
    const now = performance.now();
    this.deadline.startWatched(now);
    try {
      this.#channel = channelTo(this.#target, this.#server);
      this.#channel.add(this, now);
    } catch (error) {
      // An amlprobe bug, or a socket Node would not make: this query's failure, never a crash of
      // the event handler that handed it its turn.
      this.#channel?.remove(this);
      this.failed({ kind: 'fail', failure: 'error', message: `UDP query to ${this.#server} failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  /** The deadline fired: the caller's abort, the query's own time limit, or a silent server. */
  deadlineFired(): void {
    if (this.#stage === 'done') return;
    if (this.#stage === 'waiting') {
      this.#slots.queue.withdraw(this);
      forgetIfIdle(this.#server, this.#pacing, this.#slots);
    } else if (this.#stage === 'sent') {
      this.#channel?.remove(this);
      this.#endTurn(false);
    }
    this.#finish(abortResult(this.deadline, this.#server, 'UDP'));
  }

  #endTurn(answered: boolean): void {
    if (this.#stage !== 'sent') return;
    this.#stage = 'left';
    this.#slots.queue.leave(answered);
    forgetIfIdle(this.#server, this.#pacing, this.#slots);
  }

  #finish(result: ExchangeResult): void {
    if (this.#stage === 'done') return;
    this.#stage = 'done';
    this.#channel = undefined;
    this.payload = EMPTY;
    this.deadline.unwatch(this);
    this.#sink.exchanged(result);
  }
}

/**
 * Asks `question` over UDP (again while unanswered) and tells `sink` once the matching answer or
 * why there is none; never throws. `pacing` is the plan's for this server. Not a promise: see the
 * top of this file.
 */
export function exchangeUdp(
  target: DnsServerAddress,
  question: QueryQuestion,
  deadline: QueryDeadline,
  timeoutMs: number,
  ignored: IgnoredCounts,
  sink: ExchangeSink,
  pacing: DnsPacing = UNPLANNED_PACING,
): void {
  new UdpQuery(target, question, deadline, timeoutMs, ignored, sink, pacing).begin();
}
