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

/** A bounded number of turns at once; the rest wait in arrival order. */
export class TurnQueue {
  readonly #capacity: number;
  #active = 0;
  #waiting: (() => void)[] = [];
  #lastProgressAt = -Infinity;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** True when no turn is taken or awaited (the owner may forget the queue). */
  get idle(): boolean {
    return this.#active === 0 && this.#waiting.length === 0;
  }

  /**
   * Waits for a turn. `watchCancel(cancel)` must call `cancel` when the caller gives up and
   * return a function that stops watching. 'silent' after `timeoutMs` without any progress.
   */
  take(timeoutMs: number, watchCancel: (cancel: () => void) => () => void): Promise<TurnOutcome> {
    let ended = false;
    const end: EndTurn = (progress) => {
      if (ended) return;
      ended = true;
      if (progress) this.#lastProgressAt = performance.now();
      const next = this.#waiting.shift();
      // Handing over keeps #active unchanged: this turn becomes the next waiter's.
      if (next !== undefined) next();
      else this.#active--;
    };
    if (this.#active < this.#capacity) {
      this.#active++;
      return Promise.resolve({ granted: end });
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let stopWatching = (): void => {};
      const leave = (outcome: TurnOutcome): void => {
        clearTimeout(timer);
        stopWatching();
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        resolve(outcome);
      };
      const grant = (): void => {
        clearTimeout(timer);
        stopWatching();
        resolve({ granted: end });
      };
      const since = performance.now();
      const watch = (): void => {
        const left = Math.max(since, this.#lastProgressAt) + timeoutMs - performance.now();
        if (left <= 0) leave('silent');
        else timer = setTimeout(watch, left);
      };
      this.#waiting.push(grant);
      timer = setTimeout(watch, timeoutMs);
      stopWatching = watchCancel(() => leave('cancelled'));
    });
  }
}
