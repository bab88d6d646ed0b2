// The NO_PROXY entry that takes an endpoint off the proxy, decided with its route: what to add when
// the name proves private here (proxy_private_name). A private endpoint is reached by the name of
// its public suffix (acct.blob.core.windows.net CNAMEs to privatelink.blob.core.windows.net), so
// that suffix, with a leading dot as curl, requests and Node's proxy agents read it, covers every
// account of the service; a name outside the privatelink table gets an entry of its own.

import { ipVersion } from '../net/ip-version.js';
import { PRIVATELINK_ZONES } from '../dns/privatelink-zones.js';
import type { Endpoint } from '../model/endpoint.js';

/** ".blob.core.windows.net" for acct.blob.core.windows.net; the host itself when no privatelink suffix covers it. */
export function noProxyEntryFor(endpoint: Endpoint): string {
  const host = endpoint.host.toLowerCase().replace(/\.$/, '');
  if (ipVersion(host) !== 0) return host;
  const suffixes = [...Object.keys(PRIVATELINK_ZONES)];
  const zone = endpoint.meta?.privateDnsZone;
  // The catalog row's own zone names its public parent too (a zone the table does not list yet).
  if (zone !== undefined) suffixes.push(zone.replace(/^privatelink\./, ''));
  let best: string | undefined;
  for (const suffix of suffixes) {
    if (host.endsWith(`.${suffix}`) && (best === undefined || suffix.length > best.length)) best = suffix;
  }
  return best === undefined ? host : `.${best}`;
}
