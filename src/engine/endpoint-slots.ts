// At most `concurrency` endpoints probed at once, the others started in plan order as slots free up
// (the concurrency cap itself is decided by the plan: src/plan/open-files.ts, build-settings.ts).
//
// Why not p-limit: it wraps every task in about eight promises and closures (its queue item, the
// task's promise, an async runner and the runner's own wait), made for every endpoint of a run
// before the first packet and kept while the endpoint is in flight. With every endpoint of a large
// run in flight at once (issue 15) that was a fifth of the promises an endpoint made; here a task
// is one call and one reaction.

/** What runInSlots hands back: every task's end, and a way to start no more. */
export interface Slots {
  /** Resolves when every task has finished; rejects with the first task that failed. */
  done: Promise<void>;
  /** Starts no further task (those running go on; `done` then never resolves). */
  stop(): void;
}

/**
 * Runs task(0) .. task(count - 1), in that order, at most `concurrency` at once; a finished task's
 * slot goes to the next index in the same turn. The first tasks start one microtask after the call,
 * so that the caller finishes setting up first.
 */
export function runInSlots(count: number, concurrency: number, task: (index: number) => Promise<void>): Slots {
  let next = 0;
  let active = 0;
  let finished = 0;
  let stopped = false;
  let resolveDone: () => void = () => {};
  let rejectDone: (error: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const settled = (): void => {
    active -= 1;
    finished += 1;
    if (finished === count) resolveDone();
    else fill();
  };
  const fill = (): void => {
    while (!stopped && active < concurrency && next < count) {
      active += 1;
      let started: Promise<void>;
      try {
        started = task(next++);
      } catch (error) {
        rejectDone(error);
        return;
      }
      started.then(settled, rejectDone);
    }
  };
  if (count === 0) resolveDone();
  else queueMicrotask(fill);
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}
