// Connection redirects: the lab (and the catalog tests) answer documented names with realistic
// private addresses and ports (10.1.0.5:443) while the listeners really sit on loopback high ports.
// Only the TCP and UDP layers dial, so this is the one place that maps where a packet goes; every
// report still shows the documented address and port.

import { isIP } from 'node:net';
import type { RunSettings } from '../model/settings.js';

/** Where to really send a connection, or why it must not be sent at all. */
export type DialTarget = { host: string; port: number; redirectedTo?: string } | { refused: string };

/** The key of a redirect: "tcp/10.1.0.5:443", "udp/[fd00::5]:5831". */
export function redirectKey(transport: 'tcp' | 'udp', address: string, port: number): string {
  return `${transport}/${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
}

/** Applies settings.redirects; with settings.redirectOnly, an address without a redirect is refused. */
export function dialTarget(settings: RunSettings, transport: 'tcp' | 'udp', address: string, port: number): DialTarget {
  const to = settings.redirects?.[redirectKey(transport, address, port)];
  if (to === undefined) {
    if (settings.redirectOnly) {
      // A lab must never send a packet off loopback, whatever its DNS answered.
      return { refused: `${redirectKey(transport, address, port)} is not simulated here (redirect-only mode)` };
    }
    return { host: address, port };
  }
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(to);
  if (!match) return { refused: `bad redirect target '${to}' for ${redirectKey(transport, address, port)}` };
  return { host: match[1]!, port: Number(match[2]), redirectedTo: to };
}
