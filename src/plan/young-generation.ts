// How large V8's young generation may grow while a run probes, decided with the rest of the plan
// from the number of endpoints; src/cli/gc-tuning.ts obeys it.
//
// Why: with every endpoint of a large run in flight at once, V8 doubles the young generation up to
// its own limit (2 x 16 MB on 64-bit) within the first half second (planning 5,000 targets already
// takes it there), and that memory stays resident to the end: at 5,000 endpoints it was about 25 of
// the run's 140-150 MiB peak. Held at 8 MB (V8's --max-semi-space-size=4), the 5,000 run peaks about
// 20 MiB lower; smaller still made each scavenge copy so much live probe state that garbage
// collection paused the loop noticeably longer (bench/notes.json, issue 15). A small run never
// grows it far, so it keeps V8's own growth.

/** The young generation's bound for a run's probes. */
export interface YoungGenerationPolicy {
  /**
   * Bytes the young generation (new space, both semi-spaces, as `v8.getHeapSpaceStatistics()`
   * reports it) may grow to; undefined: as far as V8 itself lets it.
   */
  readonly capBytes: number | undefined;
}

/** From this many endpoints on, a run's young generation is capped. */
export const CAPPED_FROM_ENDPOINTS = 1000;

/** The cap: 8 MB of new space, what `--max-semi-space-size=4` gives at start. */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/** The policy for a run of `endpointCount` endpoints. */
export function youngGenerationFor(endpointCount: number): YoungGenerationPolicy {
  return { capBytes: endpointCount >= CAPPED_FROM_ENDPOINTS ? YOUNG_GENERATION_CAP_BYTES : undefined };
}
