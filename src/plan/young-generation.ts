// How large V8's young generation may grow while a run probes, decided with the rest of the plan
// from the number of endpoints; src/cli/gc-tuning.ts obeys it.
//
// Why: with every endpoint of a large run in flight at once, V8 doubles the young generation up to
// its own limit (2 x 16 MB on 64-bit) within the first half second (planning 5,000 targets already
// took it there), and that memory stays resident to the end: at 5,000 endpoints it was about 20 of
// the run's 137-143 MiB peak. Held at 8 MB (what --max-semi-space-size=4 gives), the 5,000 run
// peaks at about 120 MiB and the 20,000 one 25 MiB lower, at the same CPU; smaller still made each
// scavenge copy so much live probe state that garbage collection paused the loop longer. Beyond
// 20,000 endpoints the probe state in flight is so large that 8 MB meant four times the scavenges
// (50,000: about 840 against 190, 4-6 s of pauses against 2-4) for no steady gain in peak, so such
// a run keeps V8's own growth, as does a small run, which never grows it far (bench/notes.json,
// issue 15, change 32).

/** The young generation's bound for a run's probes. */
export interface YoungGenerationPolicy {
  /**
   * Bytes the young generation (new space, both semi-spaces, as `v8.getHeapSpaceStatistics()`
   * reports it) may grow to; undefined: as far as V8 itself lets it.
   */
  readonly capBytes: number | undefined;
}

/** Runs of this many endpoints and up to CAPPED_UP_TO_ENDPOINTS have their young generation capped. */
export const CAPPED_FROM_ENDPOINTS = 1000;

/** The largest run whose young generation is capped (measured at 5,000 and 20,000; not at 50,000). */
export const CAPPED_UP_TO_ENDPOINTS = 20_000;

/** The cap: 8 MB of new space, what `--max-semi-space-size=4` gives at start. */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/** The policy for a run of `endpointCount` endpoints. */
export function youngGenerationFor(endpointCount: number): YoungGenerationPolicy {
  const capped = endpointCount >= CAPPED_FROM_ENDPOINTS && endpointCount <= CAPPED_UP_TO_ENDPOINTS;
  return { capBytes: capped ? YOUNG_GENERATION_CAP_BYTES : undefined };
}

/**
 * Whether start-up and planning keep the young generation held at its start size: yes unless the
 * command line (`argumentCount` arguments, at least one per target given there) may name more
 * endpoints than a capped run has. Held while planning 50,000 targets, V8 made about 85 scavenges
 * before the first packet instead of 12, and the run about 1 s more CPU; the plan frees it anyway.
 */
export function heldWhilePlanning(argumentCount: number): boolean {
  return argumentCount <= CAPPED_UP_TO_ENDPOINTS;
}
