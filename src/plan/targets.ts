// Ad hoc targets, as typed after `amlprobe check` or under `target:` in the config:
//   dns://name            resolve only
//   tcp://host:port       udp://host:port       tls://host[:port]
//   http(s)://host[:port][/path]                ws(s)://host[:port][/path]
//   host:port             shorthand for tcp://host:port
// IPv6 literals go in brackets: tcp://[fd00::5]:443.
// Parsed by hand rather than with WHATWG URL: URL silently rewrites hosts (IDN mapping, "0x7f.1"
// as an IPv4 address, percent-decoding) and accepts schemes it knows nothing about, and every
// such rewrite would make amlprobe probe something other than what the user typed.

import { ipVersion } from '../net/ip-version.js';
import { UsageError } from '../errors.js';
import type { Endpoint, Protocol } from '../model/endpoint.js';
import { schemes } from '../checks/kinds.js';
import { closestMatch } from '../did-you-mean.js';
import { normalizeHost } from './host-name.js';

// Each scheme's syntax is its probe kind's data (src/checks/kinds.ts): a new kind's scheme parses
// here without a change to this file.

/** Every scheme a target may use, in the order error messages list them. */
export const TARGET_SCHEMES: readonly Protocol[] = schemes().map(([scheme]) => scheme);

/** Port used when the target names none; tcp and udp have no default and dns takes no port. */
export const DEFAULT_PORTS: Partial<Record<Protocol, number>> = Object.fromEntries(
  schemes().flatMap(([scheme, syntax]) => (syntax.defaultPort === undefined ? [] : [[scheme, syntax.defaultPort]])),
);

/** Protocols whose targets carry a request path. */
const WITH_PATH: ReadonlySet<Protocol> = new Set<Protocol>(schemes().flatMap(([scheme, syntax]) => (syntax.path === true ? [scheme] : [])));

/** "http, https, ws and wss". */
function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Defaults a target cannot express itself. */
export interface TargetDefaults {
  /** Whether a failure makes the exit code 1; default true. */
  required?: boolean;
  /** Whether the name must resolve to private addresses; default false. */
  expectPrivate?: boolean;
}

/** The host as it appears in a target: IPv6 literals in brackets. */
export function formatHostForTarget(host: string): string {
  return ipVersion(host) === 6 ? `[${host}]` : host;
}

/** The normalized target text of an endpoint, e.g. "https://ml.azure.com:443/"; used as its default id. */
export function formatTarget(endpoint: Pick<Endpoint, 'protocol' | 'host' | 'port' | 'path'>): string {
  const host = formatHostForTarget(endpoint.host);
  if (endpoint.protocol === 'dns') return `dns://${host}`;
  const path = WITH_PATH.has(endpoint.protocol) ? endpoint.path : '';
  return `${endpoint.protocol}://${host}:${endpoint.port}${path}`;
}

/**
 * Parses one target into an Endpoint (id = normalized target, label = the text as typed).
 * Throws a UsageError quoting the target and saying how to fix it.
 */
export function parseTarget(text: string, defaults: TargetDefaults = {}): Endpoint {
  const typed = text.trim();
  const fail = (why: string): never => {
    throw new UsageError(`'${typed}': ${why}`);
  };
  if (typed === '') fail('empty target; write e.g. https://ml.azure.com/, tcp://10.0.0.5:443 or dns://contoso.vault.azure.net');

  const { protocol, rest, shorthand } = splitScheme(typed, fail);
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const tail = cut < 0 ? '' : rest.slice(cut);

  if (authority.includes('@')) fail("user names and passwords are not supported in targets; remove everything up to and including the '@' before the host (the text is not repeated here: it may be a password)");
  const { hostText, portText } = splitAuthority(authority, protocol, fail);
  const host = checkHost(hostText, fail);
  const port = choosePort(protocol, host, portText, shorthand, fail);
  const path = choosePath(protocol, tail, fail);

  const endpoint: Endpoint = {
    id: '',
    host,
    port,
    protocol,
    path,
    required: defaults.required ?? true,
    expect: defaults.expectPrivate === true ? { private: true } : {},
    label: typed,
  };
  endpoint.id = formatTarget(endpoint);
  return endpoint;
}

type Fail = (why: string) => never;

/** Splits "scheme://rest"; a text without "://" is the tcp shorthand "host:port". */
function splitScheme(typed: string, fail: Fail): { protocol: Protocol; rest: string; shorthand: boolean } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(typed);
  if (match === null) {
    // "https:example.com" or "https:/example.com": a scheme that lost its slashes.
    const lost = /^([A-Za-z][A-Za-z0-9+.-]*):\/?([^/\d].*)$/s.exec(typed);
    const lostScheme = lost?.[1]?.toLowerCase();
    if (lost !== null && lostScheme !== undefined && (TARGET_SCHEMES as readonly string[]).includes(lostScheme)) {
      fail(`write '${lostScheme}://${lost[2] ?? ''}' (two slashes after the scheme)`);
    }
    return { protocol: 'tcp', rest: typed, shorthand: true };
  }
  const scheme = (match[1] ?? '').toLowerCase();
  if (!(TARGET_SCHEMES as readonly string[]).includes(scheme)) {
    const guess = closestMatch(scheme, TARGET_SCHEMES);
    const list = TARGET_SCHEMES.join(', ');
    fail(`unknown scheme '${scheme}'; ${guess === undefined ? `use one of ${list}` : `did you mean '${guess}'? (schemes: ${list})`}`);
  }
  return { protocol: scheme as Protocol, rest: match[2] ?? '', shorthand: false };
}

/** Splits "host", "host:port", "[v6]" or "[v6]:port". */
function splitAuthority(authority: string, protocol: Protocol, fail: Fail): { hostText: string; portText: string | undefined } {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) fail("missing ']' after the IPv6 address");
    const hostText = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (ipVersion(hostText) !== 6) fail(`'${hostText}' in brackets is not an IPv6 address`);
    if (after === '') return { hostText, portText: undefined };
    if (!after.startsWith(':')) fail(`unexpected '${after}' after ']'; write [address]:port`);
    return { hostText, portText: after.slice(1) };
  }
  const colons = authority.split(':').length - 1;
  if (colons > 1) {
    if (ipVersion(authority) === 6) fail(`put the IPv6 address in brackets: ${protocol}://[${authority}]${protocol === 'dns' ? '' : ':PORT'}`);
    const lastColon = authority.lastIndexOf(':');
    const head = authority.slice(0, lastColon);
    if (ipVersion(head) === 6) fail(`put the IPv6 address in brackets: ${protocol}://[${head}]:${authority.slice(lastColon + 1)}`);
    fail(`too many ':' in '${authority}'; write host:port`);
  }
  if (colons === 1) {
    const colon = authority.indexOf(':');
    return { hostText: authority.slice(0, colon), portText: authority.slice(colon + 1) };
  }
  return { hostText: authority, portText: undefined };
}

/** Validates and normalizes the host (see host-name.ts): lower case, no trailing dot, canonical IP literals. */
function checkHost(hostText: string, fail: Fail): string {
  if (hostText === '') fail('the host is missing');
  try {
    return normalizeHost(hostText, 'bad host name');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return fail(error.message);
  }
}

/** The port the target names, or the scheme's default; tcp and udp need one, dns takes none. */
function choosePort(protocol: Protocol, host: string, portText: string | undefined, shorthand: boolean, fail: Fail): number {
  const shown = formatHostForTarget(host);
  if (protocol === 'dns') {
    if (portText !== undefined) {
      fail(`a dns:// target is a name to resolve and takes no port; write dns://${shown} (choose DNS servers with --dns-server or settings.dnsServers)`);
    }
    if (ipVersion(host) !== 0) {
      fail(`'${host}' is already an address; dns:// takes a host name to resolve (to query the DNS server ${host}, use --dns-server ${host})`);
    }
    return 0;
  }
  if (portText === undefined) {
    const fallback = DEFAULT_PORTS[protocol];
    if (fallback !== undefined) return fallback;
    if (shorthand) {
      fail(`no scheme and no port; write host:port for TCP (e.g. ${shown}:443) or a URL such as https://${shown}/ or dns://${shown}`);
    }
    fail(`${protocol}:// needs a port, e.g. ${protocol}://${shown}:443`);
  }
  const portString = portText ?? '';
  if (portString === '') fail("the port after ':' is empty");
  if (!/^\d+$/.test(portString)) fail(`port '${portString}' is not a number`);
  const port = Number(portString);
  if (port < 1 || port > 65535) fail(`port ${port} is out of range 1-65535`);
  return port;
}

/** The request path for http(s)/ws(s) ("/" when absent); other schemes take none. */
function choosePath(protocol: Protocol, tail: string, fail: Fail): string {
  const hash = tail.indexOf('#');
  if (hash >= 0) fail(`the fragment '${tail.slice(hash)}' is never sent to a server; remove it`);
  if (!WITH_PATH.has(protocol)) {
    // A lone trailing slash is what a copied URL leaves behind and means nothing; anything more
    // suggests the user expected a request that this scheme will not make.
    if (tail === '' || tail === '/') return '';
    fail(`a ${protocol}:// target has no path; remove '${tail}' (paths apply to ${listed([...WITH_PATH])})`);
  }
  const path = tail === '' ? '/' : tail.startsWith('?') ? `/${tail}` : tail;
  const bad = /[\s\x00-\x1f\x7f]/.exec(path);
  if (bad !== null) {
    const code = (bad[0].codePointAt(0) ?? 0).toString(16).padStart(2, '0').toUpperCase();
    fail(`the path contains ${bad[0] === ' ' ? 'a space' : 'a control or whitespace character'}; percent-encode it as %${code}`);
  }
  return path;
}
