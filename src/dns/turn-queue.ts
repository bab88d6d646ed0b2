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

/**
 * One caller waiting for a turn, as an object rather than closures: the UDP path makes one per
 * query (20,000 for 10,000 names), and what it allocates per query is most of its CPU (issue 15).
 */
export interface TurnWaiter {
  /** When it started waiting (performance.now()), set by enter(). */
  since: number;
  readonly timeoutMs: number;
  /** True while it waits in the queue; the queue clears it when it hands the turn over or gives up. */
  queued: boolean;
  /** Its turn came: it holds one now and must leave() exactly once. */
  onTurn(): void;
  /** The resource answered nothing for a whole timeout while it waited: it left the queue. */
  onSilent(): void;
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
  #waiting: TurnWaiter[] = [];
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
   * Takes a turn now (true: the caller holds it and must leave() once), or queues `waiter` (false:
   * onTurn or onSilent follows, unless the caller withdraws it first).
   */
  enter(waiter: TurnWaiter): boolean {
    if (this.#active < this.#capacity) {
      this.#active++;
      return true;
    }
    waiter.since = performance.now();
    waiter.queued = true;
    this.#waiting.push(waiter);
    this.#live++;
    this.#armWatchdog(waiter.since + waiter.timeoutMs);
    return false;
  }

  /** Takes a queued waiter out of the queue (its caller gave up); nothing when it is not queued. */
  withdraw(waiter: TurnWaiter): void {
    if (!waiter.queued) return;
    waiter.queued = false;
    this.#live--;
  }

  /** Ends one turn taken through enter() or onTurn(); the next waiter gets it. */
  leave(progress: boolean): void {
    if (progress) this.#lastProgressAt = performance.now();
    const next = this.#nextWaiter();
    // Handing over keeps #active unchanged: this turn becomes the next waiter's.
    if (next !== undefined) next.onTurn();
    else this.#active--;
  }

  /**
   * Waits for a turn, as a promise. `watchCancel(cancel)` must call `cancel` when the caller gives
   * up and return a function that stops watching. 'silent' after `timeoutMs` without any progress.
   */
  take(timeoutMs: number, watchCancel: (cancel: () => void) => () => void): Promise<TurnOutcome> {
    if (this.#active < this.#capacity) {
      this.#active++;
      return Promise.resolve({ granted: this.#endTurn() });
    }
    return new Promise((resolve) => {
      let stopWatching = (): void => {};
      const waiter: TurnWaiter = {
        since: 0,
        timeoutMs,
        queued: false,
        onTurn: () => {
          stopWatching();
          resolve({ granted: this.#endTurn() });
        },
        onSilent: () => {
          stopWatching();
          resolve('silent');
        },
      };
      this.enter(waiter);
      stopWatching = watchCancel(() => {
        if (!waiter.queued) return;
        this.withdraw(waiter);
        stopWatching();
        resolve('cancelled');
      });
      // Cancelled while the watch was being set up: the cancel ran before stopWatching was known.
      if (!waiter.queued) stopWatching();
    });
  }

  /** The function that ends one granted turn (idempotent). */
  #endTurn(): EndTurn {
    let ended = false;
    return (progress) => {
      if (ended) return;
      ended = true;
      this.leave(progress);
    };
  }

  /** The oldest waiter still waiting, taken off the queue; undefined when none. */
  #nextWaiter(): TurnWaiter | undefined {
    while (this.#head < this.#waiting.length) {
      const waiter = this.#waiting[this.#head++]!;
      if (waiter.queued) {
        waiter.queued = false;
        this.#live--;
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
      if (!waiter.queued) continue;
      const due = Math.max(waiter.since, this.#lastProgressAt) + waiter.timeoutMs;
      if (due <= now) {
        this.withdraw(waiter);
        waiter.onSilent();
      } else nextDue = Math.min(nextDue, due);
    }
    if (nextDue !== Infinity) this.#armWatchdog(nextDue);
  }
}
