// The TCP layer: open a connection to the address the DNS layer chose. On success the socket stays
// open in state.socket for the TLS/HTTP/WebSocket layers (the engine destroys it at the end, also
// for protocol 'tcp'); on failure nothing is left behind.
//
// Aborts follow the convention in ./errno.ts: a signal reason named 'TimeoutError' is this layer's
// timeout (tcp_timeout: a SYN that gets no answer at all means packets are dropped or filtered),
// 'DeadlineError' (or anything else) is the run deadline (deadline).

import { connect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ConnectData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check } from '../model/check.js';
import { dialTarget } from '../net/redirect.js';
import { selectProxy } from '../net/proxy-env.js';
import { abortCause, describeConnectError, guardIdleSocket } from './errno.js';
import { checkTcpViaProxy } from './proxy-tunnel.js';

/**
 * Opens a TCP connection to state.address:endpoint.port and hands the socket to the next layer;
 * for an endpoint that goes through a forward proxy, a CONNECT tunnel through it (./proxy-tunnel.ts).
 */
export const checkTcp: Check = (endpoint, state, ctx) => {
  const proxy = selectProxy(endpoint, ctx.settings);
  if (proxy !== undefined) return checkTcpViaProxy(endpoint, state, ctx, proxy);
  const started = performance.now();
  const port = endpoint.port;
  const address = state.address ?? (isIP(endpoint.host) ? endpoint.host : undefined);
  const elapsed = (): number => Math.round(performance.now() - started);

  if (address === undefined) {
    return Promise.resolve({
      layer: 'tcp',
      status: 'fail',
      reason: 'internal_error',
      ms: 0,
      message: 'no address to connect to (the DNS layer did not set one)',
    });
  }

  const aborted = (data: ConnectData): LayerResult =>
    abortCause(ctx.signal) === 'timeout'
      ? {
          layer: 'tcp',
          status: 'fail',
          reason: 'tcp_timeout',
          ms: elapsed(),
          message: `no answer within ${ctx.settings.timeoutMs} ms (packets dropped or filtered)`,
          detail: `The connection attempt to ${formatTarget(address, port)} got neither an answer nor a refusal: a firewall, NSG or route silently drops the packets.`,
          data,
        }
      : {
          layer: 'tcp',
          status: 'fail',
          reason: 'deadline',
          ms: elapsed(),
          message: 'the run deadline struck while connecting',
          data,
        };

  if (ctx.signal.aborted) return Promise.resolve(aborted({ address, port }));
  const dial = dialTarget(ctx.settings, 'tcp', address, port);
  if ('refused' in dial) {
    return Promise.resolve({ layer: 'tcp', status: 'fail', reason: 'tcp_error', ms: 0, message: dial.refused, data: { address, port } });
  }
  const base: ConnectData = { address, port, ...(dial.redirectedTo ? { redirectedTo: dial.redirectedTo } : {}) };

  return new Promise<LayerResult>((resolve) => {
    const socket: Socket = connect({ host: dial.host, port: dial.port, noDelay: true });

    const settle = (result: LayerResult, keep: boolean): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      if (keep) {
        // A later error (e.g. a reset while idle between layers) must not crash the process when
        // no layer is listening; the layer that uses the socket adds its own listener.
        guardIdleSocket(socket);
        state.socket = socket;
      } else {
        socket.destroy();
      }
      resolve(result);
    };

    const onConnect = (): void => {
      const data: ConnectData = { ...base };
      if (socket.localAddress !== undefined) data.localAddress = socket.localAddress;
      settle({ layer: 'tcp', status: 'pass', reason: 'ok', ms: elapsed(), message: 'connected', data }, true);
    };

    const onError = (error: Error): void => {
      const described = describeConnectError(error);
      const data: ConnectData = { ...base };
      if (described.code !== undefined) data.code = described.code;
      const result: LayerResult = {
        layer: 'tcp',
        status: 'fail',
        reason: described.reason,
        ms: elapsed(),
        message: described.message,
        data,
      };
      if (described.detail !== undefined) result.detail = described.detail;
      settle(result, false);
    };

    const onAbort = (): void => settle(aborted({ ...base }), false);

    socket.once('connect', onConnect);
    socket.once('error', onError);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
};

/** "10.0.0.4:443" or "[fd00::4]:443". */
function formatTarget(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
