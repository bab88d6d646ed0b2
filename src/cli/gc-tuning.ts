// Garbage-collector tuning for amlprobe's workload, set once at start-up. Imported first by
// src/cli.ts, for its side effect, so that it applies before anything has allocated (the flags
// themselves: ./gc-flags.ts; the one-file tool's stub applies them too, before compiling).
//
// Why: a probe run keeps thousands of probes in flight whose state outlives several scavenges,
// and V8 may let the old generation grow up to four times its live size before the next full
// collection; --heap-growing-percent=100 caps that at twice (peak RSS of the 5,000-endpoint
// benchmark from 163-184 MiB to 105-108 MiB when it came in, docs/benchmarks.md fix 9).
//
// The young generation is left to grow (V8's default, up to 2 × 16 MB). It used to be pinned at
// its starting size (--semi-space-growth-factor=1) to save RSS, but with every endpoint of a run
// in flight at once (issue 15) each scavenge then copied a young generation full of live probe
// state and promoted it: garbage collection was 65 % of a 20,000-endpoint run's profile (7.3 s of
// 11 s, most endpoints never probed) and 38 % of a 10,000-name DNS run; without the pin it is a
// fifth of either, at some tens of MiB more peak RSS (measured side by side, docs/benchmarks.md).
// V8 reads the flag whenever it resizes the heap, so setting it at run time takes effect; it
// changes memory tuning only, never behaviour. Node's own flags still apply on top (e.g.
// NODE_OPTIONS=--max-semi-space-size=4 for a smaller young generation).

import { setFlagsFromString } from 'node:v8';
import { GC_FLAGS } from './gc-flags.js';

setFlagsFromString(GC_FLAGS);
