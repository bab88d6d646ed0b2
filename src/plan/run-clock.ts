// When the run deadline starts and how it is shared. `--deadline` covers the whole command, from
// its start to the report: the steps before the first probe (DNS and Azure DNS pre-flight, IMDS,
// the access token, registry discovery) used to run outside it, so `--deadline 3s` took 3.9 s with
// a stalled discovery host and healthcheck's documented 10 s took 13.7 s. They now get a bounded
// share of it, each under an abort, and the engine gets whatever time is left.

/** The largest share of the deadline that the steps before the first probe may use together. */
export const PRE_RUN_SHARE = 1 / 3;

let commandStart: number | undefined;

/**
 * Marks the start of the command (cli.ts, as soon as it is parsed): from here on everything the
 * command does, loading its modules included, counts against the deadline. Node's own start-up is
 * before it: it is the same for every command and not amlprobe's to bound.
 */
export function markCommandStart(now = performance.now()): void {
  commandStart ??= now;
}

/** When the one-shot command started (run, check, healthcheck): the mark, else now. */
export function commandStartedAt(): number {
  return commandStart ?? performance.now();
}

/** A run's clock: when it started (a performance.now() reading) and its deadline. */
export interface RunClock {
  startedAt: number;
  deadlineMs: number;
  /**
   * When the pre-run steps must be done: a third of the deadline after the first of them started
   * (loading and planning before it count against the deadline, not against this share), never
   * after the deadline itself. Set by the first pre-run step; later ones share it.
   */
  preRunEndsAt?: number;
}

/** The end of the pre-run share, fixed by the first pre-run step that asks. */
export function preRunEndsAt(clock: RunClock, now = performance.now()): number {
  clock.preRunEndsAt ??= Math.min(now + clock.deadlineMs * PRE_RUN_SHARE, clock.startedAt + clock.deadlineMs);
  return clock.preRunEndsAt;
}

/** Milliseconds of the deadline left now (0 when it has passed). */
export function remainingMs(clock: RunClock, now = performance.now()): number {
  return Math.max(0, clock.startedAt + clock.deadlineMs - now);
}

/** Milliseconds left for pre-run steps now: their share, less what they already used (0 when spent). */
export function preRunRemainingMs(clock: RunClock, now = performance.now()): number {
  return Math.max(0, preRunEndsAt(clock, now) - now);
}

/** Why a pre-run step was cut short: the sentence the step's row or note quotes. */
export class PreRunBudgetError extends Error {
  override readonly name = 'PreRunBudgetError';

  constructor(clock: RunClock) {
    super(`the steps before probing may use a third of the ${clock.deadlineMs} ms run deadline (${Math.round(clock.deadlineMs * PRE_RUN_SHARE)} ms), and it was used up`);
  }
}

/**
 * A signal that aborts (with a PreRunBudgetError) when the pre-run share is used up. Its timer does
 * not keep the process alive; call dispose() when the pre-run steps are done.
 */
export function preRunSignal(clock: RunClock): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const left = preRunRemainingMs(clock);
  if (left <= 0) {
    controller.abort(new PreRunBudgetError(clock));
    return { signal: controller.signal, dispose: () => {} };
  }
  const timer = setTimeout(() => controller.abort(new PreRunBudgetError(clock)), left);
  timer.unref();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
