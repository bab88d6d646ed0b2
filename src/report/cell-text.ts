// The few words a matrix cell shows after its status mark: enough to tell NXDOMAIN from a public
// address from a refusal from an intercepted certificate at a glance. The full sentence is the
// layer's `message`, printed under failed rows.

import type { Reason } from '../model/reason.js';
import type { LayerResult } from '../model/result.js';
import { PROBE_KINDS, kindOf } from '../checks/kinds.js';
import { evidenceCode, formatMs, type CellText, type ProbeKind } from '../checks/descriptor.js';

export { formatMs };

/** Reason codes no probe kind owns: the run's, the catalog's and registry discovery's. */
type SharedReason =
  | 'ok' | 'skipped' | 'deadline' | 'internal_error' | 'local_limit' | 'needs_input' | 'informational'
  | 'discovery_no_token' | 'discovery_unreachable' | 'discovery_unauthorized' | 'discovery_forbidden'
  | 'discovery_not_found' | 'discovery_malformed'
  | 'blocked_as_expected' | 'unexpectedly_open' | 'outbound_rule_inactive' | 'managed_network_not_provisioned';

const SHARED: Record<SharedReason, CellText> = {
  // A pass says what the layer's kind finds worth saying (an address, a protocol, a status).
  ok: (check) => {
    const kind = kindOf(check.layer);
    return kind?.okCell === undefined ? formatMs(check.ms) : kind.okCell(check, check.data);
  },
  skipped: () => '',
  deadline: () => 'deadline',
  internal_error: () => 'internal error',
  needs_input: () => 'needs input',
  informational: () => 'not probed',
  local_limit: (check) => `local ${evidenceCode(check) ?? 'limit'}`,
  discovery_no_token: () => 'no token',
  discovery_unreachable: (check) => evidenceCode(check) ?? 'unreachable',
  discovery_unauthorized: () => '401 token refused',
  discovery_forbidden: () => '403 forbidden',
  discovery_not_found: () => '404 no registry',
  discovery_malformed: () => 'bad answer',
  // Endpoint-level verdicts of expected-blocked rows and managed-network findings: no layer returns them.
  blocked_as_expected: () => 'blocked',
  unexpectedly_open: () => 'OPEN',
  outbound_rule_inactive: () => 'rule inactive',
  managed_network_not_provisioned: () => 'not provisioned',
};

/**
 * Every reason's describer: the shared ones, then each kind's. Rebuilt when the list of kinds
 * changes (a test may register one); test/probe-kinds.test.ts checks that every Reason has one.
 */
let describers: { kinds: readonly ProbeKind[]; length: number; map: ReadonlyMap<string, CellText> } | undefined;
function describerOf(reason: Reason): CellText | undefined {
  if (describers?.kinds !== PROBE_KINDS || describers.length !== PROBE_KINDS.length) {
    const map = new Map<string, CellText>(Object.entries(SHARED));
    for (const kind of PROBE_KINDS) for (const [code, text] of Object.entries(kind.cells)) if (text !== undefined) map.set(code, text);
    describers = { kinds: PROBE_KINDS, length: PROBE_KINDS.length, map };
  }
  return describers.map.get(reason);
}

/** Whether this build has words for a reason code (test/probe-kinds.test.ts asks it of every code). */
export function hasCellText(reason: Reason): boolean {
  return describerOf(reason) !== undefined;
}

/** The short text of a matrix cell (without its status mark), e.g. "NXDOMAIN", "12 ms", "101". */
export function cellText(check: LayerResult): string {
  const describe = describerOf(check.reason);
  // A reason this build does not know (a newer engine, a hand-edited report): show the code itself.
  return describe === undefined ? check.reason : describe(check);
}
