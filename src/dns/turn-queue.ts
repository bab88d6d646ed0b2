// Taking turns at a resource that serves a bounded number of lookups at once (UDP slots to one DNS
// server, getaddrinfo's threads), without letting the wait count as silence. A waiter ends early
// only when its caller cancels (the run deadline), or when the resource completed nothing at all
// for a whole timeout while it waited: then the resource is silent, and waiting on would only turn
// a true timeout into a run that ends at its deadline. Why both rules: issue 11 (defect 9).

import { performance } from 'node:perf_hooks';

/** Gives the turn back; `progress` says whether the resource answered the work done in it. */
export type EndTurn = (progress: boolean) => void;

/** How a wait for a turn ended. */
export type TurnOutcome = { granted: EndTurn } | 'silent' | 'cancelled';

/** One caller waiting for a turn. */
interface Waiter {
  readonly since: number;
  readonly timeoutMs: number;
  /** Set once the waiter got its turn, was cancelled or went silent: the queue skips it. */
  done: boolean;
  readonly settle: (outcome: TurnOutcome) => void;
}

/**
 * A bounded number of turns at once; the rest wait in arrival order. Built for bursts of
 * thousands of waiters (1,000 names are 2,000 queries for 100 slots): handing over a turn is
 * O(1) (a read index, not Array.shift), and one watchdog timer per queue, not one per waiter,
 * looks for waiters the resource left in silence.
 */
export class TurnQueue {
  readonly #capacity: number;
  #active = 0;
  #waiting: Waiter[] = [];
  #head = 0;
  #live = 0;
  #lastProgressAt = -Infinity;
  #watchdog: NodeJS.Timeout | undefined;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** True when no turn is taken or awaited (the owner may forget the queue). */
  get idle(): boolean {
    return this.#active === 0 && this.#live === 0;
  }

  /**
   * Waits for a turn. `watchCancel(cancel)` must call `cancel` when the caller gives up and
   * return a function that stops watching. 'silent' after `timeoutMs` without any progress.
   */
  take(timeoutMs: number, watchCancel: (cancel: () => void) => () => void): Promise<TurnOutcome> {
    if (this.#active < this.#capacity) {
      this.#active++;
      return Promise.resolve({ granted: this.#endTurn() });
    }
    return new Promise((resolve) => {
      let stopWatching = (): void => {};
      const waiter: Waiter = {
        since: performance.now(),
        timeoutMs,
        done: false,
        settle: (outcome) => {
          waiter.done = true;
          this.#live--;
          stopWatching();
          resolve(outcome);
        },
      };
      this.#waiting.push(waiter);
      this.#live++;
      stopWatching = watchCancel(() => {
        if (!waiter.done) waiter.settle('cancelled');
      });
      // Cancelled while the watch was being set up: settle() ran before stopWatching was known.
      if (waiter.done) stopWatching();
      else this.#armWatchdog(waiter.since + timeoutMs);
    });
  }

  /** The function that ends one granted turn (idempotent). */
  #endTurn(): EndTurn {
    let ended = false;
    return (progress) => {
      if (ended) return;
      ended = true;
      if (progress) this.#lastProgressAt = performance.now();
      const next = this.#nextWaiter();
      // Handing over keeps #active unchanged: this turn becomes the next waiter's.
      if (next !== undefined) next.settle({ granted: this.#endTurn() });
      else this.#active--;
    };
  }

  /** The oldest waiter still waiting, taken off the queue; undefined when none. */
  #nextWaiter(): Waiter | undefined {
    while (this.#head < this.#waiting.length) {
      const waiter = this.#waiting[this.#head++]!;
      if (!waiter.done) {
        this.#compact();
        return waiter;
      }
    }
    this.#waiting = [];
    this.#head = 0;
    this.#stopWatchdog();
    return undefined;
  }

  /** Drops the served part of the array now and then, so a long burst does not keep it all. */
  #compact(): void {
    if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  #armWatchdog(at: number): void {
    if (this.#watchdog !== undefined) return;
    this.#watchdog = setTimeout(() => this.#watch(), Math.max(0, at - performance.now()));
  }

  #stopWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }

  /** Ends every waiter that saw no progress for its whole timeout; re-arms for the next one due. */
  #watch(): void {
    this.#watchdog = undefined;
    const now = performance.now();
    let nextDue = Infinity;
    for (let i = this.#head; i < this.#waiting.length; i++) {
      const waiter = this.#waiting[i]!;
      if (waiter.done) continue;
      const due = Math.max(waiter.since, this.#lastProgressAt) + waiter.timeoutMs;
      if (due <= now) waiter.settle('silent');
      else nextDue = Math.min(nextDue, due);
    }
    if (nextDue !== Infinity) this.#armWatchdog(nextDue);
  }
}
