// Why a check was told to stop. Checks read `ctx.signal.reason.name`: 'TimeoutError' means the
// layer's own timeout (a verdict: dropped packets, a silent peer), 'DeadlineError' means the
// whole-run deadline (no verdict about the endpoint: amlprobe ran out of time).

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

/** The whole-run deadline struck. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';

  constructor(deadlineMs: number) {
    super(`the run deadline of ${deadlineMs} ms was reached`);
  }
}

/** True when the signal was aborted by the run deadline rather than a layer timeout. */
export function abortedByDeadline(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as Error | undefined)?.name === 'DeadlineError';
}

/** A signal for one layer: aborts after `timeoutMs`, or as soon as the run signal aborts. */
export interface LayerSignal {
  signal: AbortSignal;
  /** Clears the timer and the listener on the run signal; call it when the layer is done. */
  dispose: () => void;
}

/**
 * Builds a layer's signal by hand rather than with AbortSignal.any/timeout: with thousands of
 * endpoints we want the timer and the run-signal listener released the moment a layer finishes,
 * not when the garbage collector gets to them.
 */
export function layerSignal(runSignal: AbortSignal, timeoutMs: number): LayerSignal {
  const controller = new AbortController();
  if (runSignal.aborted) {
    controller.abort(runSignal.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = strikeAfterPendingIo(() => controller.abort(new LayerTimeoutError(timeoutMs)));
  }, timeoutMs);
  const detach = onAbort(runSignal, () => controller.abort(runSignal.reason));
  return {
    signal: controller.signal,
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

/** The callbacks attached to a signal through onAbort(), behind one real listener per signal. */
const fanOuts = new WeakMap<AbortSignal, Set<() => void>>();

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
  let listeners = fanOuts.get(signal);
  if (listeners === undefined) {
    const created = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        // A copy: listeners detach themselves (and others) while we call them.
        for (const each of [...created]) each();
        created.clear();
      },
      { once: true },
    );
    fanOuts.set(signal, created);
    listeners = created;
  }
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

/** Resolves (never rejects) once the signal aborts; resolves at once when it already has. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A promise that resolves after `ms`, with a timer that does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
