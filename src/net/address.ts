// Is an address private, and by which range? The DNS layer uses this to tell "resolves to the private
// endpoint" from "resolves to the public one" (the privatelink zone is not linked, or custom DNS does
// not forward to Azure DNS).

import type { AddressInfo } from '../model/evidence.js';
import { builtInCidr, cidrContains, formatAddress, parseAddress, type ParsedCidr } from './cidr.js';

/** A built-in private range and why it counts as private. */
export interface PrivateRange {
  cidr: ParsedCidr;
  /** Short name for reports, e.g. "RFC 1918", "loopback". */
  label: string;
}

const range = (text: string, label: string): PrivateRange => ({ cidr: builtInCidr(text), label });

/**
 * The ranges that count as private without any --private-cidr.
 * Loopback and link-local are included on purpose: an answer in them is never "the public endpoint"
 * (it is a hosts-file override, a local proxy or a DNS sinkhole), so calling it public would send the
 * user to fix a privatelink zone that is not the problem. The range is reported, so such an answer
 * stays visible in the detail.
 */
export const PRIVATE_RANGES: readonly PrivateRange[] = [
  range('10.0.0.0/8', 'RFC 1918'),
  range('172.16.0.0/12', 'RFC 1918'),
  range('192.168.0.0/16', 'RFC 1918'),
  range('100.64.0.0/10', 'RFC 6598 shared address space'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('fc00::/7', 'unique local (ULA)'),
  range('::1/128', 'loopback'),
  range('fe80::/10', 'link-local'),
];

/** How reports name an address: loopback is private for every verdict, but said as what it is. */
export type AddressKind = 'loopback' | 'private' | 'public';

const LOOPBACK_RANGES: ReadonlySet<string> = new Set(['127.0.0.0/8', '::1/128']);

/**
 * "loopback" for 127.0.0.0/8 and ::1 (localhost, a hosts-file pin, a local proxy): calling such an
 * answer "private" sends the reader looking for a private endpoint that is not there.
 */
export function addressKind(info: Pick<AddressInfo, 'private' | 'range'>): AddressKind {
  if (!info.private) return 'public';
  return info.range !== null && LOOPBACK_RANGES.has(info.range) ? 'loopback' : 'private';
}

const V4_MAPPED = builtInCidr('::ffff:0:0/96');

/** The label of a built-in private range given its canonical text, e.g. "RFC 1918" for "10.0.0.0/8". */
export function privateRangeLabel(rangeText: string): string | undefined {
  return PRIVATE_RANGES.find((r) => r.cidr.text === rangeText)?.label;
}

/** True when the text is an IPv4 or IPv6 literal (IPv6 without brackets). */
export function isIpLiteral(text: string): boolean {
  return parseAddress(text) !== null;
}

/** Canonical text of an address (IPv6 compressed, lower case), or the input when it is not an address. */
export function canonicalAddress(text: string): string {
  const parsed = parseAddress(text);
  return parsed === null ? text : formatAddress(parsed.family, parsed.value);
}

/**
 * Classifies an address as private (built-in ranges first, then the user's extra ranges) or public.
 * An IPv4-mapped IPv6 address (::ffff:10.0.0.5) is judged by its IPv4 part, since that is where the
 * traffic goes; its family stays 6 because that is how it would be dialled.
 * A text that is not an address is reported public with family 4: the caller only passes resolver
 * answers, which are always addresses.
 */
export function classifyAddress(address: string, extraPrivate: ParsedCidr[]): AddressInfo {
  const parsed = parseAddress(address);
  if (parsed === null) return { address, family: 4, private: false, range: null };
  const candidates = [parsed];
  if (parsed.family === 6 && cidrContains(V4_MAPPED, parsed)) {
    candidates.unshift({ family: 4, value: parsed.value & 0xffffffffn });
  }
  for (const candidate of candidates) {
    const hit =
      PRIVATE_RANGES.find((r) => cidrContains(r.cidr, candidate))?.cidr ??
      extraPrivate.find((cidr) => cidrContains(cidr, candidate));
    if (hit !== undefined) return { address, family: parsed.family, private: true, range: hit.text };
  }
  return { address, family: parsed.family, private: false, range: null };
}
