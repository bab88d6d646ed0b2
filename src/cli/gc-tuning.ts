// Garbage-collector tuning for amlprobe's workload, set once at start-up. Imported first by
// src/cli.ts, for its side effect, so that it applies before anything has allocated.
//
// Why: a probe run keeps hundreds of probes in flight whose state outlives several scavenges, and
// V8's defaults answer that by growing the heap, not by collecting it:
// - the young generation doubles (up to 2 × 16 MB on a 64-bit machine with plenty of memory)
//   whenever enough objects survive; --semi-space-growth-factor=1 keeps it at its starting size;
// - the old generation may grow up to four times its live size before the next full collection;
//   --heap-growing-percent=100 caps that at twice.
// Measured on the 5,000-endpoint benchmark (docs/benchmarks.md, fix 9): peak RSS from 163-184 MiB
// to 105-108 MiB side by side, same wall time; the 1,000-name DNS case from 110 MiB to 84 MiB. The
// price is more garbage-collection CPU (tenths of a second in that run, hidden by its waits).
// V8 reads both flags whenever it resizes the heap, so setting them at run time takes effect;
// they change memory tuning only, never behaviour. Node's own flags still apply on top (e.g.
// NODE_OPTIONS=--min-semi-space-size=16 for a larger young generation).

import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=100');
