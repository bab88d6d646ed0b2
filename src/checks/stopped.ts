// What a check hands back once its signal has fired. The engine alone turns an abort into a
// timeout or deadline result (src/engine/abort-result.ts, from state.evidence and state.stage), so
// a check that was told to stop only releases what it holds and settles with this placeholder.

import type { Layer } from '../model/endpoint.js';
import type { LayerResult } from '../model/result.js';

/**
 * The placeholder result of a check stopped by its signal. Never reported: the engine replaces it.
 * Should it ever surface, it reads as what it would then be, an amlprobe bug.
 */
export function stoppedResult(layer: Layer): LayerResult {
  return { layer, status: 'fail', reason: 'internal_error', ms: 0, message: `the ${layer} check was stopped by its signal and the engine did not report the abort` };
}
