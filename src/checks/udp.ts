// The UDP layer: send one datagram from a connected socket and listen until the layer timeout.
// UDP has no handshake, so there are only three honest answers:
//   a reply                         -> the port is open (ok);
//   ICMP port unreachable           -> closed (udp_closed): a *connected* UDP socket on Linux/macOS
//                                      reports it as ECONNREFUSED on the next receive;
//   silence until the layer timeout -> open or filtered (udp_open_or_filtered): we cannot tell a
//                                      service that ignores our payload from a firewall that drops it.
// Silence is therefore the normal end of a probe, not an error: the layer timeout (signal reason
// named 'TimeoutError', see ./errno.ts) is read as "silence"; only the run deadline is 'deadline'.
// The datagram is sent a second time halfway through, so one lost packet does not read as silence.

import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DEFAULT_UDP_PAYLOAD } from '../model/endpoint.js';
import { type UdpData } from '../model/evidence.js';
import { type LayerResult } from '../model/result.js';
import { type Check } from '../model/check.js';
import { dialTarget } from '../net/redirect.js';
import { abortCause, describeConnectError, errorCode, errorMessage, type ConnectErrorDescription } from './errno.js';

const detailOf = (described: ConnectErrorDescription): { detail?: string } => (described.detail === undefined ? {} : { detail: described.detail });

/** Sends endpoint.udpPayload to state.address:endpoint.port and classifies the answer (or its absence). */
export const checkUdp: Check = (endpoint, state, ctx) => {
  const started = performance.now();
  const port = endpoint.port;
  const address = state.address ?? (isIP(endpoint.host) ? endpoint.host : undefined);
  const payload = endpoint.udpPayload ?? DEFAULT_UDP_PAYLOAD;
  const timeoutMs = ctx.settings.timeoutMs;
  const elapsed = (): number => Math.round(performance.now() - started);

  if (address === undefined) {
    return Promise.resolve({
      layer: 'udp',
      status: 'fail',
      reason: 'internal_error',
      ms: 0,
      message: 'no address to send to (the DNS layer did not set one)',
    });
  }
  const data: UdpData = { address, port, sentBytes: payload.length };

  const silence = (): LayerResult => ({
    layer: 'udp',
    status: endpoint.expect.udpReply ? 'fail' : 'warn',
    reason: 'udp_open_or_filtered',
    ms: elapsed(),
    message: `no reply within ${timeoutMs} ms (open or filtered)`,
    detail:
      'UDP gives no handshake: silence means either a service that ignores this payload or a firewall that drops it. ' +
      'No ICMP port unreachable came back, so nothing on the path reported the port closed.',
    data,
  });
  const deadline = (): LayerResult => ({
    layer: 'udp',
    status: 'fail',
    reason: 'deadline',
    ms: elapsed(),
    message: 'the run deadline struck while waiting for a UDP reply',
    data,
  });

  if (ctx.signal.aborted) {
    data.sentBytes = 0;
    return Promise.resolve(deadline());
  }
  const dial = dialTarget(ctx.settings, 'udp', address, port);
  if ('refused' in dial) {
    data.sentBytes = 0;
    return Promise.resolve({ layer: 'udp', status: 'fail', reason: 'udp_error', ms: 0, message: dial.refused, data });
  }
  if (dial.redirectedTo) data.redirectedTo = dial.redirectedTo;

  return new Promise<LayerResult>((resolve) => {
    const socket: Socket = createSocket(isIP(dial.host) === 6 ? 'udp6' : 'udp4');
    let settled = false;
    // Fallback for a signal that never fires (e.g. a context without a layer timeout).
    const silenceTimer = setTimeout(() => settle(silence()), timeoutMs);
    const resendTimer = setTimeout(() => send(), Math.max(1, Math.floor(timeoutMs / 2)));

    function settle(result: LayerResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(silenceTimer);
      clearTimeout(resendTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      // close() throws if the socket is already closed; errors after settling are of no interest.
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(result);
    }

    function send(): void {
      if (settled) return;
      socket.send(payload, (error) => {
        if (error) onError(error);
      });
    }

    function onError(error: Error): void {
      const code = errorCode(error);
      if (code !== undefined) data.code = code;
      if (code === 'ECONNREFUSED') {
        settle({
          layer: 'udp',
          status: 'fail',
          reason: 'udp_closed',
          ms: elapsed(),
          message: 'port closed (ICMP port unreachable)',
          detail: 'The host (or a firewall in its place) answered with ICMP port unreachable: nothing listens on this UDP port.',
          data,
        });
        return;
      }
      // No route from here (ENETUNREACH, EHOSTUNREACH, no IPv6): the connection layers' verdict.
      const described = describeConnectError(error);
      if (described.reason === 'unreachable' || code === 'EAFNOSUPPORT') {
        settle({ layer: 'udp', status: 'fail', reason: 'unreachable', ms: elapsed(), message: described.message, ...detailOf(described), data });
        return;
      }
      if (code === 'EACCES') {
        settle({
          layer: 'udp',
          status: 'fail',
          reason: 'udp_error',
          ms: elapsed(),
          message: 'sending not permitted (EACCES)',
          detail: `The kernel refused to send to ${address}: a broadcast address (amlprobe never sends broadcasts), or a local security policy.`,
          data,
        });
        return;
      }
      settle({ layer: 'udp', status: 'fail', reason: 'udp_error', ms: elapsed(), message: code === undefined ? errorMessage(error) : described.message, data });
    }

    function onAbort(): void {
      settle(abortCause(ctx.signal) === 'timeout' ? silence() : deadline());
    }

    socket.on('error', onError);
    socket.on('message', (message: Buffer) => {
      data.replyBytes = message.length;
      settle({ layer: 'udp', status: 'pass', reason: 'ok', ms: elapsed(), message: `reply of ${message.length} bytes`, data });
    });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // A connect error (no route, a broadcast address) comes only to this callback: ignored, the
    // send that follows would throw ERR_SOCKET_BAD_PORT out of the check.
    socket.connect(dial.port, dial.host, (error?: Error) => (error ? onError(error) : send()));
  });
};
