// At most a batch of layer starts per turn of the event loop, the deadline timer running between
// batches (why: src/engine/run-endpoints.ts). The waiters queue in arrival order and each is woken
// once: with every endpoint of a large run in flight at once (issue 15), 20,000 layers waited for a
// turn together, and a loop that woke them all each turn to let 64 through was quadratic (about
// three million wake-ups, most of a 20,000-endpoint run's CPU and garbage).

/** Returns `startTurn`: resolves when the caller may start its layer. */
export function startTurns(batch: number): () => Promise<void> {
  let startedThisTurn = 0;
  let waiting: (() => void)[] = [];
  let head = 0;
  let scheduled = false;

  // Resolves in the check phase (setImmediate): the next batch then starts one loop iteration
  // later, after that iteration's timers phase, where a due deadline strikes. Unlike setTimeout(0)
  // it pays no 1 ms timer floor per batch.
  const nextTurn = (): void => {
    scheduled = false;
    startedThisTurn = 0;
    while (startedThisTurn < batch && head < waiting.length) {
      startedThisTurn += 1;
      waiting[head++]!();
    }
    if (head === waiting.length) {
      waiting = [];
      head = 0;
      return;
    }
    // Drop the woken part now and then, so that a long queue does not keep it all.
    if (head >= 4096 && head * 2 >= waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(nextTurn);
  };

  return () => {
    if (startedThisTurn < batch && head === waiting.length) {
      startedThisTurn += 1;
      return Promise.resolve();
    }
    schedule();
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
}
