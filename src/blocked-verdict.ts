// The one rule that turns an endpoint's verdict around when it must stay closed (expect: blocked):
// a block at any layer is the pass, a connection that got through is the failure. Kept in one
// place, beside the rule it inverts (src/verdict.ts), so no check knows about it.

import type { Endpoint, Layer } from './model/endpoint.js';
import type { Reason, Status } from './model/reason.js';
import type { LayerResult } from './model/result.js';

/** An endpoint-level verdict, as src/verdict.ts decides it. */
export interface Verdict {
  status: Status;
  layer: Layer | null;
  reason: Reason;
  message: string;
}

/**
 * Failures that prove a closed door, by layer: no name from the network's resolver (a managed
 * network's Azure DNS answers NXDOMAIN for nothing, but a DNS firewall does), a refused, dropped or
 * reset connection, a proxy or firewall refusing the tunnel, a TLS handshake cut by a firewall that
 * read the SNI, Azure Firewall's own HTTP deny answer (firewall_denied, src/checks/denial-shapes.ts).
 * Anything else (a timeout of the resolver itself, a deadline, a local limit, an untrusted
 * certificate) proves neither side, and keeps its own verdict.
 */
const BLOCKING: Partial<Record<Layer, readonly Reason[]>> = {
  dns: ['nxdomain', 'nodata', 'dns_refused'],
  tcp: ['tcp_refused', 'tcp_timeout', 'unreachable', 'reset', 'proxy_denied', 'proxy_auth_required', 'proxy_target_failed'],
  udp: ['udp_closed'],
  tls: ['reset', 'tls_failed'],
  http: ['firewall_denied'],
};

/**
 * Failures that prove the path open: the destination service itself answered (its own network
 * rules refused this client, service_firewall_denied), so the network let the request through and
 * any other account of the same service is as reachable.
 */
const ANSWERED: readonly Reason[] = ['service_firewall_denied'];

/** The layer whose result shows the block, or undefined when nothing in the checks blocked. */
function blockingLayer(checks: readonly LayerResult[]): LayerResult | undefined {
  const failed = checks.find((c) => c.status === 'fail');
  return failed !== undefined && BLOCKING[failed.layer]?.includes(failed.reason) === true ? failed : undefined;
}

/** The name shown in the sentences: the label (catalog template, target) or host:port. */
function nameOf(endpoint: Endpoint): string {
  return endpoint.label ?? (endpoint.port === 0 ? endpoint.host : `${endpoint.host}:${endpoint.port}`);
}

/**
 * The verdict of an endpoint that must stay closed, from the verdict its layers gave. Endpoints
 * without `expect.blocked` keep theirs.
 */
export function blockedVerdict(endpoint: Endpoint, verdict: Verdict, checks: readonly LayerResult[]): Verdict {
  if (endpoint.expect.blocked !== true) return verdict;
  const blocked = blockingLayer(checks);
  if (blocked !== undefined) {
    return { status: 'pass', layer: blocked.layer, reason: 'blocked_as_expected', message: `blocked at the ${blocked.layer} layer, as expected: ${blocked.message}` };
  }
  const answered = checks.find((c) => c.status === 'fail' && ANSWERED.includes(c.reason));
  // Open when the last layer that ran got through (an earlier warning, e.g. a TLS-inspecting
  // middlebox, does not close anything); other failures and a last warning (the resolver silent,
  // the run deadline, UDP silence) prove nothing either way.
  const ran = checks.filter((c) => c.status !== 'skip');
  const last = answered ?? (ran[ran.length - 1]?.status === 'pass' ? ran[ran.length - 1] : undefined);
  if (last === undefined) return verdict;
  const where = ` (${last.layer}: ${last.message})`;
  return {
    status: 'fail',
    layer: last.layer,
    reason: 'unexpectedly_open',
    message: `an exfiltration path is open: ${nameOf(endpoint)} answered${where}, but it must be blocked`,
  };
}
