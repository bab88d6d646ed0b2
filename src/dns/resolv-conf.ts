// The nameservers of /etc/resolv.conf: the servers getaddrinfo asks, so the direct view can ask the
// very same servers and report the rcode that getaddrinfo swallows.

import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { isIP } from 'node:net';

/**
 * Extracts nameserver addresses from resolv.conf text, in file order. Comments ('#' or ';', at the
 * start of a line or after the value) are ignored, as are lines whose value is not an IP address.
 * A zone id ("fe80::1%eth0") is stripped: dgram cannot use it portably, and the address alone is
 * what reports should show.
 */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const match = /^nameserver\s+(\S+)/.exec(line);
    const address = match?.[1]?.replace(/%.*$/, '');
    if (address !== undefined && isIP(address) !== 0) servers.push(address);
  }
  return servers;
}

/** Reads resolv.conf (AMLPROBE_RESOLV_CONF overrides the path); an empty list when it cannot be read. Windows: system-servers.ts. */
export function readResolvConf(path: string = process.env.AMLPROBE_RESOLV_CONF ?? '/etc/resolv.conf'): string[] {
  try {
    return parseResolvConf(readFileCapped(path, INPUT_LIMITS.systemFile).toString('utf8'));
  } catch {
    return [];
  }
}
