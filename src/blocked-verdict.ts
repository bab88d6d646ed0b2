// The one rule that turns an endpoint's verdict around when it must stay closed (expect: blocked):
// a block at any layer is the pass, a connection that got through is the failure. Kept in one
// place, beside the rule it inverts (src/verdict.ts), so no check knows about it.

import type { Endpoint, Layer } from './model/endpoint.js';
import type { HttpData } from './model/evidence.js';
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
 * read the SNI. Anything else (a timeout of the resolver itself, a deadline, a local limit, an
 * untrusted certificate) proves neither side, and keeps its own verdict.
 */
const BLOCKING: Partial<Record<Layer, readonly Reason[]>> = {
  dns: ['nxdomain', 'nodata', 'dns_refused'],
  tcp: ['tcp_refused', 'tcp_timeout', 'unreachable', 'reset', 'proxy_denied', 'proxy_auth_required', 'proxy_target_failed'],
  udp: ['udp_closed'],
  tls: ['reset', 'tls_failed'],
};

/**
 * HTTP statuses a firewall or proxy answers instead of the destination: Azure Firewall's deny page
 * (470) and "unavailable for legal reasons" (451) filtering appliances use. A 403 is left out: the
 * destination itself answers it, and then the path is open.
 */
const DENIAL_STATUSES: readonly number[] = [451, 470];

/** The layer whose result shows the block, or undefined when nothing in the checks blocked. */
function blockingLayer(checks: readonly LayerResult[]): LayerResult | undefined {
  const failed = checks.find((c) => c.status === 'fail');
  if (failed !== undefined) return BLOCKING[failed.layer]?.includes(failed.reason) === true ? failed : undefined;
  const http = checks.find((c) => c.layer === 'http' && c.status !== 'skip');
  const status = (http?.data as HttpData | undefined)?.status;
  return http !== undefined && status !== undefined && DENIAL_STATUSES.includes(status) ? http : undefined;
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
  // Inconclusive failures and warnings (no answer from the resolver, the run deadline, ...) prove nothing either way.
  if (verdict.status === 'fail' || verdict.status === 'warn' || verdict.status === 'skip') return verdict;
  const ran = checks.filter((c) => c.status === 'pass');
  const last = ran[ran.length - 1];
  const where = last === undefined ? '' : ` (${last.layer}: ${last.message})`;
  return {
    status: 'fail',
    layer: last?.layer ?? null,
    reason: 'unexpectedly_open',
    message: `an exfiltration path is open: ${nameOf(endpoint)} answered${where}, but it must be blocked`,
  };
}
