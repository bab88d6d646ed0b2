// What a layer cut short by its signal is reported as. The engine alone writes it: a check told to
// stop only releases what it holds; its evidence so far (state.evidence) and where it stood
// (state.stage) reach the result through the probe state, its verdict does not. One table, one
// sentence per layer and cause (each probe kind's `stopped` words, src/checks/*-kind.ts), so that every check times out in the same words whether it
// settled at once or had to be cut off after the grace (src/engine/pipeline.ts).
//
// The DNS layer's own per-server timeout sentences are not here: they come from each query's own
// timeout (src/dns/), which is not a layer abort.

import { abortCause, type AbortCause } from '../abort.js';
import { kindOf } from '../checks/kinds.js';
import type { StopWording } from '../checks/descriptor.js';
import type { Endpoint, Layer } from '../model/endpoint.js';
import type { LayerResult } from '../model/result.js';
import type { CheckSignal, ProbeState } from '../model/check.js';

/**
 * The result of a layer whose check settled with `result`: its own, unless its signal had fired
 * by then and its answer was not in (state.stage 'answered'); then the engine's abortedResult.
 */
export function ownedResult(layer: Layer, endpoint: Endpoint, state: ProbeState, signal: CheckSignal, timeoutMs: number, result: LayerResult): LayerResult {
  return signal.aborted && state.stage !== 'answered' ? abortedResult(layer, endpoint, state, signal, timeoutMs) : result;
}

/** The result of a layer cut short by its (aborted) signal: the layer timeout or the run deadline. */
export function abortedResult(layer: Layer, endpoint: Endpoint, state: ProbeState, signal: CheckSignal, timeoutMs: number): LayerResult {
  const cause: AbortCause = abortCause(signal);
  const stopped = kindOf(layer)?.stopped;
  const words: StopWording =
    stopped === undefined
      ? { reason: 'internal_error', message: `amlprobe bug: no probe kind for the ${layer} layer` }
      : cause === 'timeout'
        ? stopped.timeout(endpoint, state, timeoutMs)
        : { reason: 'deadline', message: stopped.deadline(state) };
  const result: LayerResult = { layer, status: words.status ?? 'fail', reason: words.reason, ms: 0, message: words.message };
  if (words.detail !== undefined) result.detail = words.detail;
  const data = layer === 'dns' ? { name: endpoint.host, authority: 'system' as const, addresses: [] } : state.evidence;
  if (data !== undefined) result.data = data;
  return result;
}
