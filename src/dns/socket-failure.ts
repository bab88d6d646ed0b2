// What a socket error on the way to a DNS server means. Errors from the local stack (no route,
// no usable address family, a broadcast address, a local firewall) are told apart from the
// server's own answers: "no route from here" is an admin's routing problem (UDR, peering, VPN),
// never a reason to crash, and never a "timeout".

import type { ExchangeResult } from './exchange-result.js';

// The kernel found no way to the server: the route table (or the address family) says no.
const NO_ROUTE: Record<string, string> = {
  ENETUNREACH: 'no route to the network',
  EHOSTUNREACH: 'no route to the host',
  EHOSTDOWN: 'the host is down',
  ENETDOWN: 'the network is down',
  EADDRNOTAVAIL: 'no local address can reach it',
  EAFNOSUPPORT: 'this machine has no IPv6 (address family not supported)',
};

// The kernel refused to send at all: not the network's answer, so a plain DNS error that says why.
const REFUSED_LOCALLY: Record<string, string> = {
  EACCES: 'sending there is not permitted (a broadcast address, or a local security policy)',
  EPERM: 'a local firewall rule blocks it (operation not permitted)',
};

/** The exchange result for a socket error met while asking `server` over `transport`. */
export function socketFailure(error: NodeJS.ErrnoException, server: string, transport: 'UDP' | 'TCP'): ExchangeResult {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') {
    return transport === 'UDP'
      ? { kind: 'fail', failure: 'unreachable', message: `${server} is unreachable: UDP port unreachable (ICMP), no DNS server listens there` }
      : { kind: 'fail', failure: 'unreachable', message: `TCP query to ${server} failed: connection refused` };
  }
  const noRoute = NO_ROUTE[code];
  if (noRoute !== undefined) {
    return { kind: 'fail', failure: 'no_route', code, message: `${server} is unreachable from here: ${noRoute} (${code})` };
  }
  const refused = REFUSED_LOCALLY[code];
  if (refused !== undefined) {
    return { kind: 'fail', failure: 'local', code, message: `${transport} query to ${server} not sent: ${refused} (${code})` };
  }
  return { kind: 'fail', failure: 'error', ...(code === '' ? {} : { code }), message: `${transport} query to ${server} failed: ${code || error.message}` };
}
