// The lab checks amlprobe itself: every planted fault must be reported with its expected reason,
// and every endpoint no fault touched must pass. Pure: results and the network in, a verdict out.

import type { ConnectData, DnsData, TlsData, UdpData } from '../model/evidence.js';
import type { EndpointResult } from '../model/result.js';
import type { LabFault } from './lab-faults.js';
import type { LabNetwork } from './lab-network.js';

/** How one planted fault fared. */
export interface FaultOutcome {
  fault: LabFault;
  /** The results of the endpoints it touched, in plan order; empty when it could not be planted. */
  results: EndpointResult[];
  /** Planted, and every touched endpoint failed with the expected reason. */
  caught: boolean;
}

/** The lab's verdict on amlprobe. */
export interface LabVerdict {
  faultsPlanted: boolean;
  faults: FaultOutcome[];
  /** Endpoints no fault touched that did not pass: each one is a bug in amlprobe or in the lab. */
  unexpected: EndpointResult[];
  /** Endpoints no fault touched, and how many of them passed. */
  healthy: { total: number; passed: number };
  /** Hosts the lab's certificate does not cover (their TLS fails for the lab's sake, not amlprobe's). */
  uncoveredHosts: string[];
  /** Exit code 0. */
  ok: boolean;
}

/** Judges the engine's results against what the lab planted. */
export function judgeLab(results: readonly EndpointResult[], network: LabNetwork, faultsPlanted: boolean, uncoveredHosts: string[] = []): LabVerdict {
  const faults = network.planted.map(({ fault, endpointIds }) => {
    const touched = results.filter((r) => endpointIds.includes(r.id));
    const status = fault.expectedStatus ?? 'fail';
    const caught = touched.length > 0 && touched.every((r) => r.status === status && r.reason === fault.expected);
    return { fault, results: touched, caught };
  });
  const healthy = results.filter((r) => !network.faultOf.has(r.id));
  const unexpected = healthy.filter((r) => r.status !== 'pass');
  return {
    faultsPlanted,
    faults,
    unexpected,
    healthy: { total: healthy.length, passed: healthy.length - unexpected.length },
    uncoveredHosts,
    ok: faults.every((f) => f.caught) && unexpected.length === 0,
  };
}

/**
 * What amlprobe saw on a row, in a few words built from the deciding layer's evidence, named by
 * the row's id: "keyvault is a CNAME to x.privatelink.vaultcore.azure.net, which answered
 * NXDOMAIN", "storage-file-smb: TCP 445 to 10.1.0.9: connection refused", "graph: CONNECT
 * graph.windows.net:443 through http://10.1.250.4:3128: HTTP/1.1 403 Forbidden, Proxy-Agent squid/6.6", "mcr: the certificate
 * for mcr.microsoft.com was issued by CN=...".
 */
export function observed(result: EndpointResult): string {
  const subject = result.id.replace(/:\d+$/, '');
  const check = result.layer === null ? undefined : result.checks.find((c) => c.layer === result.layer);
  if (check === undefined) return `${subject}: ${result.message}`;
  switch (check.layer) {
    case 'dns': {
      const data = check.data as DnsData | undefined;
      if (data === undefined) return `${subject}: ${check.message}`;
      const chainEnd = data.direct?.find((d) => d.cname.length > 0)?.cname.at(-1)?.data;
      if (data.addresses.length > 0) {
        const at = chainEnd?.indexOf('privatelink.') ?? -1;
        const via = chainEnd === undefined ? '' : at >= 0 ? ` through its CNAME into ${chainEnd.slice(at)}` : ` via ${chainEnd}`;
        return `${subject} resolved to ${data.addresses.map((a) => `${a.address}${a.private ? '' : ' (public)'}`).join(', ')}${via}`;
      }
      const rcode = data.direct?.[0]?.rcode;
      // No answer at all (a timeout, a blocked retry over TCP): the layer's message says what happened.
      if (rcode === undefined || rcode === null) return `${subject}: ${check.message}`;
      return chainEnd === undefined ? `${subject}: ${data.name} answered ${rcode}` : `${subject} is a CNAME to ${chainEnd}, which answered ${rcode}`;
    }
    case 'tcp':
    case 'udp': {
      const proxied = check.layer === 'tcp' ? (check.data as ConnectData | undefined) : undefined;
      if (proxied?.proxy !== undefined) {
        // Through a proxy the address is the proxy's: say what it answered and who it is.
        const agent = proxied.proxyAgent === undefined ? '' : `, Proxy-Agent ${proxied.proxyAgent}`;
        return `${subject}: CONNECT ${result.host}:${result.port} through ${proxied.proxy}: ${proxied.proxyStatus ?? check.message}${agent}`;
      }
      const address = (check.data as ConnectData | UdpData | undefined)?.address ?? result.host;
      return `${subject}: ${check.layer.toUpperCase()} ${result.port} to ${address}: ${check.message}`;
    }
    case 'tls': {
      const leaf = (check.data as TlsData | undefined)?.chain?.[0];
      if (leaf !== undefined && check.reason === 'tls_untrusted') return `${subject}: the certificate for ${result.host} was issued by ${leaf.issuer}`;
      return `${subject}: TLS to ${result.host}:${result.port}: ${check.message}`;
    }
    default:
      return `${subject}: ${check.layer.toUpperCase()} ${result.host}: ${check.message}`;
  }
}
