// The TCP layer: open a connection to the address the DNS layer chose. On success the socket stays
// open in state.socket for the TLS/HTTP/WebSocket layers (the engine destroys it at the end, also
// for protocol 'tcp'); on failure nothing is left behind.
//
// When its signal fires it only stops: the engine reports the timeout (tcp_timeout: a SYN that gets
// no answer at all means packets are dropped or filtered) or the deadline from state.evidence.

import { connect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ConnectData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check } from '../model/check.js';
import { dialTarget } from '../net/redirect.js';
import { describeConnectError, guardIdleSocket } from './errno.js';
import { stoppedResult } from './stopped.js';
import { checkTcpViaProxy } from './proxy-tunnel.js';

/**
 * Opens a TCP connection to state.address:endpoint.port and hands the socket to the next layer;
 * for an endpoint that goes through a forward proxy, a CONNECT tunnel through it (./proxy-tunnel.ts).
 */
export const checkTcp: Check = (endpoint, state, ctx) => {
  // The plan chose the route (src/plan/routes.ts); an endpoint without one connects directly.
  const route = endpoint.route;
  // A proxy that does not parse is an amlprobe bug by now (flags and config are validated): the
  // pipeline reports the error as internal_error.
  if (route?.via === 'unusable') throw route.error;
  if (route?.via === 'proxy') return checkTcpViaProxy(endpoint, state, ctx, route.proxy);
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

  if (ctx.signal.aborted) {
    state.evidence = { address, port };
    return Promise.resolve(stoppedResult('tcp'));
  }
  const dial = dialTarget(ctx.settings, 'tcp', address, port);
  if ('refused' in dial) {
    return Promise.resolve({ layer: 'tcp', status: 'fail', reason: 'tcp_error', ms: 0, message: dial.refused, data: { address, port } });
  }
  const base: ConnectData = { address, port, ...(dial.redirectedTo ? { redirectedTo: dial.redirectedTo } : {}) };
  state.evidence = base;

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

    const onAbort = (): void => settle(stoppedResult('tcp'), false);

    socket.once('connect', onConnect);
    socket.once('error', onError);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
};
