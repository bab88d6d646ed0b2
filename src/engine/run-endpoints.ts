// The engine: every endpoint at once under one concurrency limit, one resolution per name, and a
// run deadline that probing never passes by more than the 250 ms fence (counted from the command's
// start when the caller says so, src/plan/run-clock.ts). Concurrency lives here and nowhere else.

import { setMaxListeners } from 'node:events';
import type { SecureContext } from 'node:tls';
import { DeadlineError, sleep } from '../abort.js';
import { withParsedSettings } from '../dns/parsed-settings.js';
import { prefetchChecks } from './check-loading.js';
import { notStartedResults, probeEndpoint } from './pipeline.js';
import type { Endpoint } from '../model/endpoint.js';
import type { NameResolution } from '../model/evidence.js';
import type { EndpointResult } from '../model/result.js';
import type { PlannedSettings } from '../model/settings.js';
import { toEndpointResult } from '../verdict.js';
import { finishEndpoints } from '../plan/finish-endpoints.js';
import { startTurns } from './start-turns.js';
import { runInSlots } from './endpoint-slots.js';

/**
 * Progress of a run, for the TTY progress line: done + running + queued = total, always (an
 * endpoint counts as running from its first layer to its result).
 * The engine hands out one live view of its counts, read when the line is drawn: copy it
 * (`{ ...progress }`) to keep a moment.
 */
export interface Progress {
  readonly done: number;
  readonly running: number;
  readonly total: number;
  /** The ids of the endpoints in flight, in plan order: what the run is still waiting for. */
  readonly waiting: string[];
}

/** What the engine needs besides endpoints and settings. */
export interface EngineOptions {
  /** The run's TLS trust store, or a function the first TLS handshake calls to build it (once). */
  secureContext?: SecureContext | (() => SecureContext);
  onProgress?: (progress: Progress) => void;
  /**
   * performance.now() reading the deadline counts from (the command's start, src/plan/run-clock.ts);
   * the engine gets what is left of it. Default: when runEndpoints is called.
   */
  startedAt?: number;
}

/** The engine's output: results in endpoint order (several per endpoint with allAddresses). */
export interface EngineOutcome {
  results: EndpointResult[];
  deadlineHit: boolean;
  durationMs: number;
}

/**
 * After the deadline, how long the engine waits for checks to hand in their "deadline" results
 * before it writes them itself. Every layer answers within its grace (see pipeline.ts), so this
 * is a second fence, not the normal path.
 */
const DEADLINE_FENCE_MS = 250;

/** A probe that did not start: settled already, one for the run. */
const NOTHING: Promise<void> = Promise.resolve();

/** Endpoints started between two turns of the event loop (see runEndpoints). */
const START_BATCH = 64;

/** Probes every endpoint concurrently and returns when all are done or the deadline has struck. */
export async function runEndpoints(planned: readonly Endpoint[], given: PlannedSettings, options: EngineOptions = {}): Promise<EngineOutcome> {
  // A resolved plan's settings and endpoints come finished (parsed values; route, expectations)
  // and pass through unchanged; hand-made ones (tests, the lab) are finished here by the plan's
  // own rules, once, before any probe.
  const settings = given.parsed !== undefined ? given : withParsedSettings(given);
  const endpoints = finishEndpoints(planned, settings);
  const started = options.startedAt ?? performance.now();
  const deadlineAt = started + settings.deadlineMs;
  const run = new AbortController();
  // Every in-flight layer and DNS query listens on the run signal: thousands at once is normal here.
  setMaxListeners(0, run.signal);
  const deadline = setTimeout(() => run.abort(new DeadlineError(settings.deadlineMs)), Math.max(0, deadlineAt - performance.now()));

  // One resolution per distinct name per run, shared by every endpoint on that name.
  const resolutions = new Map<string, Promise<NameResolution>>();
  // The resolver (the DNS wire client, dns-packet, the system lookup) loads with the run's first
  // name: a run of IP literals never needs it, and the unbundled CLI paid ~20 modules for it. Asked
  // once per run, not once per name: each import() goes through Node's module loader again (about
  // a dozen promises and 3 µs per name, with every name of a large run started at once; issue 15).
  let resolver: Promise<typeof import('../dns/resolve-name.js')> | undefined;
  const resolve = (name: string): Promise<NameResolution> => {
    const key = name.toLowerCase();
    let pending = resolutions.get(key);
    if (!pending) {
      resolver ??= import('../dns/resolve-name.js');
      pending = resolver.then(({ resolveName }) => resolveName(key, settings, run.signal));
      resolutions.set(key, pending);
    }
    return pending;
  };

  // At most START_BATCH layer starts per turn of the event loop, the deadline timer running between:
  // the slots start every free one in one go, and thousands of connects complete in one poll
  // phase, each starting a TLS handshake: 2,048 of them in one go were a stall of a second or more
  // during which the deadline could not strike (11-15 s against a 10 s deadline). The pipeline
  // waits for a turn before each layer (PipelineEnv.startTurn).
  const startTurn = startTurns(START_BATCH);
  const pastDeadline = (): boolean => {
    if (run.signal.aborted) return true;
    if (performance.now() < deadlineAt) return false;
    // The timer is late (a busy loop): strike now, by the clock.
    run.abort(new DeadlineError(settings.deadlineMs));
    return true;
  };
  const env = { settings, runSignal: run.signal, resolve, pastDeadline, startTurn, ...(options.secureContext ? { secureContext: options.secureContext } : {}) };

  // One probe per distinct target per run: two rows that name the same host, port, protocol, path,
  // proxy and expectations (the catalog's storage-blob and workspace-storage-blob, a config row
  // repeating a catalog row) share one set of connections; each keeps its own id, label,
  // requirement and meta in the report.
  const probes = new Map<string, Promise<EndpointResult[]>>();
  const probeOnce = (endpoint: Endpoint): Promise<EndpointResult[]> => {
    const key = probeKey(endpoint);
    const shared = probes.get(key);
    if (shared !== undefined) return shared.then((results) => results.map((r) => toEndpointResult(endpoint, r.address, r.checks)));
    const probed = probeEndpoint(endpoint, env);
    probes.set(key, probed);
    return probed;
  };
  const perEndpoint: (EndpointResult[] | undefined)[] = new Array(endpoints.length);
  let done = 0;
  const inFlight = new Set<number>();
  // A live view, its list of endpoints in flight made when read: the progress line reads it at most
  // ten times a second, but the engine reports every start and finish. A sorted list per report was
  // quadratic: with 20,000 endpoints in flight and stderr a terminal, the deadline struck before
  // any endpoint was probed (issue 15).
  const progress: Progress = {
    get done() {
      return done;
    },
    get running() {
      return inFlight.size;
    },
    total: endpoints.length,
    get waiting() {
      return [...inFlight].sort((a, b) => a - b).map((i) => endpoints[i]?.id ?? '');
    },
  };
  const report = (): void => options.onProgress?.(progress);

  const probe = (index: number): Promise<void> => {
    // Checked by the clock, not only by the signal: a late timer must not let more probes start.
    if (pastDeadline()) return NOTHING;
    inFlight.add(index);
    report();
    return probeOnce(endpoints[index]!).then(
      (results) => {
        perEndpoint[index] = results;
        inFlight.delete(index);
        done += 1;
        report();
      },
      (error: unknown) => {
        inFlight.delete(index);
        throw error;
      },
    );
  };
  const slots = runInSlots(endpoints.length, settings.concurrency, probe);
  const all = slots.done;
  // After the first connections are on their way: module loading blocks the event loop briefly.
  setImmediate(() => prefetchChecks(endpoints, () => startTurn()));
  const fence = new Promise<void>((resolveFence) => {
    // Counted from the deadline, not from the abort: stopping thousands of layers takes CPU of its own.
    run.signal.addEventListener('abort', () => void sleep(Math.max(0, deadlineAt + DEADLINE_FENCE_MS - performance.now())).then(resolveFence), { once: true });
  });

  try {
    await Promise.race([all, fence]);
  } finally {
    clearTimeout(deadline);
    slots.stop();
  }
  const deadlineHit = run.signal.aborted;
  const notStarted = notStartedResults(settings.deadlineMs);
  const results = endpoints.flatMap((endpoint, index) => perEndpoint[index] ?? [notStarted(endpoint)]);
  return { results, deadlineHit, durationMs: Math.round(performance.now() - started) };
}

/** What decides how an endpoint is probed: equal keys, equal probes (ids, labels and meta aside). */
function probeKey(endpoint: Endpoint): string {
  const payload = endpoint.udpPayload === undefined ? '' : endpoint.udpPayload.toString('hex');
  return [endpoint.protocol, endpoint.host, endpoint.port, endpoint.path, endpoint.proxy ?? '', payload, JSON.stringify(endpoint.expect)].join('|');
}
