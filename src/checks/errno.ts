// Shared by the connection layers (tcp, udp, tls, and any later layer that sees the connection
// drop): how a socket error code or an aborted signal becomes a stable Reason and a short message.
//
// Abort convention (agreed with the engine): ctx.signal.reason is an Error whose `name` is
//   'TimeoutError'  when the per-layer timeout struck (AbortSignal.timeout() produces exactly that), and
//   'DeadlineError' when the whole-run deadline struck.
// Anything else (a plain abort) is treated like the run deadline: the run is ending, not the peer failing.

import type { Socket } from 'node:net';
import type { Reason } from '../model/reason.js';
import type { CheckSignal } from '../model/check.js';

/** Why a signal ended a layer: its own timeout, or the run coming to an end. */
export type AbortCause = 'timeout' | 'deadline';

/** Reads the abort convention above from an aborted signal. */
export function abortCause(signal: CheckSignal): AbortCause {
  const reason: unknown = signal.reason;
  const name = typeof reason === 'object' && reason !== null && 'name' in reason ? reason.name : undefined;
  return name === 'TimeoutError' ? 'timeout' : 'deadline';
}

/** The errno code of an error from node:net/dgram/tls, if it carries one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The connection-level reasons an errno can map to. */
export type ConnectReason = Extract<Reason, 'tcp_refused' | 'tcp_timeout' | 'unreachable' | 'reset' | 'tcp_error'>;

// What each code means to a firewall admin. ICMP "administratively prohibited" and most REJECT
// rules surface as EHOSTUNREACH/ENETUNREACH; a local netfilter DROP on OUTPUT surfaces as EPERM.
const CONNECT_ERRORS: Record<string, { reason: ConnectReason; message: string; detail: string }> = {
  ECONNREFUSED: { reason: 'tcp_refused', message: 'connection refused', detail: 'The host answered with a TCP reset: nothing listens on the port, or a firewall rejects the connection.' },
  ETIMEDOUT: { reason: 'tcp_timeout', message: 'connection timed out', detail: 'The operating system gave up waiting for an answer: packets are dropped or filtered on the way.' },
  EHOSTUNREACH: { reason: 'unreachable', message: 'host unreachable', detail: 'There is no route to the host, or a router or firewall answered with ICMP host unreachable / administratively prohibited.' },
  ENETUNREACH: { reason: 'unreachable', message: 'network unreachable', detail: 'This machine has no route to the address (check the routing table, UDRs and VPN/peering).' },
  EHOSTDOWN: { reason: 'unreachable', message: 'host is down', detail: 'The host did not answer ARP/neighbour discovery on the local network.' },
  ENETDOWN: { reason: 'unreachable', message: 'network is down', detail: 'The local network interface is down.' },
  ECONNRESET: { reason: 'reset', message: 'connection reset', detail: 'The peer or a middlebox reset the connection.' },
  ECONNABORTED: { reason: 'reset', message: 'connection aborted', detail: 'The connection was aborted locally after a network error.' },
  EPIPE: { reason: 'reset', message: 'connection closed while sending', detail: 'The peer closed the connection while data was being sent (broken pipe).' },
  EPERM: { reason: 'tcp_error', message: 'operation not permitted', detail: 'A local firewall rule (e.g. iptables/nftables OUTPUT) blocked the connection.' },
  EACCES: { reason: 'tcp_error', message: 'permission denied', detail: 'A local firewall rule or security policy blocked the connection.' },
  EADDRNOTAVAIL: { reason: 'tcp_error', message: 'address not available', detail: 'No local address can be used to reach this address.' },
  EAFNOSUPPORT: { reason: 'tcp_error', message: 'address family not supported', detail: 'This machine cannot use this address family (is IPv6 disabled?).' },
};

/** How a socket error reads in a result: the connection reason, a short message naming the errno, an explanation. */
export interface ConnectErrorDescription {
  reason: ConnectReason;
  message: string;
  detail?: string;
  code?: string;
}

/** Maps a socket error (ECONNREFUSED, EHOSTUNREACH, ...) to a connection reason and words for the report. */
export function describeConnectError(error: unknown): ConnectErrorDescription {
  const code = errorCode(error);
  const known = code === undefined ? undefined : CONNECT_ERRORS[code];
  if (known && code !== undefined) {
    return { reason: known.reason, message: `${known.message} (${code})`, detail: known.detail, code };
  }
  const text = errorMessage(error);
  return code === undefined ? { reason: 'tcp_error', message: text } : { reason: 'tcp_error', message: text, code };
}

// Errors a kept-open socket met while no layer was listening (between tcp and tls, say), so that the
// next layer can report the reset it missed instead of a bare "connection closed".
const idleErrors = new WeakMap<Socket, Error>();

/** Keeps a handed-over socket from crashing the process on an unheard error, remembering the error. */
export function guardIdleSocket(socket: Socket): void {
  socket.on('error', (error: Error) => {
    if (!idleErrors.has(socket)) idleErrors.set(socket, error);
  });
}

/** The first error a guarded socket met while idle, if any. */
export function idleError(socket: Socket): Error | undefined {
  return idleErrors.get(socket);
}
