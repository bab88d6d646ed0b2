// At most a batch of layer starts per turn of the event loop, the deadline timer running between
// batches (why: src/engine/run-endpoints.ts). The waiters queue and each is woken once: with every
// endpoint of a large run in flight at once (issue 15), 20,000 layers waited for a turn together,
// and a loop that woke them all each turn to let 64 through was quadratic (about three million
// wake-ups, most of a 20,000-endpoint run's CPU and garbage).
//
// An endpoint already under way goes first: its next layer (TCP after DNS, TLS after TCP) starts
// before another endpoint's first one. In arrival order alone, the TCP connects of a
// 50,000-endpoint run queued behind 20,000 DNS starts at 64 a turn, and the deadline struck with
// no endpoint finished; the first layers gain nothing by starting early, as their DNS queries
// wait for a slot anyway (src/dns/udp-slots.ts).

/** Resolves when the caller may start its layer; `continuing` for a layer after an endpoint's first. */
export type StartTurn = (continuing?: boolean) => Promise<void>;

/** A queue of waiters in arrival order, each woken once. */
class Waiters {
  #list: (() => void)[] = [];
  #head = 0;

  get empty(): boolean {
    return this.#head === this.#list.length;
  }

  push(wake: () => void): void {
    this.#list.push(wake);
  }

  /** Wakes the oldest waiter; false when there was none. */
  wakeOne(): boolean {
    if (this.empty) return false;
    this.#list[this.#head++]!();
    if (this.empty) {
      this.#list = [];
      this.#head = 0;
    } else if (this.#head >= 4096 && this.#head * 2 >= this.#list.length) {
      // Drop the woken part now and then, so that a long queue does not keep it all.
      this.#list = this.#list.slice(this.#head);
      this.#head = 0;
    }
    return true;
  }
}

/** Returns `startTurn` for at most `batch` starts per turn of the event loop. */
export function startTurns(batch: number): StartTurn {
  let startedThisTurn = 0;
  const continuing = new Waiters();
  const first = new Waiters();
  let scheduled = false;

  // Runs in the check phase (setImmediate): the next batch then starts one loop iteration later,
  // after that iteration's timers phase, where a due deadline strikes. Unlike setTimeout(0) it
  // pays no 1 ms timer floor per batch.
  const nextTurn = (): void => {
    scheduled = false;
    startedThisTurn = 0;
    while (startedThisTurn < batch && (continuing.wakeOne() || first.wakeOne())) startedThisTurn += 1;
    if (!continuing.empty || !first.empty) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(nextTurn);
  };

  return (isContinuing = false) => {
    const queue = isContinuing ? continuing : first;
    // Nobody this one would overtake, and room left in this turn.
    if (startedThisTurn < batch && continuing.empty && (isContinuing || first.empty)) {
      startedThisTurn += 1;
      return Promise.resolve();
    }
    schedule();
    return new Promise<void>((resolve) => queue.push(resolve));
  };
}
