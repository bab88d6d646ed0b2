// Garbage-collector tuning for amlprobe's workload. Imported first by src/cli/main.ts, for its side
// effect, so that it applies before anything has allocated (the flags themselves: ./gc-flags.ts;
// the one-file tool's stub applies them too, before compiling); the run's plan then says how far
// the young generation may grow while it probes (src/plan/young-generation.ts), and
// `obeyYoungGeneration` holds it there.
//
// Old generation: a probe run keeps thousands of probes in flight whose state outlives several
// scavenges, and V8 may let the old generation grow up to four times its live size before the next
// full collection; --heap-growing-percent=100 caps that at twice (peak RSS of the 5,000-endpoint
// benchmark from 163-184 MiB to 105-108 MiB when it came in, docs/benchmarks.md fix 9).
//
// Young generation: held at its starting size (--semi-space-growth-factor=1) from start until the
// plan is made. Left free, V8 doubled it to its own limit (2 x 16 MB) while planning a large run
// (5,000 targets: before the first packet), and that memory stayed resident to the end. Held at the
// starting size for the probes too, garbage collection took most of a 20,000-endpoint run (issue 15:
// each scavenge copied and promoted live probe state), so the plan gives the probes room: V8's own
// growth for a small run, a cap for a large one. V8 reads the factor whenever it would grow the new
// space, so a change at run time takes effect; on the command line V8 raises a factor below 2 to 2,
// which is why it is set here. Memory tuning only, never behaviour. Node's own flags still apply on
// top: a run started with its own young-generation flags keeps them (NODE_OPTIONS=--max-semi-space-size=N).

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import type { YoungGenerationPolicy } from '../plan/young-generation.js';
import { gcFlags, YOUNG_GENERATION_FREE, YOUNG_GENERATION_HELD, youngGenerationTunedByUser } from './gc-flags.js';

const userTuned = youngGenerationTunedByUser(process.execArgv, process.env.NODE_OPTIONS);
setFlagsFromString(gcFlags(process.execArgv, process.env.NODE_OPTIONS));

/** The young generation's size as V8 reports it (new space, both semi-spaces). */
export function youngGenerationBytes(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}

let watcher: PerformanceObserver | undefined;
let release: NodeJS.Immediate | undefined;

/**
 * Lets the young generation grow as `policy` says: up to its cap, then held there, or as far as V8
 * lets it. Called right before the engine starts. A cap takes effect at the next turn of the event
 * loop: the engine's start is one synchronous block (every endpoint's task made at once), in which
 * a free young generation doubled from 2 to 16 MB before anything could stop it. Without a cap it
 * is free at once (held through the engine's start, 50,000 endpoints made 70 more scavenges).
 */
export function obeyYoungGeneration(policy: YoungGenerationPolicy | undefined): void {
  if (userTuned) return;
  stopWatching();
  const cap = policy?.capBytes;
  if (cap === undefined) {
    growUpTo(undefined);
    return;
  }
  release = setImmediate(() => {
    release = undefined;
    growUpTo(cap);
  });
  // A timer of its own must not keep a process alive that has nothing else to do.
  release.unref();
}

function stopWatching(): void {
  if (release !== undefined) clearImmediate(release);
  release = undefined;
  watcher?.disconnect();
  watcher = undefined;
}

/**
 * V8 doubles the young generation at a scavenge when enough survived it; each collection is
 * observed and growth stopped once the cap is reached. The observer hears of a collection a turn
 * of the loop late, so the cap holds when a turn cannot double it twice (the engine's turns are
 * short: at most 64 layer starts each).
 */
function growUpTo(cap: number | undefined): void {
  if (cap === undefined) {
    setFlagsFromString(YOUNG_GENERATION_FREE);
    return;
  }
  if (youngGenerationBytes() >= cap) {
    setFlagsFromString(YOUNG_GENERATION_HELD);
    return;
  }
  const observer = new PerformanceObserver(() => {
    if (youngGenerationBytes() < cap) return;
    setFlagsFromString(YOUNG_GENERATION_HELD);
    observer.disconnect();
    if (watcher === observer) watcher = undefined;
  });
  watcher = observer;
  observer.observe({ entryTypes: ['gc'] });
  setFlagsFromString(YOUNG_GENERATION_FREE);
}
