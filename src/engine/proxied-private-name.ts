// A name that resolves to a private address here but goes to the forward proxy: the route (the
// plan's, src/plan/routes.ts) and this machine's DNS answer together, known only after the DNS
// layer. Every client on this machine that honours the same proxy settings sends the name to the
// proxy too, and the proxy usually cannot reach the private endpoint, or resolves the name
// publicly and reaches the public endpoint, whose firewall refuses. The fix is a NO_PROXY entry,
// which the plan worked out with the route.

import type { DnsData } from '../model/evidence.js';
import type { Endpoint } from '../model/endpoint.js';
import type { LayerResult } from '../model/result.js';

/** IMDS: managed-identity tokens come from it, and a proxy cannot reach this machine's link-local address. */
const IMDS_ENTRY = '169.254.169.254';

/** Failures of the tunnel that say the proxy could not, or would not, reach the name it was sent. */
const TUNNEL_REFUSALS = new Set(['proxy_target_failed', 'proxy_denied']);

/**
 * The DNS layer of a proxied endpoint, turned into proxy_private_name when the name resolved to a
 * private address here: a failure when the proxy then could not reach the target (or a layer
 * after the tunnel failed), else a warning. Any other DNS layer (a literal, a lookup that did not
 * pass: its own verdict says more) comes back as it was.
 */
export function judgePrivateNameViaProxy(endpoint: Endpoint, dns: LayerResult, connection: readonly LayerResult[]): LayerResult {
  const route = endpoint.route;
  const data = dns.data as DnsData | undefined;
  if (route?.via !== 'proxy' || data === undefined || data.literal === true || dns.status !== 'pass') return dns;
  const privates = data.addresses.filter((a) => a.private);
  if (privates.length === 0) return dns;

  const [tunnel, ...after] = connection;
  const refused = tunnel?.status === 'fail' && TUNNEL_REFUSALS.has(tunnel.reason);
  const failedAfter = tunnel?.status === 'pass' && after.some((layer) => layer.status === 'fail');
  const shown = privates.map((a) => a.address).join(', ');
  const entries = route.noProxyEntry === undefined ? undefined : [route.noProxyEntry, IMDS_ENTRY];
  const fix = entries === undefined
    ? `Set proxy: none on this endpoint in the config (its own proxy URL ignores NO_PROXY), and add ${IMDS_ENTRY} to NO_PROXY for IMDS.`
    : `Add ${entries.join(',')} to NO_PROXY and no_proxy (both spellings; ${IMDS_ENTRY} keeps managed-identity calls to IMDS off the proxy too) wherever the proxy is set: the shell, the compute's environment, the job or the image.`;
  const outcome = refused
    ? `The proxy then failed to reach it (${tunnel.reason}): it cannot reach the private endpoint, or resolved the name publicly.`
    : failedAfter
      ? 'The tunnel opened, but a later layer failed: the proxy most likely resolved the name publicly and reached the public endpoint instead of the private one.'
      : 'The tunnel worked this time, but the traffic still leaves through the proxy: the proxy may reach the public endpoint rather than the private one, and the private endpoint is bypassed.';
  return {
    ...dns,
    status: refused || failedAfter ? 'fail' : 'warn',
    reason: 'proxy_private_name',
    message: `${endpoint.host} resolves to private ${shown} here but goes to the proxy ${route.proxy.display}${entries === undefined ? '' : `: add ${entries[0]} to NO_PROXY`}`,
    detail: `No NO_PROXY entry matches ${endpoint.host}, so amlprobe, like every client here that honours the same proxy settings, sent it through ${route.proxy.display}. ${outcome} ${fix}`,
  };
}
