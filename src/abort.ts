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
  const onRunAbort = (): void => controller.abort(runSignal.reason);
  const timer = setTimeout(() => controller.abort(new LayerTimeoutError(timeoutMs)), timeoutMs);
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRunAbort);
    },
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
