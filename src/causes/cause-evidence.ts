// What failures can share, read from a result's recorded evidence: the privatelink zone, the DNS
// server that failed, the forward proxy, the service tag or FQDN rule, the certificate's issuer.
// The cause table (cause-rules.ts) groups by these; nothing here probes or decides anew.

import type { ConnectData, DnsData, HttpData, TlsData } from '../model/evidence.js';
import type { EndpointResult } from '../model/result.js';
import { zoneFor } from '../dns/privatelink-zones.js';

function dnsOf(result: EndpointResult): DnsData | undefined {
  return result.checks.find((c) => c.layer === 'dns')?.data as DnsData | undefined;
}

/** The privatelink zone of a DNS failure: the diagnosis's, the CNAME chain's, the suffix table's, then the catalog row's. */
export function zoneOf(result: EndpointResult): string | undefined {
  const dns = dnsOf(result);
  if (dns?.diagnosis?.zone !== undefined) return dns.diagnosis.zone;
  const zone = zoneFor(dns?.name ?? result.host, (dns?.direct ?? []).map((d) => d.cname));
  return zone ?? result.meta?.privateDnsZone;
}

/** The DNS server whose answer failed the way the result did ("10.0.0.4:53"), or the system resolver. */
export function failedDnsServerOf(result: EndpointResult): string {
  const direct = dnsOf(result)?.direct ?? [];
  const same = direct.find((d) => d.reason === result.reason) ?? direct.find((d) => d.reason !== 'ok');
  return same?.server ?? 'the system resolver';
}

/** The forward proxy the connection went through ("http://10.1.250.4:3128"), if any. */
export function proxyOf(result: EndpointResult): string | undefined {
  return (result.checks.find((c) => c.layer === 'tcp')?.data as ConnectData | undefined)?.proxy;
}

/** "tcp" or "udp": the transport a firewall rule names. */
export function transportOf(result: EndpointResult): 'tcp' | 'udp' {
  return result.checks.some((c) => c.layer === 'udp') ? 'udp' : 'tcp';
}

/**
 * The firewall rule a blocked connection needs: the catalog's service tag when the row names one
 * (one network rule for every host under it), else the FQDN (one application rule per host).
 */
export function firewallRuleOf(result: EndpointResult): string {
  const tag = result.meta?.serviceTag;
  return tag !== undefined && tag !== '' ? `tag ${tag} ${transportOf(result)}` : `fqdn ${result.host} ${transportOf(result)}`;
}

/** The issuer of the certificate the peer presented: who re-signed the traffic, for an inspecting firewall. */
export function issuerOf(result: EndpointResult): string | undefined {
  return (result.checks.find((c) => c.layer === 'tls')?.data as TlsData | undefined)?.chain?.[0]?.issuer;
}

/** Each distinct value in order, at most `max` of them, then "and N more". */
export function listed(values: readonly string[], max = 3): string {
  const distinct = [...new Set(values)];
  const shown = distinct.slice(0, max).join(', ');
  return distinct.length > max ? `${shown} and ${distinct.length - max} more` : shown;
}

/** Who refused an HTTP answer by its network rules ("Azure Storage", "Azure Firewall"), from the recognised denial. */
export function deniedByOf(result: EndpointResult): string | undefined {
  return (result.checks.find((c) => c.layer === 'http')?.data as HttpData | undefined)?.denial?.by;
}

/**
 * The resource whose own firewall refused: the service and the first label of its host (the
 * account, vault or registry name), so a storage account's blob, queue and file names are one.
 */
export function deniedResourceOf(result: EndpointResult): string | undefined {
  const by = deniedByOf(result);
  return by === undefined ? undefined : `${by} ${result.host.split('.')[0] ?? result.host}`;
}
