// Which forward proxy, if any, an endpoint goes through, and how proxy URLs are read and shown.
//
// Sources, most specific first:
//   1. the endpoint's own `proxy:` in the config file: 'none' (direct) or a URL (NO_PROXY does not apply);
//   2. the run setting: --no-proxy / `settings.proxy: none` (direct), --proxy URL / `settings.proxy: URL`;
//   3. the environment as read at start: https_proxy for https/wss/tls, http_proxy for http/ws,
//      lower-case before upper-case as curl reads them.
// NO_PROXY applies to 2 and 3 (as curl applies it to -x too). HTTP-speaking endpoints and TLS ones
// take a proxy from 2 and 3; raw tcp:// targets from 1 and 2 only, because the proxy variables
// are read by HTTP clients and never by a plain socket, while a proxy named for the run is the
// one way to ask "does the proxy let this port through?" (a CONNECT tunnel to any port); smb,
// dns and udp never.
// Redirect-only runs (the lab) take only an endpoint's own `proxy:` (the lab's simulated proxy, dialled
// through the redirects like any target); the run's and the environment's proxies are real machines
// the run does not simulate, so they are ignored there: nothing may leave loopback.
//
// Credentials in a proxy URL are needed for Proxy-Authorization and never shown: every text a
// report prints goes through displayProxy(), which keeps scheme, host and port only.

import { ipVersion } from './ip-version.js';
import { InputParseError } from '../parse-error.js';
import type { Endpoint, Protocol } from '../model/endpoint.js';
import type { ProxyServer } from '../model/route.js';
import type { ProxyEnvironment, RunSettings } from '../model/settings.js';
import { redactTyped, rememberProxyCredentials } from '../untrusted/redact.js';
import { cidrContains, parseAddress, parseCidr } from './cidr.js';

export type { ProxyServer } from '../model/route.js';

/** Protocols that use https_proxy / http_proxy when they name no proxy of their own. */
const HTTPS_SCHEMES: ReadonlySet<Protocol> = new Set<Protocol>(['https', 'wss', 'tls']);
const HTTP_SCHEMES: ReadonlySet<Protocol> = new Set<Protocol>(['http', 'ws']);

/** A proxy URL that does not parse; its value is the URL without credentials (the CLI makes it exit 2). */
export class ProxyUrlError extends InputParseError {
  constructor(message: string, shown: string, why: string, source: string) {
    super(message, shown, why, source);
    this.name = 'ProxyUrlError';
  }
}

/**
 * Parses "http://[user:pass@]host[:port][/]" (a bare "host:port" is read as http:// like curl).
 * Throws a ProxyUrlError naming `source`; neither its message nor its value repeats the credentials.
 */
export function parseProxyUrl(text: string, source: string): ProxyServer {
  const trimmed = text.trim();
  const fail = (shown: string, why: string, message: string): never => {
    throw new ProxyUrlError(message, shown, why, source);
  };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    const shown = redactTyped(trimmed);
    return fail(shown, 'is not a valid proxy URL', `${source} '${shown}' is not a valid proxy URL; write it as http://host:port.`);
  }
  const shown = displayOf(url);
  if (url.protocol !== 'http:') {
    fail(shown, 'only http:// forward proxies are supported', `${source} '${shown}': only http:// forward proxies are supported (the CONNECT tunnel carries TLS end to end).`);
  }
  if (url.hostname === '') fail(shown, 'names no proxy host', `${source} '${shown}' names no proxy host; write it as http://host:port.`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    fail(shown, 'a proxy URL has no path or query', `${source} '${shown}': a proxy URL has no path or query; write it as http://host:port.`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port === '' ? 80 : Number(url.port);
  const server: ProxyServer = { host, port, display: shown };
  if (url.username !== '' || url.password !== '') {
    const user = safeDecode(url.username);
    const password = safeDecode(url.password);
    // From now on every text amlprobe prints is scrubbed of them, whoever echoes them back.
    rememberProxyCredentials(user, password);
    rememberProxyCredentials(url.username, url.password);
    server.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return server;
}

/** Percent-decoding that keeps the text as written when it is not valid (a lone '%'). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** "http://host:port" of a URL, without user info, path or query. */
function displayOf(url: URL): string {
  const port = url.port === '' ? (url.protocol === 'http:' ? '80' : '') : url.port;
  return `${url.protocol}//${url.hostname}${port === '' ? '' : `:${port}`}`;
}

/** Validates a config `proxy:` value (auto, none or a proxy URL); returns it, throws a ProxyUrlError naming `source`. */
export function checkProxyValue(text: string, source: string): string {
  if (text !== 'auto' && text !== 'none') parseProxyUrl(text, source);
  return text;
}

/** A proxy URL as a report may show it: credentials removed; never throws. */
export function displayProxy(text: string): string {
  const trimmed = text.trim();
  if (trimmed === 'none' || trimmed === 'auto') return trimmed;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
    return displayOf(url);
  } catch {
    return redactTyped(trimmed);
  }
}

/** The proxy variables of an environment: lower-case names win over upper-case ones, empty means unset. */
export function readProxyEnv(env: NodeJS.ProcessEnv): ProxyEnvironment {
  const pick = (name: string): string | undefined => {
    for (const key of [name.toLowerCase(), name.toUpperCase()]) {
      const value = env[key]?.trim();
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  };
  const out: ProxyEnvironment = {};
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  const noProxy = pick('no_proxy');
  if (httpProxy !== undefined) out.httpProxy = httpProxy;
  if (httpsProxy !== undefined) out.httpsProxy = httpsProxy;
  if (noProxy !== undefined) out.noProxy = noProxy;
  return out;
}

/** Validates the proxy URLs of the environment so that a typo is exit 2, not a failure on every endpoint. */
export function validateProxyEnv(env: ProxyEnvironment): void {
  if (env.httpProxy !== undefined) parseProxyUrl(env.httpProxy, 'http_proxy');
  if (env.httpsProxy !== undefined) parseProxyUrl(env.httpsProxy, 'https_proxy');
}

/** The same settings with every proxy URL stripped of credentials: what a report may print. */
export function redactProxySettings(settings: RunSettings): RunSettings {
  if (settings.proxy === undefined && settings.proxyEnv === undefined) return settings;
  const out: RunSettings = { ...settings };
  if (settings.proxy !== undefined) out.proxy = displayProxy(settings.proxy);
  if (settings.proxyEnv !== undefined) {
    const env: ProxyEnvironment = { ...settings.proxyEnv };
    if (env.httpProxy !== undefined) env.httpProxy = displayProxy(env.httpProxy);
    if (env.httpsProxy !== undefined) env.httpsProxy = displayProxy(env.httpsProxy);
    out.proxyEnv = env;
  }
  return out;
}

/**
 * True when NO_PROXY exempts host:port. Entries are separated by commas or spaces: `*` (everything),
 * a domain (matches itself and its subdomains; a leading '.' or '*.' is ignored), an IP address, a
 * CIDR range, each optionally with ":port" (IPv6 in brackets for a port).
 */
export function bypassesProxy(noProxy: string, host: string, port: number): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const address = ipVersion(name) === 0 ? null : parseAddress(name);
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1] ?? '';
      if (bracketed[2] !== undefined) entryPort = Number(bracketed[2]);
    } else {
      const hostPort = /^([^:]+):(\d+)$/.exec(entry);
      if (hostPort) {
        entry = hostPort[1] ?? '';
        entryPort = Number(hostPort[2]);
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (address !== null) {
      if (entry.includes('/')) {
        try {
          if (cidrContains(parseCidr(entry, 'NO_PROXY'), address)) return true;
        } catch {
          // Not a CIDR range: curl ignores entries it cannot read, and so do we.
        }
        continue;
      }
      const other = parseAddress(entry);
      if (other !== null && other.family === address.family && other.value === address.value) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (domain !== '' && (name === domain || name.endsWith(`.${domain}`))) return true;
  }
  return false;
}

/** The proxy an endpoint goes through in this run, or undefined for a direct connection. */
export function selectProxy(endpoint: Endpoint, settings: RunSettings): ProxyServer | undefined {
  if (endpoint.protocol === 'dns' || endpoint.protocol === 'udp') return undefined;
  const own = endpoint.proxy;
  if (own !== undefined && own !== 'auto') {
    return own === 'none' ? undefined : parseProxyUrl(own, `the proxy of endpoint '${endpoint.id}'`);
  }
  if (settings.redirectOnly === true) return undefined;
  const run = settings.proxy;
  const named = run !== undefined && run !== 'auto' && run !== 'none';
  const viaHttp = HTTPS_SCHEMES.has(endpoint.protocol) || HTTP_SCHEMES.has(endpoint.protocol);
  if (!viaHttp && !(endpoint.protocol === 'tcp' && named)) return undefined;
  if (run === 'none') return undefined;
  let chosen: { text: string; source: string } | undefined;
  if (named) {
    chosen = { text: run, source: '--proxy' };
  } else {
    const env = settings.proxyEnv;
    const text = HTTPS_SCHEMES.has(endpoint.protocol) ? env?.httpsProxy : env?.httpProxy;
    if (text !== undefined) chosen = { text, source: HTTPS_SCHEMES.has(endpoint.protocol) ? 'https_proxy' : 'http_proxy' };
  }
  if (chosen === undefined) return undefined;
  const noProxy = settings.proxyEnv?.noProxy;
  if (noProxy !== undefined && bypassesProxy(noProxy, endpoint.host, endpoint.port)) return undefined;
  return parseProxyUrl(chosen.text, chosen.source);
}
