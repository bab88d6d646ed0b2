// The dns kind: every probe starts here. Its cells name the answer (NXDOMAIN, a public address, a
// zone not linked); its evidence is who answered what, through which CNAMEs.

import type { AddressInfo, DnsData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import { addressKind } from '../net/address.js';
import { COLUMNS, fact, formatMs, type EvidenceFact, type EvidenceShape, type PanelBlock, type PanelCell, type ProbeKind } from './descriptor.js';

// `data` is a union over layers, and a reason code may come from any layer: check it first.
function dnsData(check: LayerResult): DnsData | undefined {
  return check.layer === 'dns' ? (check.data as DnsData | undefined) : undefined;
}

/** "10.0.0.5 (private)", "10.0.0.5 +1 (private)", "20.1.2.3 (public)", "127.0.0.1 (loopback)", "... (mixed)". */
function describeAddresses(addresses: readonly AddressInfo[], verdict?: string): string | undefined {
  const first = addresses[0];
  if (first === undefined) return undefined;
  const more = addresses.length > 1 ? ` +${addresses.length - 1}` : '';
  const kind =
    verdict ?? (addresses.every((a) => addressKind(a) === 'loopback') ? 'loopback' : addresses.every((a) => a.private) ? 'private' : addresses.some((a) => a.private) ? 'mixed' : 'public');
  return `${first.address}${more} (${kind})`;
}

/** For public_ip, lead with a public address: that is the evidence. */
function publicFirst(addresses: readonly AddressInfo[]): AddressInfo[] {
  return [...addresses].sort((a, b) => Number(a.private) - Number(b.private));
}

/** A public address first, said with the verdict's words. */
const publicCell = (verdict: string) => (check: LayerResult) =>
  describeAddresses(publicFirst(dnsData(check)?.addresses ?? []), verdict) ?? verdict;

/** Which input made the name private, in the words of its flag or file. */
function privateBecauseText(because: NonNullable<DnsData['privateBecause']>): string {
  const zone = because.zone === undefined ? '' : ` (zone ${because.zone})`;
  switch (because.source) {
    case 'expect-private':
      return `--expect-private${zone}`;
    case 'config':
      return `expect.private in the config${zone}`;
    case 'catalog':
      return `the catalog: the workspace uses private endpoints${zone}`;
    case 'private-endpoints-json':
      return `--private-endpoints-json${zone}`;
    case 'private-dependency':
      return `--private-dependency${zone}`;
    case 'managed-network':
      return `a private endpoint rule of the managed network (--workspace-json)${zone}`;
    case 'privatelink-cname':
      return `its CNAME chain enters ${because.zone ?? 'its privatelink zone'}: it has a private endpoint`;
    case 'public-dependency':
      // Never a reason to be private (src/checks/dns.ts leaves it out); here for completeness.
      return '--public-dependency: declared reached by its public endpoint';
  }
}

/** One line per DNS view: which server said what, and through which CNAMEs. */
function dnsFacts(data: DnsData): EvidenceFact[] {
  const facts: EvidenceFact[] = [];
  if (data.privateBecause !== undefined) facts.push(fact('private because', privateBecauseText(data.privateBecause), data.privateBecause.source));
  if (data.system !== undefined) {
    const s = data.system;
    const answer = s.addresses.length > 0 ? s.addresses.join(', ') : (s.code ?? s.reason);
    facts.push(fact('system resolver', answer));
  }
  for (const d of data.direct ?? []) {
    const answer = d.addresses.length > 0 ? d.addresses.map((r) => r.data).join(', ') : (d.rcode ?? d.reason);
    facts.push(fact(`dns ${d.server} (${d.transport})`, answer, d.server));
    const end = d.cname.at(-1)?.data;
    if (end !== undefined) {
      facts.push(fact('cname', [d.cname[0]?.name, ...d.cname.map((r) => r.data)].join(' -> '), end));
    }
  }
  return facts;
}

/** The addresses, classified; then each resolver's answer. */
function dnsPanel(data: DnsData): PanelBlock[] {
  const authority = data.literal ? 'IP literal, no lookup' : `${data.authority} answer decides`;
  const addresses = data.addresses.map((a): PanelCell[] => [
    { code: a.address },
    { value: addressKind(a), class: a.private ? 'k-private' : 'k-public' },
    a.range ?? '',
  ]);
  const resolvers: PanelCell[][] = [];
  if (data.system !== undefined) {
    const s = data.system;
    const answer = s.addresses.length > 0 ? s.addresses.join(', ') : (s.code ?? s.reason);
    resolvers.push(['system resolver', s.reason, { code: answer }, '', formatMs(s.ms)]);
  }
  for (const d of data.direct ?? []) {
    const answer = d.addresses.length > 0 ? d.addresses.map((r) => r.data).join(', ') : (d.rcode ?? d.reason);
    const chain = d.cname.length > 0 ? [d.cname[0]?.name ?? '', ...d.cname.map((r) => r.data)].join(' → ') : '';
    resolvers.push([[{ code: d.server }, ` ${d.transport}`], d.rcode ?? d.reason, { code: answer }, chain === '' ? '' : { code: chain }, formatMs(d.ms)]);
  }
  return [
    { facts: [['name', data.name], ['authority', authority], ['private because', data.privateBecause === undefined ? undefined : privateBecauseText(data.privateBecause)]] },
    { head: ['address', 'kind', 'range'], rows: addresses },
    { head: ['resolver', 'answer', 'addresses', 'CNAME chain', 'time'], rows: resolvers },
  ];
}

const DNS_RECORD: EvidenceShape = { order: ['name', 'type', 'ttl', 'data'] };

export const dnsKind: ProbeKind<'dns'> = {
  layer: 'dns',
  schemes: { dns: { layers: ['dns'] } },
  column: COLUMNS.dns,
  help: { target: 'dns://NAME', does: 'resolve only' },
  load: async () => (await import('./dns.js')).checkDns,
  preload: true,
  // The DNS layer's own per-server timeout sentences come from each query's own timeout (src/dns/),
  // which is not a layer abort: these words are for the rare abort of the whole resolution.
  stopped: {
    timeout: () => ({ reason: 'dns_timeout', message: 'resolution aborted by the layer timeout' }),
    deadline: () => 'resolution cut short by the run deadline',
  },
  json: {
    order: ['name', 'literal', 'authority', 'addresses', 'privateBecause', 'system', 'direct'],
    objects: { system: { order: ['reason', 'message', 'code', 'addresses', 'ms'] }, privateBecause: { order: ['source', 'zone'] } },
    lists: {
      addresses: { order: ['address', 'family', 'private', 'range'] },
      direct: {
        order: ['server', 'transport', 'rcode', 'reason', 'message', 'cname', 'addresses', 'ms', 'ignoredResponses'],
        lists: { cname: DNS_RECORD, addresses: DNS_RECORD },
      },
    },
  },
  okCell: (check) => describeAddresses(dnsData(check)?.addresses ?? []) ?? 'resolved',
  cells: {
    nxdomain: () => 'NXDOMAIN',
    nodata: () => 'NODATA',
    servfail: () => 'SERVFAIL',
    dns_refused: () => 'REFUSED',
    dns_timeout: () => 'timeout',
    dns_unreachable: () => 'no route to DNS',
    dns_tcp_blocked: () => 'TCP 53 blocked',
    dns_error: () => 'DNS error',
    public_ip: (check) => describeAddresses(publicFirst(dnsData(check)?.addresses ?? []), 'public') ?? 'public address',
    unexpected_ip: (check) => describeAddresses(dnsData(check)?.addresses ?? [], 'unexpected') ?? 'unexpected address',
    resolver_mismatch: () => 'resolvers differ',
    dns_not_forwarded: publicCell('not forwarded'),
    zone_not_linked: publicCell('zone not linked'),
    hosts_override: () => 'hosts file',
    proxy_private_name: (check) => describeAddresses(dnsData(check)?.addresses.filter((a) => a.private) ?? [], 'private, to proxy') ?? 'private, to proxy',
  },
  facts: dnsFacts,
  panel: dnsPanel,
};
