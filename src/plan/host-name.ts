// Host names as amlprobe accepts them, shared by targets, the config file and the catalog.
//
// Rules (RFC 1035 length limits, RFC 1123 letters-digits-hyphens), with one deliberate widening:
// underscores are allowed inside labels. DNS itself allows any octet (RFC 2181 section 11), and
// names such as _acme-challenge records, SRV-style owners and some internal or Azure-generated
// names contain them; a probe that refused them would be unable to test a name that resolves.
// Hyphens at the ends of a label stay forbidden: there they are almost always a typo or a
// template hole ("contoso-.blob...") and no Azure resource name can produce them.

import { ipVersion } from '../net/ip-version.js';
import { domainToASCII } from 'node:url';
import { UsageError } from '../errors.js';
import { canonicalAddress } from '../net/address.js';

const MAX_NAME = 253;
const MAX_LABEL = 63;
const LABEL_CHARS = /^[a-z0-9_-]+$/;

/** Why a label is not acceptable, or undefined. */
function labelProblem(label: string): string | undefined {
  if (label.length > MAX_LABEL) {
    return `label '${label}' is ${label.length} characters; a label holds at most ${MAX_LABEL}`;
  }
  if (!LABEL_CHARS.test(label)) {
    const bad = [...label].find((ch) => !/[a-z0-9_-]/.test(ch)) ?? '';
    return `label '${label}' contains ${describeChar(bad)}; labels hold letters, digits, hyphens and underscores`;
  }
  if (label.startsWith('-')) return `label '${label}' starts with a hyphen`;
  if (label.endsWith('-')) return `label '${label}' ends with a hyphen`;
  return undefined;
}

/** Names a character so that spaces, tabs and other invisible ones show up in the message. */
function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '*') return "'*' (wildcards cannot be probed; name a concrete host)";
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).padStart(4, '0').toUpperCase()})`;
  return `'${ch}'`;
}

/**
 * Why `name` (already lower-cased, without a trailing dot) is not a valid host name, or undefined.
 * IP literals are not host names: check them with net.isIP first.
 */
export function hostNameProblem(name: string): string | undefined {
  if (name === '') return 'the host name is empty';
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = domainToASCII(name);
    const hint = ascii === '' ? 'write it in its ASCII (punycode) form' : `write it in its ASCII (punycode) form: ${ascii}`;
    return `'${name}' contains non-ASCII characters; ${hint}`;
  }
  if (name.length > MAX_NAME) return `the name is ${name.length} characters; a host name holds at most ${MAX_NAME}`;
  if (name.startsWith('.')) return 'the name starts with a dot';
  const labels = name.split('.');
  if (labels.includes('')) return 'the name has an empty label (two dots in a row)';
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem !== undefined) return problem;
  }
  // RFC 3696 section 2: a top-level label is never all digits, so "10.0.0.256" is a bad address,
  // not a name; saying so beats the confusing NXDOMAIN a lookup would give.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return `'${name}' is not a valid IP address, and a host name cannot end in an all-digit label`;
  return undefined;
}

/**
 * Lower-cases a host, removes one trailing dot and validates it. IP literals (IPv6 without
 * brackets) are returned in canonical form. Throws a UsageError saying which label is wrong and why.
 */
export function normalizeHost(text: string, source = 'host'): string {
  const host = text.trim().toLowerCase();
  if (ipVersion(host) !== 0) return canonicalAddress(host);
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const problem = hostNameProblem(name);
  if (problem !== undefined) throw new UsageError(`${source} '${text}': ${problem}`);
  return name;
}
