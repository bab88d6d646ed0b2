// The time limit of one DNS query, folded with the caller's signal (layer timeout, run deadline).
// A plain object rather than an AbortController: a 5,000-endpoint run makes 10,000 of them, and
// Node's AbortController/EventTarget machinery was a measurable share of that run's CPU
// (docs/benchmarks.md). Nothing outside src/dns sees it.

import { onAbort, strikeAfterPendingIo } from '../abort.js';

/** Why a deadline fired: the query's own time limit, or the caller's abort. */
export type DeadlineCause = 'timeout' | 'aborted';

export class QueryDeadline {
  #fired: DeadlineCause | undefined;
  #listeners: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #detachOuter: () => void;

  /** Fires `timeoutMs` from now (after I/O already waiting is read), or when `outer` aborts. */
  constructor(timeoutMs: number, outer: AbortSignal) {
    // After pending I/O: an answer already in the socket must win over a timer that ran late.
    this.#timer = setTimeout(() => {
      this.#immediate = strikeAfterPendingIo(() => this.#fire('timeout'));
    }, Math.max(0, timeoutMs));
    // onAbort, not addEventListener: `outer` is often the run signal, watched by every query at once.
    this.#detachOuter = onAbort(outer, () => this.#fire('aborted'));
  }

  get aborted(): boolean {
    return this.#fired !== undefined;
  }

  /** Why it fired ('timeout' until it has). */
  cause(): DeadlineCause {
    return this.#fired ?? 'timeout';
  }

  /** Calls `listener` once when the deadline fires (at once if it has); returns a detach function. */
  onFire(listener: () => void): () => void {
    if (this.#fired !== undefined) {
      listener();
      return () => {};
    }
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  /** Releases the timer and the outer listener; call it when the query is done. */
  dispose(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#detachOuter();
    this.#listeners = [];
  }

  #fire(cause: DeadlineCause): void {
    if (this.#fired !== undefined) return;
    this.#fired = cause;
    const listeners = this.#listeners;
    this.dispose();
    for (const listener of listeners) listener();
  }
}
