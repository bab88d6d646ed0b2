// The DNS verdict: which view is authoritative and what it means for the endpoint. Pure: takes
// the two views of a name (NameResolution) and the expectations, returns status, reason and evidence.

import { addressKind, canonicalAddress, classifyAddress, privateRangeLabel } from '../net/address.js';
import type { ParsedCidr } from '../net/cidr.js';
import type { Reason, Status } from '../model/reason.js';
import type { AddressInfo, DirectAnswer, DnsData, NameResolution } from '../model/evidence.js';
import type { RunSettings } from '../model/settings.js';
import { diagnose } from './diagnosis.js';
import { AZURE_DNS_ADDRESS, publicParentOf } from './privatelink-zones.js';

/** One view of a name, system or direct, flattened for comparison. */
interface View {
  label: string;
  reason: Reason;
  addresses: string[];
  message: string;
  /** A short form for a matrix cell: the addresses, or the rcode / error code. */
  brief: string;
}

const listAddresses = (addresses: string[], max = 2): string =>
  addresses.length <= max ? addresses.join(', ') : `${addresses.slice(0, max).join(', ')} +${addresses.length - max} more`;

function directView(answer: DirectAnswer): View {
  const brief = answer.reason === 'ok' ? listAddresses(answer.addresses.map((r) => r.data)) : (answer.rcode ?? answer.reason);
  return { label: answer.server, reason: answer.reason, addresses: answer.addresses.map((r) => r.data), message: answer.message, brief };
}

function systemView(resolution: NameResolution): View | undefined {
  const system = resolution.system;
  if (system === undefined) return undefined;
  const brief = system.reason === 'ok' ? listAddresses(system.addresses) : (system.code ?? system.reason);
  return { label: 'system', reason: system.reason, addresses: system.addresses, message: system.message, brief };
}

/** "10.0.0.5 (private: 10.0.0.0/8, RFC 1918)" or "20.1.2.3 (public)". */
function describeAddress(info: AddressInfo): string {
  if (!info.private) return `${info.address} (public)`;
  if (addressKind(info) === 'loopback') return `${info.address} (loopback)`;
  const label = info.range === null ? undefined : privateRangeLabel(info.range);
  return `${info.address} (private: ${info.range}${label === undefined ? '' : `, ${label}`})`;
}

const sameSet = (a: string[], b: string[]): boolean => {
  const x = new Set(a.map(canonicalAddress));
  const y = new Set(b.map(canonicalAddress));
  return x.size === y.size && [...x].every((address) => y.has(address));
};

/** Short cell text for a failed authoritative view. */
function failureBrief(reason: Reason, view: View, chainEnd: string | undefined, timeoutMs: number): string {
  const end = chainEnd === undefined ? '' : ` for ${chainEnd}`;
  switch (reason) {
    case 'nxdomain':
      return view.label === 'system' && view.brief === 'ENOTFOUND' ? 'name not found (ENOTFOUND)' : `NXDOMAIN${end}`;
    case 'nodata':
      return `no A/AAAA records${end}`;
    case 'servfail':
      return `SERVFAIL${end}`;
    case 'dns_refused':
      return 'DNS query refused';
    case 'dns_timeout':
      return view.brief === 'EAI_AGAIN' ? 'temporary DNS failure (EAI_AGAIN)' : `no DNS answer within ${timeoutMs} ms`;
    case 'dns_unreachable':
      return `DNS server unreachable from here (${view.label})`;
    case 'dns_tcp_blocked':
      return `TCP 53 to ${view.label} blocked (UDP answer truncated)`;
    case 'deadline':
      return 'cut short by the run deadline';
    default:
      // No rcode and no error code: the socket-level sentence (unreachable, not DNS) is the news.
      return view.brief === 'dns_error' ? view.message : `DNS error (${view.brief})`;
  }
}

/** A verdict before timing and evidence are added. */
export interface Verdict {
  status: Status;
  reason: Reason;
  message: string;
  detail?: string;
}

/** The CNAME chain end as seen by the authority, else by the first direct answer that has a chain. */
function chainEndOf(authority: DirectAnswer | undefined, resolution: NameResolution): string | undefined {
  const withChain = authority?.cname.length ? authority : resolution.direct.find((d) => d.cname.length > 0);
  return withChain?.cname[withChain.cname.length - 1]?.data;
}

/** Applies the private / exact-address expectations to the addresses we would connect to. */
function expectationVerdict(
  addresses: AddressInfo[],
  expectPrivate: boolean,
  expected: string[] | undefined,
  chainEnd: string | undefined,
  zone?: string,
): Verdict | undefined {
  const firstPublic = addresses.find((a) => !a.private);
  if (expectPrivate && firstPublic !== undefined) {
    const via = chainEnd === undefined ? '' : ` via ${chainEnd}`;
    const fix =
      zone === undefined
        ? 'privatelink zone not linked to this VNet, or custom DNS not forwarding to Azure DNS'
        : `link ${zone} to this VNet, or forward ${publicParentOf(zone)} to Azure DNS (${AZURE_DNS_ADDRESS}) on the custom DNS server`;
    return {
      status: 'fail',
      reason: 'public_ip',
      message: `public IP ${firstPublic.address}${via}: ${fix}`,
      detail: `expected private addresses; got ${addresses.map(describeAddress).join(', ')}`,
    };
  }
  if (expected !== undefined && expected.length > 0) {
    const got = addresses.map((a) => a.address);
    if (!sameSet(got, expected)) {
      return {
        status: 'fail',
        reason: 'unexpected_ip',
        message: `got ${listAddresses(got)}, expected ${listAddresses(expected)}`,
        detail: `resolved to {${got.join(', ')}}; the configuration expects exactly {${expected.join(', ')}}`,
      };
    }
  }
  return undefined;
}

/** Everything the check decides, before timing is added. */
export interface Judgement extends Verdict {
  data: DnsData;
  address?: string;
}

/** Verdict for an IP literal host: no lookup, expectations still apply. */
export function judgeLiteral(host: string, expectPrivate: boolean, expected: string[] | undefined, cidrs: ParsedCidr[]): Judgement {
  const addresses = [classifyAddress(host, cidrs)];
  const data: DnsData = { name: host, literal: true, authority: 'literal', addresses };
  const verdict = expectationVerdict(addresses, expectPrivate, expected, undefined) ?? {
    status: 'pass' as const,
    reason: 'ok' as const,
    message: 'IP literal, no lookup',
  };
  return { ...verdict, data, address: host };
}

// The reasons a diagnosis may sharpen: a wrong answer, never a failure to answer.
const DIAGNOSABLE: ReadonlySet<Reason> = new Set<Reason>(['public_ip', 'unexpected_ip', 'resolver_mismatch']);

/**
 * Verdict for a resolved name: picks the authoritative view, then applies the precedence
 * failure > public_ip > unexpected_ip > resolver_mismatch > ok. `cidrs` are the extra private ranges.
 * When comparing the resolvers names the fault (src/dns/diagnosis.ts), its code replaces
 * public_ip / unexpected_ip / resolver_mismatch with the same status, and data.diagnosis says
 * which zone to link or forward.
 */
export function judgeResolution(
  resolution: NameResolution,
  settings: RunSettings,
  expectPrivate: boolean,
  expected: string[] | undefined,
  cidrs: ParsedCidr[],
  zone?: string,
): Judgement {
  const judgement = judgeViews(resolution, settings, expectPrivate, expected, cidrs, zone);
  if (judgement.data.authority === 'literal' || judgement.data.addresses.length === 0) return judgement;
  const privateExpected =
    expectPrivate || (expected !== undefined && expected.length > 0 && expected.every((a) => classifyAddress(a, cidrs).private));
  const authority = judgement.data.authority;
  const diagnosis = diagnose(zone === undefined ? { resolution, authority, privateExpected, cidrs } : { resolution, authority, privateExpected, cidrs, zone });
  if (diagnosis === undefined) return judgement;
  const data: DnsData = { ...judgement.data, diagnosis };
  if (!DIAGNOSABLE.has(judgement.reason)) return { ...judgement, data };
  return {
    ...judgement,
    reason: diagnosis.code,
    message: diagnosis.message,
    // public_ip's own sentence guesses between the causes the diagnosis just told apart.
    detail:
      judgement.reason === 'public_ip' && judgement.detail !== undefined
        ? judgement.detail
        : `${judgement.message}${judgement.detail === undefined ? '' : `; ${judgement.detail}`}`,
    data,
  };
}

/**
 * The evidence of a resolved name, its fields in the order reports have always printed them (name,
 * system, direct, authority, addresses), built as one literal: copying a spread of conditional
 * spreads was the largest part of judging a name in a profile of 10,000 names (issue 15).
 */
function dnsData(resolution: NameResolution, authority: 'system' | 'direct', addresses: AddressInfo[]): DnsData {
  const { name, system, direct } = resolution;
  if (system === undefined) return direct.length === 0 ? { name, authority, addresses } : { name, direct, authority, addresses };
  return direct.length === 0 ? { name, system, authority, addresses } : { name, system, direct, authority, addresses };
}

function judgeViews(
  resolution: NameResolution,
  settings: RunSettings,
  expectPrivate: boolean,
  expected: string[] | undefined,
  cidrs: ParsedCidr[],
  zone: string | undefined,
): Judgement {
  const sys = systemView(resolution);
  const directs = resolution.direct.map(directView);
  // First server in order with a definitive answer; else the first server, whose failure we report.
  // Azure DNS asked only for comparison (settings.azureDns, last in the list) never decides while
  // the configured servers are there.
  const primary = resolution.direct.slice(0, settings.dnsServers.length > 0 ? settings.dnsServers.length : resolution.direct.length);
  const definitiveIndex = primary.findIndex((d) => d.rcode === 'NOERROR' || d.rcode === 'NXDOMAIN');
  const directIndex = definitiveIndex >= 0 ? definitiveIndex : 0;
  const useDirect = directs.length > 0 && (settings.dnsServersExplicit || sys === undefined);
  const auth = useDirect ? directs[directIndex] : sys;
  const authDirect = useDirect ? resolution.direct[directIndex] : undefined;
  if (auth === undefined) {
    return {
      status: 'fail',
      reason: 'dns_error',
      message: 'no resolver to ask',
      detail: 'the system resolver is switched off and no DNS server is configured',
      data: dnsData(resolution, 'system', []),
    };
  }
  const authority = useDirect ? ('direct' as const) : ('system' as const);
  const others = [sys, ...directs].filter((v): v is View => v !== undefined && v !== auth);
  const detail = [auth, ...others].map((v) => v.message).join('; ');
  const chainEnd = chainEndOf(authDirect, resolution);

  if (auth.reason !== 'ok') {
    let reason = auth.reason;
    // Only the authority's own chain explains its failure ("NXDOMAIN for x.privatelink...").
    const ownEnd = authDirect?.cname[authDirect.cname.length - 1]?.data;
    let message = failureBrief(reason, auth, ownEnd, settings.timeoutMs);
    // getaddrinfo's ENOTFOUND and EAI_AGAIN each cover several rcodes; a direct answer names the one.
    const code = resolution.system?.code;
    const precise = resolution.direct.find((d) => d.rcode !== null || d.reason === 'dns_tcp_blocked');
    if (authority === 'system' && (code === 'ENOTFOUND' || code === 'EAI_AGAIN') && precise !== undefined && precise.reason !== 'ok') {
      reason = precise.reason;
      const end = precise.cname.length > 0 ? precise.cname[precise.cname.length - 1]?.data : undefined;
      message = `${failureBrief(reason, directView(precise), end, settings.timeoutMs)} (per ${precise.server}; system said ${code})`;
    }
    return { status: 'fail', reason, message, detail, data: dnsData(resolution, authority, []) };
  }

  const addresses = auth.addresses.map((address) => classifyAddress(address, cidrs));
  const data = dnsData(resolution, authority, addresses);
  const address = auth.addresses[0];
  const expectation = expectationVerdict(addresses, expectPrivate, expected, chainEnd, zone);
  if (expectation !== undefined) return { ...expectation, detail: `${expectation.detail}; ${detail}`, data, address };

  // A loopback answer (localhost, a hosts-file pin to 127.0.0.1) is this machine's own business: a
  // DNS server that does not know the name, or knows its public address, is not disagreeing with it.
  // Unless the name must be private: a private endpoint's name pinned to loopback is a hosts-file
  // override worth its warning (the diagnosis names it).
  const loopback = !expectPrivate && addresses.every((a) => addressKind(a) === 'loopback');
  const disagreeing = loopback ? undefined : others.find((v) => v.reason !== 'ok' || !sameSet(v.addresses, auth.addresses));
  if (disagreeing !== undefined) {
    return {
      status: 'warn',
      reason: 'resolver_mismatch',
      message: `${auth.label}: ${auth.brief}; ${disagreeing.label}: ${disagreeing.brief}`,
      detail: `resolvers disagree (${authority} view decides): ${detail}`,
      data,
      address,
    };
  }
  const privateNote = expectPrivate ? ' (private)' : '';
  const classified = expectPrivate ? `${addresses.map(describeAddress).join(', ')}; ` : '';
  return { status: 'pass', reason: 'ok', message: `${listAddresses(auth.addresses)}${privateNote}`, detail: `${classified}${detail}`, data, address };
}

