// Which check runs a layer, and when its module loads: on first use, or earlier by prefetch once
// the run's name lookups are out of the way. Used by the pipeline (./pipeline.ts) and the run
// (./run-endpoints.ts prefetchChecks).

import { PROBE_KINDS, kindOf, layersOf } from '../checks/kinds.js';
import type { Check } from '../model/check.js';
import type { Endpoint, Layer } from '../model/endpoint.js';

/** A check whose module loads on first use, with a way to start loading it early. */
export interface LazyCheck extends Check {
  prefetch: () => Promise<Check>;
  /** True once the module has loaded. */
  loaded: boolean;
}

/**
 * undici and ws cost about 200 ms of start-up between them, node:tls tens of milliseconds: a
 * TCP-only run never needs them, and a run that does starts loading them while its first
 * connections are still in flight (prefetch). Every kind loads its check this way (src/checks/kinds.ts).
 */
function lazyCheck(load: () => Promise<Check>): LazyCheck {
  let loading: Promise<Check> | undefined;
  let own: Check | undefined;
  const prefetch = (): Promise<Check> =>
    (loading ??= load().then((loaded) => {
      own = loaded;
      lazy.loaded = true;
      return loaded;
    }));
  // Once loaded, the check itself: no async wrapper and no extra turn per layer of every endpoint.
  const check: Check = (endpoint, state, ctx) => (own !== undefined ? own(endpoint, state, ctx) : prefetch().then((loaded) => loaded(endpoint, state, ctx)));
  const lazy: LazyCheck = Object.assign(check, { prefetch, loaded: false });
  return lazy;
}

/** Dispatch from layer to check, one per probe kind, made on first use of the layer. */
const checks = new Map<string, LazyCheck>();
export function checkOf(layer: Layer): LazyCheck {
  let check = checks.get(layer);
  if (check === undefined) {
    const kind = kindOf(layer);
    // A layer without a kind is an amlprobe bug: its call rejects and runLayer reports internal_error.
    check = lazyCheck(() => (kind === undefined ? Promise.reject(new Error(`no probe kind for the ${layer} layer`)) : kind.load()));
    checks.set(layer, check);
  }
  return check;
}

// The light checks load with the engine, as their static imports did: before any run's clock starts.
for (const kind of PROBE_KINDS) if (kind.preload === true) checkOf(kind.layer).prefetch().catch(() => {});

/**
 * DNS layers under way, and prefetches waiting for them. Loading undici blocks the event loop for
 * 100-200 ms: done while name lookups are out, it holds their answers, and every connection after
 * them, so a dropped endpoint's timeout started that much later (issue 15, the 60-endpoint case).
 * A prefetch therefore waits until no lookup is under way; a layer that needs its check sooner
 * loads it itself (runLayer), before its clock starts.
 */
let resolving = 0;
let afterLookups: (() => void)[] = [];

/** An endpoint's DNS layer starts. */
export function lookupStarted(): void {
  resolving += 1;
}

/** An endpoint's DNS layer is over (whatever its result): prefetches waiting for the last one start. */
export function lookupDone(): void {
  resolving -= 1;
  if (resolving > 0 || afterLookups.length === 0) return;
  const waiting = afterLookups;
  afterLookups = [];
  // The next turn: the answers just in start their connections first.
  setImmediate(() => {
    for (const start of waiting) start();
  });
}

/** Resolves once no lookup is under way (at once when none is). */
export function lookupsDone(): Promise<void> {
  if (resolving === 0) return Promise.resolve();
  return new Promise((resolve) => afterLookups.push(resolve));
}

/**
 * Starts loading the checks the endpoints' layers will need once no lookup is under way and, with
 * `afterStarts` (the run's start turns, ./start-turns.ts), once the layers already waiting to start
 * have started: the connections that the last answers let go wait for a turn too, and must not
 * wait behind the loading. Never rejects.
 */
export function prefetchChecks(endpoints: readonly Endpoint[], afterStarts: () => Promise<void> = () => Promise.resolve()): void {
  const layers = new Set<Layer>();
  for (const protocol of new Set(endpoints.map((e) => e.protocol))) for (const layer of layersOf(protocol)) layers.add(layer);
  const start = (): void => {
    void afterStarts().then(() => {
      for (const layer of layers) checkOf(layer).prefetch().catch(() => {});
    });
  };
  if (resolving === 0) start();
  else afterLookups.push(start);
}
