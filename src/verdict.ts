// How layer results add up to one endpoint's verdict. Kept apart from the pipeline so the rule
// ("the first failing layer decides; else the first warning; else pass") lives in one place.

import type { Reason, Status } from './model/reason.js';
import type { Endpoint, Layer } from './model/endpoint.js';
import type { EndpointResult, LayerResult } from './model/result.js';
import { cleanText } from './untrusted/evidence.js';
import { blockedVerdict } from './blocked-verdict.js';

/** A placeholder for a layer that never ran because an earlier one did not pass. */
export function skippedLayer(layer: Layer, because: string): LayerResult {
  return { layer, status: 'skip', reason: 'skipped', ms: 0, message: `skipped: ${because}` };
}

/** The endpoint-level status, deciding layer and reason from its layer results. */
export function decide(checks: readonly LayerResult[]): { status: Status; layer: Layer | null; reason: Reason; message: string } {
  const failed = checks.find((c) => c.status === 'fail');
  if (failed) return { status: 'fail', layer: failed.layer, reason: failed.reason, message: failed.message };
  const warned = checks.find((c) => c.status === 'warn');
  if (warned) return { status: 'warn', layer: warned.layer, reason: warned.reason, message: warned.message };
  const ran = checks.filter((c) => c.status !== 'skip');
  const last = ran[ran.length - 1];
  if (!last) return { status: 'skip', layer: null, reason: 'skipped', message: 'nothing was probed' };
  // A pass keeps the last layer's reason: ws_upgraded and ws_rejected say more than "ok".
  return { status: 'pass', layer: null, reason: last.reason, message: last.message };
}

/** Assembles the result of one endpoint (one address of it) from its layer results. */
export function toEndpointResult(endpoint: Endpoint, address: string | null, checks: LayerResult[]): EndpointResult {
  // An endpoint that must stay closed turns the verdict around, here and nowhere else.
  const verdict = blockedVerdict(endpoint, decide(checks), checks);
  const result: EndpointResult = {
    // The id, path and label come from a target as typed (or a config): a SAS URL given as a target
    // carries its signature in all three, and reports get attached to tickets.
    id: cleanText(endpoint.id),
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.protocol,
    path: cleanText(endpoint.path),
    required: endpoint.required,
    address,
    status: verdict.status,
    layer: verdict.layer,
    reason: verdict.reason,
    message: verdict.message,
    ms: checks.reduce((sum, c) => sum + c.ms, 0),
    checks,
  };
  if (endpoint.label !== undefined) result.label = cleanText(endpoint.label);
  if (endpoint.meta !== undefined) result.meta = endpoint.meta;
  return result;
}
