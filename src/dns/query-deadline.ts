// The time limit of one DNS query, folded with the caller's signal (layer timeout, run deadline).
// The clock starts when the query is first sent (start()), not when it is made: a query waiting
// for one of a server's UDP slots (udp-slots.ts) is not unanswered yet.
// A plain object rather than an AbortController: a 5,000-endpoint run makes 10,000 of them, and
// Node's AbortController/EventTarget machinery was a measurable share of that run's CPU
// (docs/benchmarks.md). For the same reason it watches the signal as an object (watchAbort), and
// keeps its first listener in a field: no closure or array per query (issue 15). Nothing outside
// src/dns sees it.

import { performance } from 'node:perf_hooks';
import { strikeAfterPendingIo, unwatchAbort, watchAbort, type AbortWatcher } from '../abort.js';

/** Why a deadline fired: the query's own time limit, or the caller's abort. */
export type DeadlineCause = 'timeout' | 'aborted';

/** Told once when a deadline fires (QueryDeadline.watch). */
export interface DeadlineWatcher {
  deadlineFired(): void;
}

export class QueryDeadline implements AbortWatcher {
  #fired: DeadlineCause | undefined;
  #watcher: DeadlineWatcher | undefined;
  #listeners: (() => void)[] | undefined;
  #timer: NodeJS.Timeout | undefined;
  #startedAt: number | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #outer: AbortSignal | undefined;
  readonly #timeoutMs: number;

  /** Fires `timeoutMs` after start() (after I/O already waiting is read), or when `outer` aborts. */
  constructor(timeoutMs: number, outer: AbortSignal) {
    this.#timeoutMs = Math.max(0, timeoutMs);
    // watchAbort, not addEventListener: `outer` is often the run signal, watched by every query at once.
    this.#outer = outer;
    watchAbort(outer, this);
  }

  get aborted(): boolean {
    return this.#fired !== undefined;
  }

  /**
   * Starts the query's own clock with a timer of its own; after startWatched() it arms the time
   * left; later calls do nothing (TCP after UDP shares the UDP clock).
   */
  start(): void {
    if (this.#fired !== undefined || this.#timer !== undefined) return;
    const left = this.#startedAt === undefined ? this.#timeoutMs : Math.max(0, this.#startedAt + this.#timeoutMs - performance.now());
    this.#startedAt ??= performance.now();
    // After pending I/O: an answer already in the socket must win over a timer that ran late.
    this.#timer = setTimeout(() => {
      this.#immediate = strikeAfterPendingIo(() => this.#fire('timeout'));
    }, left);
  }

  /**
   * Starts the clock without a timer: the caller watches dueAt and calls expire() (after pending
   * I/O) when it passes. A UDP channel watches all its queries with one timer (udp-channel.ts):
   * a timer per query was a measurable share of a 10,000-name run's CPU and garbage (issue 15).
   */
  startWatched(now: number): void {
    if (this.#fired !== undefined || this.#startedAt !== undefined) return;
    this.#startedAt = now;
  }

  /** When the clock runs out (performance.now() time); Infinity before it starts. */
  get dueAt(): number {
    return this.#startedAt === undefined ? Infinity : this.#startedAt + this.#timeoutMs;
  }

  /** Ends the query as unanswered now: its watched clock ran out, or the server stayed silent while it waited for a slot. */
  expire(): void {
    this.#fire('timeout');
  }

  /** Why it fired ('timeout' until it has). */
  cause(): DeadlineCause {
    return this.#fired ?? 'timeout';
  }

  /** The outer signal aborted (AbortWatcher). */
  abortFired(): void {
    this.#outer = undefined;
    this.#fire('aborted');
  }

  /** Tells `watcher` once when the deadline fires (at once if it has); one watcher at a time, until unwatch(). */
  watch(watcher: DeadlineWatcher): void {
    if (this.#fired !== undefined) watcher.deadlineFired();
    else this.#watcher = watcher;
  }

  unwatch(watcher: DeadlineWatcher): void {
    if (this.#watcher === watcher) this.#watcher = undefined;
  }

  /** Calls `listener` once when the deadline fires (at once if it has); returns a detach function. */
  onFire(listener: () => void): () => void {
    if (this.#fired !== undefined) {
      listener();
      return () => {};
    }
    (this.#listeners ??= []).push(listener);
    return () => {
      const index = this.#listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.#listeners?.splice(index, 1);
    };
  }

  /** Releases the timer and the outer signal; call it when the query is done. */
  dispose(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    if (this.#outer !== undefined) unwatchAbort(this.#outer, this);
    this.#outer = undefined;
    this.#watcher = undefined;
    this.#listeners = undefined;
  }

  #fire(cause: DeadlineCause): void {
    if (this.#fired !== undefined) return;
    this.#fired = cause;
    const watcher = this.#watcher;
    const listeners = this.#listeners;
    this.dispose();
    watcher?.deadlineFired();
    if (listeners !== undefined) for (const listener of listeners) listener();
  }
}
