// One endpoint through its layers: dns, then tcp or udp, then tls, then http or websocket.
// This is the never-throw boundary: whatever a check does (throws, hangs, ignores its signal),
// runLayer returns a LayerResult within the layer's timeout plus a short grace.

import { asLocalLimit } from './local-limit.js';
import { closeConnection } from './close-connection.js';
import { judgePrivateNameViaProxy } from './proxied-private-name.js';
import { layerSignal } from '../abort.js';
import { abortedResult, ownedResult } from './abort-result.js';
import { layersOf } from '../checks/kinds.js';
import { checkOf, lookupDone, lookupsDone, lookupStarted } from './check-loading.js';
import { cleanLayerResult } from '../untrusted/evidence.js';
import type { Endpoint, Layer } from '../model/endpoint.js';
import type { DnsData, NameResolution } from '../model/evidence.js';
import type { EndpointResult, LayerResult } from '../model/result.js';
import type { PlannedSettings, RunSettings } from '../model/settings.js';
import type { Check, CheckContext, ProbeState } from '../model/check.js';
import { skippedLayer, toEndpointResult } from '../verdict.js';
import type { SecureContext } from 'node:tls';

/**
 * How long a check may take to settle after its signal fired. Checks normally stop within a tick;
 * this only bounds a misbehaving one. Either way the engine writes the result (./abort-result.ts).
 */
const GRACE_MS = 50;

/**
 * The DNS layer has no timer of its own, only the run deadline. Why: the resolution it awaits is
 * bounded by each query's own timeout, counted from when the query is sent (src/dns/udp-slots.ts:
 * a query waiting for one of a server's UDP slots is not unanswered yet), by the system lookup's
 * timer and by the run deadline; a layer timer started with the layer would count that wait and
 * turn a burst's tail into false dns_timeout verdicts (issue 11). Its own sentence also says
 * which server timed out, which beats a generic "dns_timeout".
 */
const layerTimeoutMs = (layer: Layer, settings: RunSettings): number => (layer === 'dns' ? settings.deadlineMs : settings.timeoutMs);

/** What every probe of a run shares. */
export interface PipelineEnv {
  settings: PlannedSettings;
  /** Aborted with a DeadlineError when the run deadline strikes. */
  runSignal: AbortSignal;
  /** The trust store, or a function that builds it on first use (only TLS layers need it). */
  secureContext?: SecureContext | (() => SecureContext);
  resolve: (name: string) => Promise<NameResolution>;
  /**
   * True once the deadline has passed by the clock (aborting the run signal if its timer is late).
   * Why: on a saturated loop thousands of connects complete in one poll phase, each starting a TLS
   * handshake (about a millisecond of CPU), before the deadline timer gets its turn; checking the
   * clock before each layer keeps work from starting after the deadline.
   */
  pastDeadline?: () => boolean;
  /** Resolves when this layer may start: the engine lets a bounded number start per turn of the event loop. */
  startTurn?: (continuing?: boolean) => Promise<void>;
}

/** Probes one endpoint; one result, or one per address with settings.allAddresses. Never rejects. */
export async function probeEndpoint(endpoint: Endpoint, env: PipelineEnv): Promise<EndpointResult[]> {
  const [first, ...rest] = layersOf(endpoint.protocol);
  if (first !== 'dns') throw new Error(`protocol ${endpoint.protocol} must start with the dns layer`);
  const state: ProbeState = {};
  const proxied = goesThroughProxy(endpoint);
  lookupStarted();
  let resolved: LayerResult;
  try {
    resolved = await runLayer('dns', endpoint, state, env);
  } finally {
    lookupDone();
  }
  const dns = proxied ? informationalDns(resolved) : resolved;
  if (proxied && rest.length > 0) {
    // The proxy resolves the name and picks the address: one probe, through the tunnel; the
    // result's address stays null because this machine never learns where the proxy connected.
    // A name that is private here should not have gone to the proxy at all (proxied-private-name.ts).
    const connection = await probeAddress(endpoint, state.address, rest, env);
    return [toEndpointResult(endpoint, null, [judgePrivateNameViaProxy(endpoint, dns, connection), ...connection])];
  }
  if (dns.status === 'fail') {
    return [toEndpointResult(endpoint, null, [dns, ...rest.map((l) => skippedLayer(l, 'DNS failed'))])];
  }
  const addresses = addressesToProbe(dns, state, env.settings);
  if (rest.length === 0 || addresses.length === 0) {
    return [toEndpointResult(endpoint, addresses[0] ?? null, [dns, ...rest.map((l) => skippedLayer(l, 'no address'))])];
  }
  return Promise.all(
    addresses.map(async (address) => toEndpointResult(endpoint, address, [dns, ...(await probeAddress(endpoint, address, rest, env))])),
  );
}

/**
 * Results for the endpoints that the deadline kept from starting: at 50,000 endpoints tens of
 * thousands of them, built after the deadline has struck (issue 15). Their layer results are the
 * same for every endpoint of a protocol, so they are made once per protocol and shared; each
 * result keeps its own list of them.
 */
export function notStartedResults(deadlineMs: number): (endpoint: Endpoint) => EndpointResult {
  const layersByProtocol = new Map<Endpoint['protocol'], readonly LayerResult[]>();
  return (endpoint) => {
    let layers = layersByProtocol.get(endpoint.protocol);
    if (layers === undefined) {
      const [first, ...rest] = layersOf(endpoint.protocol);
      const missed: LayerResult = {
        layer: first ?? 'dns',
        status: 'fail',
        reason: 'deadline',
        ms: 0,
        message: `not started before the ${deadlineMs} ms run deadline`,
        detail: 'Raise --deadline, or --concurrency so that more endpoints run at once.',
      };
      layers = [missed, ...rest.map((l) => skippedLayer(l, 'run deadline'))];
      layersByProtocol.set(endpoint.protocol, layers);
    }
    return toEndpointResult(endpoint, null, [...layers]);
  };
}

/** Which addresses the connection layers use: the first, or all of them with --all-addresses. */
function addressesToProbe(dns: LayerResult, state: ProbeState, settings: RunSettings): string[] {
  if (settings.allAddresses) {
    const data = dns.data as DnsData | undefined;
    const all = data?.addresses.map((a) => a.address) ?? [];
    if (all.length > 0) return all;
  }
  return state.address ? [state.address] : [];
}

/** True when the plan routes the endpoint's connection layers through a forward proxy (an unusable proxy counts as direct: the tcp layer reports it). */
function goesThroughProxy(endpoint: Endpoint): boolean {
  return endpoint.route?.via === 'proxy';
}

/**
 * Through a proxy, the proxy resolves the target and this machine's answer is information only:
 * a failed local lookup (NXDOMAIN, public address, ...) becomes a warning that keeps its reason
 * code, and the probe goes on. The run deadline and amlprobe bugs stay failures.
 */
function informationalDns(dns: LayerResult): LayerResult {
  if (dns.status !== 'fail' || dns.reason === 'deadline' || dns.reason === 'internal_error') return dns;
  const note = 'Through a forward proxy, the proxy resolves this name, not this machine: the local answer is shown for information and matters only to clients that connect directly.';
  return {
    ...dns,
    status: 'warn',
    message: `${dns.message} (locally; the proxy resolves the name)`,
    detail: dns.detail === undefined ? note : `${dns.detail}. ${note}`,
  };
}

/** Runs the connection layers for one address, closing the connection when done (./close-connection.ts). */
async function probeAddress(endpoint: Endpoint, address: string | undefined, layers: readonly Layer[], env: PipelineEnv): Promise<LayerResult[]> {
  const state: ProbeState = address === undefined ? {} : { address };
  const results: LayerResult[] = [];
  try {
    for (const layer of layers) {
      const failed = results.find((r) => r.status === 'fail');
      if (failed) {
        results.push(skippedLayer(layer, `${failed.layer} failed`));
        continue;
      }
      results.push(await runLayer(layer, endpoint, state, env));
    }
  } finally {
    closeConnection(state, layers.at(-1));
  }
  return results;
}

/** Lazy trust stores already built: a later TLS layer takes its store at once. */
const builtStores = new WeakSet<() => SecureContext>();

/**
 * The run's trust store. Building one from ~300 CA certificates blocks the event loop for 40-110 ms,
 * so a lazy one is built when the first TLS layer needs it, not before the first packet; and not
 * while names are being looked up either: built then, it held the last answers, and so the start of
 * a dropped endpoint's timeout, by that much (issue 15, the 60-endpoint case). The first TLS layer
 * waits for the lookups and for its start turn (the connections the last answers let go start
 * first), then builds it, before its own clock starts. The builder keeps what it built
 * (src/net/trust-store.ts trustStoreFor).
 */
async function trustStoreBefore(env: PipelineEnv): Promise<SecureContext | undefined> {
  const source = env.secureContext;
  if (typeof source === 'function' && !builtStores.has(source)) await lookupsDone();
  // The TLS layer continues an endpoint already under way: it goes first.
  if (env.startTurn !== undefined) await env.startTurn(true);
  if (typeof source !== 'function') return source;
  builtStores.add(source);
  return source();
}

/**
 * Runs one check under its own signal; converts throws and hangs into results. The only place an
 * abort becomes a result: once the signal has fired, what the check settles with is replaced by
 * the layer's timeout or deadline result (./abort-result.ts), unless its answer was already in.
 * `check` is the layer's own; tests of this boundary hand in misbehaving ones.
 */
export async function runLayer(layer: Layer, endpoint: Endpoint, state: ProbeState, env: PipelineEnv, check: Check = checkOf(layer)): Promise<LayerResult> {
  const timeoutMs = layerTimeoutMs(layer, env.settings);
  // The layer's own check loads before the layer's clock starts: loading code is not the network's
  // time, nor part of the layer's timeout (a failure to load is the call's internal_error below).
  const own = checkOf(layer);
  if (check === own && !own.loaded) await own.prefetch().catch(() => {});
  // A layer after the first (DNS) continues an endpoint already under way: it goes first.
  let store: SecureContext | undefined;
  if (layer === 'tls' && env.secureContext !== undefined) store = await trustStoreBefore(env);
  else if (env.startTurn !== undefined) await env.startTurn(layer !== 'dns');
  const started = performance.now();
  if (env.runSignal.aborted || env.pastDeadline?.() === true) {
    return { layer, status: 'fail', reason: 'deadline', ms: 0, message: 'not started before the run deadline' };
  }
  // One promise per layer, settled by the check or, GRACE_MS after the signal, by abortedResult:
  // this runs for every layer of every endpoint, so no race of promise chains and no listener.
  let settle: (result: LayerResult) => void = () => {};
  const settled = new Promise<LayerResult>((resolve) => {
    settle = resolve;
  });
  let grace: NodeJS.Timeout | undefined;
  const { signal, dispose } = layerSignal(env.runSignal, timeoutMs, () => {
    grace = setTimeout(() => settle(abortedResult(layer, endpoint, state, signal, timeoutMs)), GRACE_MS);
  });
  const ctx: CheckContext = { settings: env.settings, signal, resolve: env.resolve };
  if (store) ctx.secureContext = store;
  // This layer's own: what an earlier layer gathered is not evidence of this one's timeout.
  state.evidence = undefined;
  state.stage = undefined;
  try {
    let checked: Promise<LayerResult>;
    try {
      checked = Promise.resolve(check(endpoint, state, ctx));
    } catch (error) {
      checked = Promise.resolve(internalError(layer, error));
    }
    checked.then(
      (result) => settle(ownedResult(layer, endpoint, state, signal, timeoutMs, result)),
      (error: unknown) => settle(internalError(layer, error)),
    );
    const result = asLocalLimit(await settled);
    // The engine's clock, not the check's: every layer is timed the same way. Cleaned here, where a
    // check's evidence enters the run: nothing after this point sees raw text from a peer.
    return cleanLayerResult(result, Math.round(performance.now() - started));
  } finally {
    clearTimeout(grace);
    dispose();
  }
}

/** A check threw: a bug in amlprobe, reported as such so the run can finish. */
function internalError(layer: Layer, error: unknown): LayerResult {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return {
    ...(typeof code === 'string' ? { data: { code } } : {}),
    layer,
    status: 'fail',
    reason: 'internal_error',
    ms: 0,
    message: `amlprobe bug in the ${layer} check`,
    detail: `${text}. Please report it with the command you ran.`,
  };
}
