// The serve loop's clock: run, wait out the rest of the interval, run again. A run that takes
// longer than the interval delays the next one instead of overlapping it, so a slow network never
// piles up runs (and sockets) on top of each other.

/** A running schedule. */
export interface Schedule {
  /** Stops the schedule: no run starts after this; a run in progress is left to finish or be abandoned. */
  stop(): void;
}

/**
 * Calls `run` at once, then again `intervalMs` after each run STARTED, or as soon as it ended when
 * it took longer than that. Runs never overlap. `run` should not reject; if it does, `onError` is
 * told and the schedule goes on.
 */
export function startSchedule(run: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void = () => {}): Schedule {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async (): Promise<void> => {
    if (stopped) return;
    const started = performance.now();
    try {
      await run();
    } catch (error) {
      onError(error);
    }
    if (stopped) return;
    const wait = Math.max(0, intervalMs - (performance.now() - started));
    timer = setTimeout(() => void tick(), wait);
  };

  void tick();
  return {
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
