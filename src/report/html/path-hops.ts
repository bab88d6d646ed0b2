// The path a failed endpoint took, as hops read from its evidence: this machine, the resolvers
// asked (each with its answer), the forward proxy when there was one, and the endpoint with its
// address (private or public). The hop where it stopped is marked. path-svg.ts draws it.

import type { AddressInfo, ConnectData, DnsData, TlsData } from '../../model/evidence.js';
import type { EndpointResult } from '../../model/result.js';

/** How a hop fared: passed, stopped here, or never reached. */
export type HopState = 'pass' | 'stop' | 'unreached';

/** One box of the picture. */
export interface Hop {
  /** The small heading: "client", "resolver", "proxy", "endpoint". */
  role: string;
  /** The hop's name: an address, a server, a host. */
  name: string;
  /** One or two short lines under it: an answer, an address, a status. */
  lines: string[];
  state: HopState;
}

/** The hops, column by column (resolvers asked side by side share a column). */
export type PathColumns = Hop[][];

function checkData<T>(result: EndpointResult, layer: string): T | undefined {
  return result.checks.find((c) => c.layer === layer)?.data as T | undefined;
}

function addressText(a: AddressInfo): string {
  return `${a.address} (${a.private ? 'private' : 'public'})`;
}

/** The resolvers' column: each server asked (and the system resolver) with what it answered. */
function resolverHops(dns: DnsData | undefined, stopped: boolean): Hop[] {
  if (dns === undefined || dns.literal === true) return [];
  const hops: Hop[] = (dns.direct ?? []).map((d) => {
    const answer = d.addresses.length > 0 ? d.addresses.map((r) => r.data).join(', ') : (d.rcode ?? d.reason);
    const chain = d.cname.length > 0 ? `via ${d.cname.at(-1)?.data ?? ''}` : undefined;
    const bad = d.reason !== 'ok' || (stopped && d.addresses.length > 0);
    return { role: `resolver${d.role === undefined ? '' : ` (${d.role})`}`, name: d.server, lines: [answer, ...(chain === undefined ? [] : [chain])], state: stopped && bad ? 'stop' : 'pass' };
  });
  if (dns.system !== undefined) {
    const s = dns.system;
    const answer = s.addresses.length > 0 ? s.addresses.join(', ') : (s.code ?? s.reason);
    hops.push({ role: 'resolver', name: 'system (getaddrinfo)', lines: [answer], state: stopped && dns.authority === 'system' ? 'stop' : 'pass' });
  }
  // The DNS layer failed but no single answer looks wrong (a diagnosis over all of them): mark them all.
  if (stopped && !hops.some((h) => h.state === 'stop')) for (const hop of hops) hop.state = 'stop';
  return hops;
}

/** The path of one result, as columns of hops; the deciding layer picks the stopping hop. */
export function pathOf(result: EndpointResult): PathColumns {
  const dns = checkData<DnsData>(result, 'dns');
  const connect = checkData<ConnectData>(result, 'tcp');
  const failed = result.status === 'fail' || result.status === 'warn';
  const layer = failed ? result.layer : null;
  const stopAtDns = layer === 'dns';
  const stopAtProxy = connect?.proxy !== undefined && layer === 'tcp' && result.reason.startsWith('proxy_');
  const columns: PathColumns = [[{ role: 'client', name: 'this machine', lines: connect?.localAddress !== undefined ? [connect.localAddress] : [], state: 'pass' }]];
  const resolvers = resolverHops(dns, stopAtDns);
  if (resolvers.length > 0) columns.push(resolvers);
  // A hop after the one that stopped was never reached.
  const after = (stop: boolean): HopState => (stop ? 'stop' : columns.some((c) => c.some((h) => h.state === 'stop')) ? 'unreached' : 'pass');
  if (connect?.proxy !== undefined) {
    columns.push([{ role: 'proxy', name: connect.proxy, lines: connect.proxyStatus !== undefined ? [connect.proxyStatus] : [], state: after(stopAtProxy) }]);
  }
  const addresses = dns?.addresses ?? [];
  const shown = result.address !== null ? addresses.filter((a) => a.address === result.address) : addresses;
  const where = shown.length > 0 ? shown.map(addressText) : result.address !== null ? [result.address] : [];
  const issuer = checkData<TlsData>(result, 'tls')?.chain?.[0]?.issuer;
  const endpointStops = layer !== null && !stopAtDns && !stopAtProxy;
  const lines = [...where.slice(0, 2), ...(endpointStops ? [`${layer}: ${result.reason}`] : [])];
  if (endpointStops && issuer !== undefined && /^tls_/.test(result.reason)) lines.push(`cert by ${issuer}`);
  columns.push([{ role: `endpoint ${result.protocol}`, name: `${result.host}${result.port > 0 ? `:${result.port}` : ''}`, lines, state: after(endpointStops) }]);
  return columns;
}
