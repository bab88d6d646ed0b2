// A result the plan writes without probing anything: a catalog row it cannot probe, a wildcard it
// will not invent a name under, a finding read from the workspace's own description. Such rows have
// no address, no layer, no time and no checks; only what they say differs.

import type { Status } from '../model/reason.js';
import type { EndpointResult } from '../model/result.js';

/** What tells one unprobed row from another. */
export type UnprobedRow = Pick<EndpointResult, 'id' | 'host' | 'port' | 'protocol' | 'required' | 'reason' | 'message' | 'label' | 'meta'>;

/** The result of a row the plan decided without a packet: `skip` unless it is a finding (`warn`). */
export function unprobedResult(row: UnprobedRow, status: Extract<Status, 'skip' | 'warn'> = 'skip'): EndpointResult {
  const { id, host, port, protocol, required, reason, message, label, meta } = row;
  return {
    ...{ id, host, port, protocol, path: '', required, address: null, status, layer: null, reason, message, ms: 0, checks: [] },
    ...(label !== undefined ? { label } : {}),
    ...(meta !== undefined ? { meta } : {}),
  };
}
