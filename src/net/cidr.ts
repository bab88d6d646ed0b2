// IP addresses and CIDR ranges as integers: IPv4 in 32 bits, IPv6 in 128 bits (bigint), so one
// containment test serves both families. node:net BlockList would do the matching too, but it cannot
// tell which rule matched, and reports must name the range that made an address private.

import { isIPv4, isIPv6 } from 'node:net';
import { InputParseError } from '../parse-error.js';
import type { ParsedCidr } from '../model/address.js';

/** An address as an integer of its family's width. */
export interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

export type { ParsedCidr } from '../model/address.js';

/** A CIDR range that does not parse; `source` is the flag or setting it came from, when given. */
export class CidrParseError extends InputParseError {
  constructor(value: string, why: string, source?: string) {
    super(`${source ?? 'address range'} '${value}': ${why}`, value, why, source);
    this.name = 'CidrParseError';
  }
}

const WIDTH = { 4: 32, 6: 128 } as const;

/** Parses an IPv4 or IPv6 literal (zone ids like "%eth0" dropped), or returns null when it is neither. */
export function parseAddress(text: string): ParsedAddress | null {
  const address = text.includes('%') ? text.replace(/%.*$/, '') : text;
  if (isIPv4(address)) return { family: 4, value: ipv4ToBigInt(address) };
  // Colons first: see builtInCidr on the cost of node:net's IPv6 check.
  if (address.includes(':') && isIPv6(address)) return { family: 6, value: ipv6ToBigInt(address) };
  return null;
}

// Summed as a number (32 bits fit exactly) and made a bigint once: every DNS answer is classified,
// and a bigint per octet was a visible share of a 10,000-name run.
function ipv4ToBigInt(address: string): bigint {
  let value = 0;
  for (const octet of address.split('.')) value = value * 256 + Number(octet);
  return BigInt(value);
}

// Assumes node:net already validated the text. Handles "::" and a trailing dotted IPv4 part
// ("::ffff:10.0.0.1").
function ipv6ToBigInt(address: string): bigint {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const v4 = ipv4ToBigInt(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** Formats an integer of the given family back to text (IPv6 compressed per RFC 5952). */
export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((value >> shift) & 0xffffn));
  // Longest run of two or more zero groups becomes "::" (first one wins a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

// Made once per family and prefix: every answer is tested against each private range in turn.
const MASKS: Record<4 | 6, bigint[]> = { 4: [], 6: [] };

function mask(family: 4 | 6, prefix: number): bigint {
  const known = MASKS[family][prefix];
  if (known !== undefined) return known;
  const width = BigInt(WIDTH[family]);
  const made = ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefix))) - 1n);
  MASKS[family][prefix] = made;
  return made;
}

/** True when the address lies inside the range (families must match; map IPv4-mapped IPv6 first). */
export function cidrContains(cidr: ParsedCidr, address: ParsedAddress): boolean {
  return cidr.family === address.family && (address.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}

/**
 * A range amlprobe itself spells (src/net/address.ts PRIVATE_RANGES), parsed without validation:
 * node:net's IPv6 check compiles a regular expression of several kilobytes on first use, 5-10 ms
 * of every start-up, and a run of IPv4 targets never needs it otherwise. test/address.test.ts
 * checks every built-in range against parseCidr.
 */
export function builtInCidr(text: string): ParsedCidr {
  const [addressText = '', prefixText = ''] = text.split('/');
  const family = addressText.includes(':') ? 6 : 4;
  return { text, family, network: family === 4 ? ipv4ToBigInt(addressText) : ipv6ToBigInt(addressText), prefix: Number(prefixText) };
}

/**
 * Parses "10.0.0.0/8", "fd00::/8", or a bare address (a single-host range, /32 or /128).
 * Throws a CidrParseError naming the bad value, and `source` (the option or config key) when given.
 * Host bits set ("10.1.2.3/8") are rejected rather than silently masked: that is usually a typo for
 * a narrower range, and guessing would make --expect-private pass or fail for the wrong reason.
 */
export function parseCidr(text: string, source = '--private-cidr'): ParsedCidr {
  const fail = (why: string): never => {
    throw new CidrParseError(text, why, source);
  };
  const trimmed = text.trim();
  if (trimmed === '') fail('empty range; expected CIDR notation like 10.0.0.0/8 or fd00::/8');
  const slash = trimmed.indexOf('/');
  const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const address = isIPv4(addressText) || (addressText.includes(':') && isIPv6(addressText)) ? parseAddress(addressText) : null;
  if (address === null) {
    return fail(`'${addressText}' is not an IPv4 or IPv6 address; expected CIDR notation like 10.0.0.0/8`);
  }
  const width = WIDTH[address.family];
  const familyName = address.family === 4 ? 'IPv4' : 'IPv6';
  let prefix: number = width;
  if (slash >= 0) {
    const prefixText = trimmed.slice(slash + 1);
    prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= width)) fail(`prefix length must be 0-${width} for ${familyName}`);
  }
  const network = address.value & mask(address.family, prefix);
  const canonical = `${formatAddress(address.family, network)}/${prefix}`;
  if (network !== address.value) fail(`host bits are set after /${prefix}; did you mean ${canonical}?`);
  return { text: canonical, family: address.family, network, prefix };
}
