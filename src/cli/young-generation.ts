// Keeps V8's young generation at the size it starts with. Imported first by src/cli.ts, for its
// side effect, so that it applies before anything has allocated.
//
// Why: V8 doubles the young generation (up to 2 × 16 MB on a 64-bit machine with plenty of memory)
// whenever enough objects survive its scavenges, and a probe run is exactly that workload:
// hundreds of probes in flight whose state outlives several scavenges. The larger young
// generation bought no speed here and cost about 40 MB of peak memory in a 5,000-endpoint run
// (docs/benchmarks.md: 163-184 MB before, about 125 MB after, same wall time; the 1,000-name DNS
// case went from 110 MB to 84 MB). V8 reads this flag each time it considers growing, so setting
// it at start-up takes effect; it changes GC tuning only, never behaviour. A user who wants a
// larger young generation can still ask for one: NODE_OPTIONS=--min-semi-space-size=16.

import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
