// `--listen HOST:PORT` for `amlprobe serve`: an IP literal (IPv6 in brackets) or localhost, and a
// port. Checked before the first probe so a typo is exit 2, not a server bound somewhere else.

import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** Where serve listens by default: loopback only, the port Prometheus's exporter list has free. */
export const DEFAULT_LISTEN = '127.0.0.1:9464';

/** A validated listen address. */
export interface ListenAddress {
  /** IP literal (IPv6 without brackets) or 'localhost'. */
  host: string;
  /** 0 asks the system for a free port (tests). */
  port: number;
}

/** Parses "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464" or "localhost:9464"; throws UsageError. */
export function parseListenAddress(text: string): ListenAddress {
  const fail = (why: string): never => {
    throw new UsageError(`--listen '${text}': ${why}; write HOST:PORT, e.g. 127.0.0.1:9464, 0.0.0.0:9464 or [::1]:9464.`);
  };
  const trimmed = text.trim();
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(trimmed);
  if (match === null) {
    if (/^\d+$/.test(trimmed)) return fail('a port alone is ambiguous about the interface');
    if (isIP(trimmed) === 6) return fail('an IPv6 address goes in brackets');
    return fail('not HOST:PORT');
  }
  const bracketed = match[1];
  const host = (bracketed ?? match[2] ?? '').toLowerCase();
  const port = Number(match[3]);
  if (port > 65535) fail('the port must be from 0 to 65535');
  if (bracketed !== undefined && isIP(host) !== 6) fail(`'${host}' in brackets is not an IPv6 address`);
  if (bracketed === undefined && host !== 'localhost' && isIP(host) !== 4) {
    fail(`'${host}' is not an IP address; give the address of the interface to listen on (a host name could resolve anywhere)`);
  }
  return { host, port };
}

/** The address as a URL authority, IPv6 in brackets. */
export function formatListenAddress(address: ListenAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
