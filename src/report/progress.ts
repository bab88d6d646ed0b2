// The one updating line on stderr while probes run ("probing 12/60 endpoints… (8 running)").
// Throttled because 60 endpoints finishing within a millisecond would otherwise redraw the line
// 60 times; the latest numbers are always drawn eventually, by a trailing timer.

/** What the progress line writes to: a TTY stream (columns keeps the line from wrapping). */
export interface ProgressStream {
  write(chunk: string): boolean;
  columns?: number;
}

/** A live progress line. */
export interface Progress {
  /** Reports how many endpoints are finished and how many are in flight. */
  update(done: number, running: number): void;
  /** Stops updating and erases the line so the report starts on a clean line. */
  done(): void;
}

/** Options for tests and unusual terminals. */
export interface ProgressOptions {
  /** Minimum time between two redraws, ms (default 100: about ten updates a second). */
  intervalMs?: number;
}

// Carriage return then "erase whole line": the line is redrawn in place.
const CLEAR_LINE = '\r\x1b[2K';

/** The progress text, without control characters. */
export function progressText(done: number, total: number, running: number): string {
  const noun = total === 1 ? 'endpoint' : 'endpoints';
  return `probing ${done}/${total} ${noun}…` + (running > 0 ? ` (${running} running)` : '');
}

/** A throttled single-line progress display; the CLI uses it only when stderr is a TTY. */
export function createProgress(stream: ProgressStream, total: number, options: ProgressOptions = {}): Progress {
  const intervalMs = options.intervalMs ?? 100;
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;
  let pending: { done: number; running: number } | null = null;
  let timer: NodeJS.Timeout | null = null;

  const draw = (): void => {
    if (pending === null) return;
    let text = progressText(pending.done, total, pending.running);
    // A line longer than the terminal wraps, and \r then only clears its last part.
    const columns = stream.columns;
    if (columns !== undefined && columns > 1 && text.length > columns - 1) text = text.slice(0, columns - 1);
    stream.write(CLEAR_LINE + text);
    drawn = true;
    pending = null;
    lastDraw = performance.now();
  };

  return {
    update(done, running) {
      if (finished) return;
      pending = { done, running };
      const wait = lastDraw + intervalMs - performance.now();
      if (wait <= 0) {
        draw();
      } else if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          if (!finished) draw();
        }, wait);
        // Never keep the process alive just to redraw a progress line.
        timer.unref();
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = null;
      if (drawn) stream.write(CLEAR_LINE);
    },
  };
}
