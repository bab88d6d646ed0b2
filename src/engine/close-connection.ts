// How the engine lets go of an endpoint's connection once its layers are done (src/engine/pipeline.ts
// probeAddress): a TCP-only probe closes with a reset, everything else with the usual close.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Layer } from '../model/endpoint.js';
import type { ProbeState } from '../model/check.js';

/**
 * Closes what `state` still holds. A direct connection that no layer after TCP used (a tcp://
 * endpoint, or host:port) closes with a reset (SO_LINGER 0), as nmap's connect scan does
 * (nmap scan_engine_connect.cc `init_socket`: "RST connections instead of wasting bandwidth with
 * the four-step close"). Why: one segment instead of the FIN exchange, whose system calls run the
 * peer's TCP stack inline on a veth or loopback path (0.22 s of a 2.56 s profile at 5,000
 * endpoints, issue 15), and no TIME_WAIT left on this machine for 60 s per probe (a fleet's
 * `serve` scraped every 15 s, or a run of 20,000 endpoints). A connection that carried a protocol
 * (TLS, HTTP, SMB) or went through a proxy's tunnel closes as before: those peers log a reset as
 * an error, and the proxy is a middlebox, not the target. Only a socket in its plain open state
 * is reset: once a FIN went either way the exchange has begun (and libuv refuses a reset after a
 * shutdown, uv_tcp_close_reset: EINVAL), so such a socket closes as before too.
 */
export function closeConnection(state: ProbeState, lastLayer: Layer | undefined): void {
  const socket = state.socket;
  if (socket === undefined) return;
  if (lastLayer === 'tcp' && state.proxy === undefined && resettable(socket)) socket.resetAndDestroy();
  else socket.destroy();
}

function resettable(socket: Socket | TLSSocket): boolean {
  return !socket.destroyed && !('encrypted' in socket) && socket.readyState === 'open';
}
