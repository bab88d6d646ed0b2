// The lab's simulated network, as data: what its DNS answers for every name of the plan, what
// listens behind every (transport, address, port) the plan dials, and which planted fault each
// endpoint must report. Pure: the servers in lab-dns.ts and lab-listeners.ts bring it to life.
//
// Addresses are realistic and never dialled: private endpoints get 10.1.0.x (Azure keeps .0-.3 of
// a subnet for itself), public services 198.51.100.x (TEST-NET-2, RFC 5737, never routed). The
// engine's redirects send every dial to a loopback listener instead.

import { authority } from '../net/proxy-connect.js';
import { redirectKey } from '../net/redirect.js';
import type { Endpoint, Protocol } from '../model/endpoint.js';
import { isDnsEffect, type FaultEffect, type LabFault } from './lab-faults.js';

/** What listens behind an address and port of the lab. */
export type LabBehaviour =
  /** TLS with the lab certificate, then HTTP 200 and WebSocket upgrades. */
  | 'https'
  /** Plain HTTP 200 and WebSocket upgrades. */
  | 'http'
  /** A TCP service that accepts the connection. */
  | 'tcp-accept'
  /** An Azure Files stand-in on 445: answers an SMB2 NEGOTIATE (lab-smb.ts). */
  | 'smb'
  /** A UDP service that answers every datagram. */
  | 'udp-reply'
  | 'silent-peer'
  | 'tcp-refused'
  | 'udp-closed'
  | 'tls-intercept'
  /** TLS with a certificate from "Contoso Trusted Inspection CA", which the lab's probes trust but do not take for public. */
  | 'tls-inspect-trusted'
  /** HTTPS answering every request as an Azure Storage firewall does: 403 AuthorizationFailure. */
  | 'storage-firewall'
  /** The Contoso egress proxy (lab-proxy.ts): CONNECT tunnels for its allow list, 403 for the rest. */
  | 'forward-proxy';

/**
 * One answer of the lab's DNS. AAAA queries get no records (NODATA): the lab is IPv4 only.
 * 'truncated': an empty answer with the TC flag over UDP, for any type (the lab's TCP 53 is closed then).
 */
export type LabRecord = { kind: 'cname'; target: string } | { kind: 'a'; address: string } | { kind: 'nxdomain' } | { kind: 'truncated' };

/** One (transport, address, port) the plan dials, and what listens there. */
export interface LabDial {
  transport: 'tcp' | 'udp';
  address: string;
  port: number;
  behaviour: LabBehaviour;
}

/** A fault and the endpoints it touched; none when the catalog no longer has its row. */
export interface PlantedFault {
  fault: LabFault;
  endpointIds: string[];
}

/** The whole simulated network. */
export interface LabNetwork {
  /** Lower-case name -> answer. Names not here are NXDOMAIN. */
  records: Map<string, LabRecord>;
  /** redirectKey(transport, address, port) -> what listens there. */
  dials: Map<string, LabDial>;
  /** Endpoint id -> the fault it must report; endpoints not here must pass. */
  faultOf: Map<string, LabFault>;
  planted: PlantedFault[];
  /** Endpoint ids that go through the lab proxy (their `proxy` is LAB_PROXY.url); the rest connect directly. */
  proxied: Set<string>;
  /** The proxy's allow list: "host:port" -> the behaviour its tunnel reaches. Every other authority gets 403. */
  proxyAllows: Map<string, LabBehaviour>;
}

/**
 * The lab's forward proxy: a squid in a hub VNet at a realistic private address, reached (like
 * everything in the lab) through a redirect to loopback. `tunnelledRows` always go through it and
 * pass, so the lab shows a healthy proxied endpoint; a 'proxy-denied' fault routes its row through
 * it too, without allowing it.
 */
export const LAB_PROXY = Object.freeze({
  address: '10.1.250.4',
  port: 3128,
  url: 'http://10.1.250.4:3128',
  tunnelledRows: Object.freeze(['automl-resources']),
});

const PRIVATE_PREFIXES = ['10.1.0.', '10.1.1.', '10.1.2.', '10.1.3.'];
const PUBLIC_PREFIXES = ['198.51.100.', '203.0.113.'];

/** Hands out addresses in order: .4 to .254 of each /24 prefix, then the next prefix. */
function addressPool(prefixes: readonly string[]): () => string {
  let next = 0;
  return () => {
    const prefix = prefixes[Math.floor(next / 251)];
    if (prefix === undefined) throw new Error('the lab ran out of simulated addresses');
    const address = `${prefix}${4 + (next % 251)}`;
    next += 1;
    return address;
  };
}

/** The catalog row id of an endpoint id: "storage-blob:443" and "storage-blob@acct:443" -> "storage-blob". */
export function rowOf(endpointId: string): string {
  return endpointId.replace(/:\d+$/, '').replace(/@.*$/, '');
}

/** The transport an endpoint dials, or null for DNS-only endpoints. */
export function transportOf(protocol: Protocol): 'tcp' | 'udp' | null {
  if (protocol === 'dns') return null;
  return protocol === 'udp' ? 'udp' : 'tcp';
}

/**
 * The name a private endpoint's record has inside its privatelink zone, as Azure CNAMEs it:
 * acct.blob.core.windows.net -> acct.privatelink.blob.core.windows.net; a host outside the public
 * zone keeps its first label (vault.azure.net -> privatelink.vaultcore.azure.net).
 */
export function privatelinkName(host: string, zone: string): string {
  const publicZone = zone.replace(/^privatelink\./, '');
  if (host.endsWith(`.${publicZone}`)) return `${host.slice(0, host.length - publicZone.length)}privatelink.${publicZone}`;
  return `${host.split('.')[0] ?? host}.${zone}`;
}

function healthyBehaviour(protocol: Protocol): LabBehaviour {
  switch (protocol) {
    case 'udp':
      return 'udp-reply';
    case 'tls':
    case 'https':
    case 'wss':
      return 'https';
    case 'http':
    case 'ws':
      return 'http';
    case 'smb':
      return 'smb';
    default:
      return 'tcp-accept';
  }
}

/** What listens behind a row that a connection fault breaks. */
const FAULT_BEHAVIOUR: Record<Exclude<FaultEffect, 'dns-public-answer' | 'dns-missing-record' | 'dns-tcp-blocked' | 'proxy-denied' | 'exfiltration-open' | 'proxy-private-name'>, LabBehaviour> = {
  'silent-peer': 'silent-peer',
  'tcp-refused': 'tcp-refused',
  'udp-closed': 'udp-closed',
  'tls-intercept': 'tls-intercept',
  'tls-inspected': 'tls-inspect-trusted',
  'service-firewall': 'storage-firewall',
  // Behind the proxy: what its tunnel dials refuses it, so the proxy answers 503 ERR_CONNECT_FAIL.
  'proxy-target-failed': 'tcp-refused',
};

/** Effects that route their row through the lab proxy, which lets it through (unlike 'proxy-denied'). */
const TUNNELLED_EFFECTS: ReadonlySet<FaultEffect> = new Set(['proxy-target-failed', 'proxy-private-name']);

/** Builds the simulated network for `endpoints` with `faults` planted (none for a healthy lab). */
export function buildLabNetwork(endpoints: readonly Endpoint[], faults: readonly LabFault[]): LabNetwork {
  const nextPrivate = addressPool(PRIVATE_PREFIXES);
  const nextPublic = addressPool(PUBLIC_PREFIXES);
  const records = new Map<string, LabRecord>();
  const dials = new Map<string, LabDial>();
  const faultOf = new Map<string, LabFault>();

  const hostFault = new Map<string, LabFault>();
  const rowFault = new Map<string, LabFault>();
  const deniedRow = new Map<string, LabFault>();
  for (const fault of faults) {
    if (fault.effect === 'proxy-denied') {
      if (!deniedRow.has(fault.row)) deniedRow.set(fault.row, fault);
    } else if (isDnsEffect(fault.effect)) {
      for (const e of endpoints) if (rowOf(e.id) === fault.row && !hostFault.has(e.host)) hostFault.set(e.host, fault);
    } else if (!rowFault.has(fault.row)) {
      rowFault.set(fault.row, fault);
    }
  }

  // A resource firewall fault: its hosts have no private endpoint and answer their public address.
  const publicHosts = new Set(endpoints.filter((e) => rowFault.get(rowOf(e.id))?.effect === 'service-firewall').map((e) => e.host));

  // DNS: one address per host, private (behind a privatelink CNAME where the row names a zone)
  // for private-endpoint rows, public otherwise.
  const addressOf = new Map<string, string>();
  for (const e of endpoints) {
    if (addressOf.has(e.host)) continue;
    const zone = publicHosts.has(e.host) ? undefined : e.meta?.privateDnsZone;
    const isPrivate = !publicHosts.has(e.host) && (e.expect.private === true || zone !== undefined);
    const address = isPrivate ? nextPrivate() : nextPublic();
    addressOf.set(e.host, address);
    const fault = hostFault.get(e.host);
    if (fault?.effect === 'dns-tcp-blocked') {
      records.set(e.host, { kind: 'truncated' });
      continue;
    }
    // The name that finally holds the A record: the privatelink name when there is a zone.
    let finalName = e.host;
    if (zone !== undefined) {
      finalName = privatelinkName(e.host, zone);
      records.set(e.host, { kind: 'cname', target: finalName });
    }
    if (fault?.effect === 'dns-public-answer') records.set(finalName, { kind: 'a', address: nextPublic() });
    else if (fault?.effect === 'dns-missing-record') records.set(finalName, { kind: 'nxdomain' });
    else records.set(finalName, { kind: 'a', address });
  }

  // The proxied rows: every TCP endpoint of a tunnelled row or of a denied one.
  const proxied = new Set<string>();
  const proxyAllows = new Map<string, LabBehaviour>();
  for (const e of endpoints) {
    const row = rowOf(e.id);
    if (transportOf(e.protocol) !== 'tcp' || hostFault.has(e.host)) continue;
    const tunnelled = LAB_PROXY.tunnelledRows.includes(row) || TUNNELLED_EFFECTS.has(rowFault.get(row)?.effect ?? 'silent-peer');
    if (deniedRow.has(row) || tunnelled) proxied.add(e.id);
  }
  if (proxied.size > 0) {
    dials.set(redirectKey('tcp', LAB_PROXY.address, LAB_PROXY.port), {
      transport: 'tcp',
      address: LAB_PROXY.address,
      port: LAB_PROXY.port,
      behaviour: 'forward-proxy',
    });
  }

  // Connections: a redirect for every dial, to a healthy listener or the fault's. A denied row
  // dials nothing of its own (the proxy refuses before any packet goes to the target); an allowed
  // proxied row's target is what the proxy's tunnel reaches.
  const keyFault = new Map<string, LabFault>();
  for (const e of endpoints) {
    const transport = transportOf(e.protocol);
    if (transport === null || hostFault.has(e.host)) continue;
    if (proxied.has(e.id) && deniedRow.has(rowOf(e.id))) continue;
    const address = addressOf.get(e.host) ?? '';
    const key = redirectKey(transport, address, e.port);
    const fault = rowFault.get(rowOf(e.id));
    if (fault?.effect === 'exfiltration-open') {
      // The planted open path: a healthy server where the managed network should have refused.
      keyFault.set(key, fault);
      dials.set(key, { transport, address, port: e.port, behaviour: healthyBehaviour(e.protocol) });
      continue;
    }
    if (fault?.effect === 'proxy-private-name') {
      // Nothing is wrong behind the proxy: the row's own fault is the route, judged by its DNS layer.
      dials.set(key, { transport, address, port: e.port, behaviour: healthyBehaviour(e.protocol) });
      continue;
    }
    if (fault !== undefined && fault.effect !== 'proxy-denied' && !isDnsEffect(fault.effect)) {
      keyFault.set(key, fault);
      dials.set(key, { transport, address, port: e.port, behaviour: FAULT_BEHAVIOUR[fault.effect] });
      continue;
    }
    if (e.expect.blocked === true) {
      // A canary of the managed network: its firewall refuses it (a real one drops it; loopback cannot without root).
      if (!keyFault.has(key)) dials.set(key, { transport, address, port: e.port, behaviour: 'tcp-refused' });
      continue;
    }
    const existing = dials.get(key);
    const behaviour = healthyBehaviour(e.protocol);
    // A tcp row and an https row on the same port: the TLS server accepts plain connects too.
    if (existing === undefined || (existing.behaviour === 'tcp-accept' && (behaviour === 'https' || behaviour === 'http'))) {
      if (!keyFault.has(key)) dials.set(key, { transport, address, port: e.port, behaviour });
    }
  }

  for (const e of endpoints) {
    if (!proxied.has(e.id) || deniedRow.has(rowOf(e.id))) continue;
    const dial = dials.get(redirectKey('tcp', addressOf.get(e.host) ?? '', e.port));
    if (dial !== undefined) proxyAllows.set(authority(e.host, e.port).toLowerCase(), dial.behaviour);
  }

  // Expectations follow what was planted, so an endpoint that shares a host or a port with a
  // broken row is expected to fail the same way.
  for (const e of endpoints) {
    const denied = proxied.has(e.id) ? deniedRow.get(rowOf(e.id)) : undefined;
    if (denied !== undefined) {
      faultOf.set(e.id, denied);
      continue;
    }
    const transport = transportOf(e.protocol);
    const key = transport === null ? undefined : redirectKey(transport, addressOf.get(e.host) ?? '', e.port);
    const own = rowFault.get(rowOf(e.id));
    const routed = proxied.has(e.id) && own?.effect === 'proxy-private-name' ? own : undefined;
    const fault = hostFault.get(e.host) ?? routed ?? (key === undefined ? undefined : keyFault.get(key));
    if (fault !== undefined) faultOf.set(e.id, fault);
  }
  const planted = faults.map((fault) => ({
    fault,
    endpointIds: endpoints.filter((e) => faultOf.get(e.id) === fault).map((e) => e.id),
  }));
  return { records, dials, faultOf, planted, proxied, proxyAllows };
}
