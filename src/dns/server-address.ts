// DNS server addresses as the user writes them: "10.0.0.4", "10.0.0.4:5353", "fd00::53",
// "[fd00::53]:5353". Names are not accepted: finding a DNS server by name would need DNS.

import { isIPv4, isIPv6 } from 'node:net';
import { InputParseError } from '../parse-error.js';
import type { DnsServerAddress } from '../model/address.js';

export type { DnsServerAddress } from '../model/address.js';

/** A DNS server address that does not parse; `source` is the flag or setting it came from, when given. */
export class DnsServerAddressError extends InputParseError {
  constructor(value: string, why: string, source?: string) {
    super(`${source ?? 'DNS server'} '${value}': ${why}`, value, why, source);
    this.name = 'DnsServerAddressError';
  }
}

/** Default DNS port. */
export const DNS_PORT = 53;

/**
 * Parses "ip", "ip:port", "v6" or "[v6]:port"; throws a DnsServerAddressError naming the bad value.
 * `source` is the option or config key the value came from, for the message; a server reaches
 * every other caller from --dns-server, named so in messages as it always was.
 */
export function parseDnsServer(text: string, source = '--dns-server'): DnsServerAddress {
  const fail = (why: string): never => {
    throw new DnsServerAddressError(text, why, source);
  };
  const trimmed = text.trim();
  if (trimmed === '') fail('empty value; expected an IP address like 10.0.0.4 or 10.0.0.4:53');
  let host = trimmed;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(trimmed);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIPv6(host)) fail(`'${host}' inside brackets is not an IPv6 address`);
  } else if (!(trimmed.indexOf(':') !== trimmed.lastIndexOf(':') && isIPv6(trimmed))) {
    // (Colons first: an IPv6 address has at least two, and node:net's IPv6 check compiles a
    // regular expression of several kilobytes on first use, while the usual server is IPv4.)
    // An unbracketed IPv6 address contains colons, so only IPv4 can carry ":port" without brackets.
    const colon = trimmed.lastIndexOf(':');
    if (colon >= 0) {
      host = trimmed.slice(0, colon);
      portText = trimmed.slice(colon + 1);
    }
    if (!isIPv4(host)) {
      fail(
        host.includes(':')
          ? 'IPv6 addresses with a port must be bracketed, e.g. [fd00::53]:53'
          : `'${host}' is not an IP address; give the DNS server as an IP, e.g. 10.0.0.4 or 10.0.0.4:53`,
      );
    }
  }
  let port = DNS_PORT;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) fail(`port must be 1-65535, got '${portText}'`);
  }
  // Validated above: an IPv6 host came in brackets or whole, an IPv4 one has no colon.
  return { host, port, family: host.includes(':') ? 6 : 4 };
}

/** "ip:port" for IPv4, "[ip]:port" for IPv6: how servers are named in results and messages. */
export function formatDnsServer(server: DnsServerAddress): string {
  let label = labels.get(server);
  if (label === undefined) {
    label = server.family === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
    labels.set(server, label);
  }
  return label;
}

/**
 * Each server's label made once: every query of a run names its server, often in the messages
 * results keep, and 20,000 copies of one string were garbage and retained memory (issue 15).
 */
const labels = new WeakMap<DnsServerAddress, string>();
