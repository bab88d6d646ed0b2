// The one updating line on stderr while probes run ("probing: 58/60 done, waiting for 2: acr, mcr").
// Throttled because 60 endpoints finishing within a millisecond would otherwise redraw the line
// 60 times; the latest numbers are always drawn eventually, by a trailing timer.

/** What the progress line writes to: a TTY stream (columns keeps the line from wrapping). */
export interface ProgressStream {
  write(chunk: string): boolean;
  columns?: number;
}

/** A moment of the run, as the engine counts it (src/engine/run-endpoints.ts: a live view, read when the line is drawn). */
export interface ProgressCounts {
  done: number;
  running: number;
  /** The ids of the endpoints in flight: what the run is waiting for. */
  waiting?: readonly string[];
}

/** A live progress line. */
export interface Progress {
  /** Reports how many endpoints are finished and which are in flight. */
  update(counts: ProgressCounts): void;
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

/**
 * The progress text, without control characters: done, running and queued add up to the total,
 * and the ids in flight follow as long as the width allows ("+3 more" for the rest).
 */
export function progressText(total: number, counts: ProgressCounts, width = Infinity): string {
  const { done, running } = counts;
  const queued = Math.max(0, total - done - running);
  const noun = total === 1 ? 'endpoint' : 'endpoints';
  const head = `probing ${total} ${noun}: ${done} done` + (queued > 0 ? `, ${queued} queued` : '');
  const waiting = counts.waiting ?? [];
  if (running === 0) return head;
  if (waiting.length === 0) return `${head}, ${running} running`;
  let text = `${head}, waiting for ${running}: ${waiting[0]}`;
  for (let i = 1; i < waiting.length; i += 1) {
    const rest = waiting.length - i;
    const next = `${text}, ${waiting[i]}`;
    // Room must remain for the "+N more" that a later cut would need.
    const tail = rest > 1 ? ` +${rest - 1} more`.length : 0;
    if (next.length + tail > width) return `${text} +${rest} more`;
    text = next;
  }
  return text;
}

/** A throttled single-line progress display; the CLI uses it only when stderr is a TTY. */
export function createProgress(stream: ProgressStream, total: number, options: ProgressOptions = {}): Progress {
  const intervalMs = options.intervalMs ?? 100;
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;
  let pending: ProgressCounts | null = null;
  let timer: NodeJS.Timeout | null = null;

  const draw = (): void => {
    if (pending === null) return;
    // A line longer than the terminal wraps, and \r then only clears its last part.
    const columns = stream.columns;
    const width = columns !== undefined && columns > 1 ? columns - 1 : Infinity;
    let text = progressText(total, pending, width);
    if (text.length > width) text = text.slice(0, width);
    stream.write(CLEAR_LINE + text);
    drawn = true;
    pending = null;
    lastDraw = performance.now();
  };

  return {
    update(counts) {
      if (finished) return;
      pending = counts;
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
