// Why a layer (or a pre-run step) was told to stop, and the signals that tell it. The reason of an
// aborted signal is an Error whose `name` is
//   'TimeoutError'  when the per-layer timeout struck (a verdict: dropped packets, a silent peer), and
//   'DeadlineError' when the whole-run deadline struck (no verdict about the endpoint: amlprobe ran out of time).
// Anything else (a plain abort) reads as the run ending: an abort nobody explained is not evidence
// against the network. abortCause() is the one reader of this convention.
//
// Shared, not an engine file: the checks, the DNS resolver and the Azure pre-run steps use it,
// and src/engine/ imports the checks, so it cannot live in src/engine/ without a folder circle.
// Turning an abort into a result is the engine's alone (src/engine/abort-result.ts).

import type { CheckSignal } from './model/check.js';

/** The per-layer timeout struck. */
export class LayerTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  /** The timeout that struck, ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The reason a layer signal aborts with when its timer strikes: a LayerTimeoutError without stack
 * frames. Why: V8 captures a stack trace in every Error's constructor (about 7 µs here), and a
 * timer callback's stack says nothing; a large run strikes one per dropped endpoint (4,000 at
 * 20,000 endpoints, 10,000 at 50,000) while the loop is busy with the other endpoints (issue 15).
 */
export function layerTimeoutReason(timeoutMs: number): LayerTimeoutError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new LayerTimeoutError(timeoutMs);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The whole-run deadline struck. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';

  constructor(deadlineMs: number) {
    super(`the run deadline of ${deadlineMs} ms was reached`);
  }
}

/** Why a signal ended a layer: its own timeout, or the run coming to an end. */
export type AbortCause = 'timeout' | 'deadline';

/** Reads the convention above from an aborted signal. */
export function abortCause(signal: CheckSignal): AbortCause {
  const reason: unknown = signal.reason;
  const name = typeof reason === 'object' && reason !== null && 'name' in reason ? reason.name : undefined;
  return name === 'TimeoutError' ? 'timeout' : 'deadline';
}

/** True when the signal was aborted by the run deadline (or anything else) rather than a layer timeout. */
export function abortedByDeadline(signal: CheckSignal): boolean {
  return signal.aborted && abortCause(signal) === 'deadline';
}

/**
 * A layer's signal: what CheckSignal promises, without Node's AbortController/EventTarget behind
 * it. Why: every endpoint has two or more layers, and in a 5,000-endpoint run the AbortSignals
 * (about 1.4 KB each, an EventTarget with its maps) and their listener bookkeeping were a
 * measurable share of both CPU and memory (docs/benchmarks.md). A real AbortSignal is made only
 * for a check that needs one (asAbortSignal).
 */
export class LayerSignal implements CheckSignal {
  #aborted = false;
  #reason: unknown;
  #listeners: (() => void)[] = [];
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Like EventTarget: a listener added twice is called once, and none is called after the abort. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#aborted || this.#listeners.includes(listener)) return;
    this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.#listeners.indexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
  }

  /** Listeners still attached (tests check that a layer leaves none behind). */
  listenerCount(): number {
    return this.#listeners.length;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    this.#controller?.abort(reason);
    for (const listener of listeners) listener();
  }

  /** A real AbortSignal that aborts with this one (made on first use). */
  toAbortSignal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
}

/** A real AbortSignal for an API that takes one: the signal itself, or one tied to a LayerSignal. */
export function asAbortSignal(signal: CheckSignal): AbortSignal {
  if (signal instanceof LayerSignal) return signal.toAbortSignal();
  if (signal instanceof AbortSignal) return signal;
  // Any other CheckSignal: forward its abort.
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}

/** A signal for one layer: aborts after `timeoutMs`, or as soon as the run signal aborts. */
export interface LayerSignalHandle {
  signal: LayerSignal;
  /** Clears the timer and the listener on the run signal; call it when the layer is done. */
  dispose: () => void;
}

/**
 * Builds a layer's signal by hand rather than with AbortSignal.any/timeout: with thousands of
 * endpoints we want the timer and the run-signal listener released the moment a layer finishes,
 * not when the garbage collector gets to them. `onAborted` (optional) is called right after the
 * signal aborts, for the layer's own bookkeeping, without an event listener on the signal.
 */
export function layerSignal(runSignal: AbortSignal, timeoutMs: number, onAborted?: () => void): LayerSignalHandle {
  const signal = new LayerSignal();
  if (runSignal.aborted) {
    signal.abort(runSignal.reason);
    return { signal, dispose: () => {} };
  }
  let immediate: NodeJS.Immediate | undefined;
  const abort = (reason: unknown): void => {
    if (signal.aborted) return;
    signal.abort(reason);
    onAborted?.();
  };
  const timer = setTimeout(() => {
    immediate = strikeAfterPendingIo(() => abort(layerTimeoutReason(timeoutMs)));
  }, timeoutMs);
  const detach = onAbort(runSignal, () => abort(runSignal.reason));
  return {
    signal,
    dispose: () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      detach();
    },
  };
}

/**
 * Runs `strike` after the I/O that is already waiting has been handled (setImmediate runs after
 * the event loop's poll phase). Why: Node runs expired timers BEFORE it reads ready sockets, so
 * when a busy loop (thousands of endpoints on a shared CPU) falls behind, a timeout would strike
 * although the answer (a SYN-ACK, a DNS reply) already sits in the socket: a false timeout
 * verdict. Measured in docs/benchmarks.md: hundreds of them in a 5,000-endpoint run without this.
 * Costs one loop turn on a timeout, nothing otherwise. Clear the result with clearImmediate.
 */
export function strikeAfterPendingIo(strike: () => void): NodeJS.Immediate {
  return setImmediate(strike);
}

/** An object told when a signal aborts (watchAbort): one per DNS query, without closures. */
export interface AbortWatcher {
  abortFired(): void;
}

/** The callbacks and watchers attached to a signal through onAbort() and watchAbort(), behind one real listener per signal. */
const fanOuts = new WeakMap<AbortSignal, Set<(() => void) | AbortWatcher>>();

/** The fan-out set of `signal`, with its one real listener attached on first use. */
function fanOutOf(signal: AbortSignal): Set<(() => void) | AbortWatcher> {
  let listeners = fanOuts.get(signal);
  if (listeners === undefined) {
    const created = new Set<(() => void) | AbortWatcher>();
    signal.addEventListener(
      'abort',
      () => {
        // A copy: listeners detach themselves (and others) while we call them.
        const each = [...created];
        created.clear();
        for (const listener of each) {
          if (typeof listener === 'function') listener();
          else listener.abortFired();
        }
      },
      { once: true },
    );
    fanOuts.set(signal, created);
    listeners = created;
  }
  return listeners;
}

/**
 * Like onAbort for an object: calls `watcher.abortFired()` once when `signal` aborts (at once when
 * it already has) unless unwatchAbort() came first. Watching the same object twice watches it once.
 */
export function watchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  if (signal.aborted) watcher.abortFired();
  else fanOutOf(signal).add(watcher);
}

/** Stops watching (nothing when it was not watched, or the signal has aborted). */
export function unwatchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  fanOuts.get(signal)?.delete(watcher);
}

/**
 * Calls `listener` once when `signal` aborts (at once when it already has) and returns a function
 * that detaches it. Use it for signals that thousands of callers watch at the same time (the run
 * signal): Node's EventTarget walks its whole listener list on every addEventListener (duplicate
 * check), which made a 5,000-endpoint run spend seconds of CPU there; a Set adds and removes in O(1).
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return () => {};
  }
  const listeners = fanOutOf(signal);
  // A fresh wrapper per call, so attaching the same function twice calls it twice, each detachable.
  const entry = (): void => {
    listeners.delete(entry);
    listener();
  };
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}

/** A promise that resolves after `ms`, with a timer that does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts, whichever is
 * first; the abort listener is removed either way. Guards against a stall the client itself does
 * not watch (undici ignores the signal of a request it has not dispatched yet).
 */
export function untilAborted<T>(promise: Promise<T>, signal: CheckSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      promise.catch(() => undefined); // its rejection is expected, not unhandled
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Settles like `promise`, or resolves with `fallback()` as soon as `signal` aborts: for a step
 * that takes no signal of its own (the token source), where running out of time is an answer.
 */
export function raceAbort<T>(promise: Promise<T>, signal: CheckSignal, fallback: () => T): Promise<T> {
  return untilAborted(promise, signal).catch((error: unknown) => {
    if (signal.aborted && error === signal.reason) return fallback();
    throw error instanceof Error ? error : new Error(String(error));
  });
}
