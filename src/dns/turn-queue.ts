// Taking turns at a resource that serves a bounded number of lookups at once (UDP slots to one DNS
// server, getaddrinfo's threads), without letting the wait count as silence. A waiter ends early
// only when its caller cancels (the run deadline), or when the resource completed nothing at all
// for a whole timeout while it waited: then the resource is silent, and waiting on would only turn
// a true timeout into a run that ends at its deadline. Why both rules: issue 11 (defect 9).
// A waiter may also carry a rate gate (a documented query budget, src/dns/rate-gate.ts): its turn
// then comes when a turn is free AND the budget has its tokens, taken at that moment. Waiting for
// tokens is waiting on amlprobe's own pacing, never on the resource, so it never counts as silence:
// only a window that stayed full of unanswered work for a whole timeout does.

import { performance } from 'node:perf_hooks';
import type { RateGate } from './rate-gate.js';

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
  /** The budget its turn spends (absent: none), and how many tokens. */
  readonly gate?: RateGate | undefined;
  readonly cost?: number;
}

/** Whether `waiter` may start now: its budget, if any, gives it its tokens (taking them). */
function paid(waiter: { gate?: RateGate | undefined; cost?: number }, now?: number): boolean {
  return waiter.gate === undefined || waiter.gate.tryTake(waiter.cost ?? 1, now);
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
  /** Since when every turn has been taken (undefined while one is free): only then can waiting mean silence. */
  #fullSince: number | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #pump: NodeJS.Timeout | undefined;

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
    if (this.#active < this.#capacity && this.#live === 0 && paid(waiter)) {
      this.#grant();
      return true;
    }
    waiter.since = performance.now();
    waiter.queued = true;
    this.#waiting.push(waiter);
    this.#live++;
    this.#armWatchdog(waiter.since + waiter.timeoutMs);
    if (this.#active < this.#capacity) this.#armPump();
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
    const head = this.#peek();
    // Handing over keeps #active unchanged: this turn becomes the next waiter's.
    if (head !== undefined && paid(head)) return this.#take(head).onTurn();
    this.#active--;
    this.#fullSince = undefined;
    if (head !== undefined) this.#armPump();
  }

  /**
   * Waits for a turn, as a promise. `watchCancel(cancel)` must call `cancel` when the caller gives
   * up and return a function that stops watching. 'silent' after `timeoutMs` without any progress.
   * `pacing`: the budget the turn spends, if any.
   */
  take(timeoutMs: number, watchCancel: (cancel: () => void) => () => void, pacing: { gate?: RateGate | undefined; cost?: number } = {}): Promise<TurnOutcome> {
    if (this.#active < this.#capacity && this.#live === 0 && paid(pacing)) {
      this.#grant();
      return Promise.resolve({ granted: this.#endTurn() });
    }
    return new Promise((resolve) => {
      let stopWatching = (): void => {};
      const waiter: TurnWaiter = {
        since: 0,
        timeoutMs,
        queued: false,
        gate: pacing.gate,
        cost: pacing.cost ?? 1,
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

  /** One more turn taken (not a hand-over). */
  #grant(): void {
    if (++this.#active >= this.#capacity) this.#fullSince ??= performance.now();
  }

  /** The oldest waiter still waiting, left in the queue; undefined (and the queue emptied) when none. */
  #peek(): TurnWaiter | undefined {
    while (this.#head < this.#waiting.length) {
      const waiter = this.#waiting[this.#head]!;
      if (waiter.queued) return waiter;
      this.#head++;
    }
    this.#waiting = [];
    this.#head = 0;
    this.#stopWatchdog();
    return undefined;
  }

  /** Takes the waiter #peek() returned off the queue. */
  #take(waiter: TurnWaiter): TurnWaiter {
    this.#head++;
    waiter.queued = false;
    this.#live--;
    this.#compact();
    return waiter;
  }

  /** Arms one timer for when the head waiter's budget has its tokens again. */
  #armPump(): void {
    if (this.#pump !== undefined) return;
    const head = this.#peek();
    if (head === undefined) return;
    const wait = head.gate?.waitMs(head.cost ?? 1) ?? 0;
    this.#pump = setTimeout(this.#release, Math.max(1, Math.ceil(wait)));
  }

  /** Gives free turns to waiters, in order, as long as their budget allows. */
  readonly #release = (): void => {
    this.#pump = undefined;
    const now = performance.now();
    while (this.#active < this.#capacity) {
      const head = this.#peek();
      if (head === undefined) return;
      if (!paid(head, now)) return this.#armPump();
      this.#grant();
      this.#take(head).onTurn();
    }
  };

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
    clearTimeout(this.#pump);
    this.#pump = undefined;
  }

  /** Ends every waiter that saw no progress for its whole timeout; re-arms for the next one due. */
  #watch(): void {
    this.#watchdog = undefined;
    const now = performance.now();
    // A free turn means the queue waits on its budget, not on the resource: look again later.
    const fullSince = this.#fullSince ?? now;
    let nextDue = Infinity;
    for (let i = this.#head; i < this.#waiting.length; i++) {
      const waiter = this.#waiting[i]!;
      if (!waiter.queued) continue;
      const due = Math.max(waiter.since, this.#lastProgressAt, fullSince) + waiter.timeoutMs;
      if (due <= now) {
        this.withdraw(waiter);
        waiter.onSilent();
      } else nextDue = Math.min(nextDue, due);
    }
    if (nextDue !== Infinity) this.#armWatchdog(nextDue);
  }
}
