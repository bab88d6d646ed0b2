// An HTTPS connection through an HTTP forward proxy for the control-plane GET of registry
// discovery, in the shape node:http's `createConnection` option takes: CONNECT through the proxy
// (src/net/proxy-connect.ts, the same exchange the probes use), then TLS to the target over the
// tunnel, verified with the run's trust store. A failure is an Error with a `code` ('EPROXY' for a
// proxy that refused or misbehaved), which getText turns into its answer like any network error.

import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type SecureContext } from 'node:tls';
import { authority, proxyConnect, type ConnectAnswer } from '../net/proxy-connect.js';
import type { ProxyServer } from '../net/proxy-env.js';

/** node:http's asynchronous createConnection callback (the socket is ignored when there is an error). */
type Created = (error: Error | null, socket: Duplex) => void;

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Why a CONNECT did not give a tunnel, in one sentence. */
function refusal(proxy: ProxyServer, target: string, answer: Exclude<ConnectAnswer, { kind: 'established' }>): Error {
  switch (answer.kind) {
    case 'refused':
      return coded('EPROXY', `the proxy ${proxy.display} refused CONNECT ${target}: ${answer.statusLine}${answer.status === 407 ? ' (proxy credentials missing or wrong)' : ''}`);
    case 'malformed':
      return coded('EPROXY', `the proxy ${proxy.display} answered CONNECT ${target} with something that is not HTTP`);
    case 'interim_flood':
      return coded('EPROXY', `the proxy ${proxy.display} sent ${answer.answers} interim (1xx) answers to CONNECT ${target} and no final one`);
    case 'closed':
      return coded('EPROXY', `the proxy ${proxy.display} closed the connection without answering CONNECT ${target}`);
    case 'aborted':
      return coded('ABORTED', `CONNECT ${target} through ${proxy.display} was cut short`);
  }
}

/**
 * A createConnection for https `url` through `proxy`. `signal` ends a CONNECT still in progress
 * (getText aborts it when it gives up, so no socket outlives the request).
 */
export function throughProxy(url: URL, proxy: ProxyServer, signal: AbortSignal, secureContext?: SecureContext): (options: unknown, created: Created) => undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  const target = authority(host, port);
  return (_options, created) => {
    const socket: Socket = connect({ host: proxy.host, port: proxy.port, noDelay: true });
    const onEarlyError = (error: NodeJS.ErrnoException): void => {
      socket.destroy();
      created(coded(error.code ?? 'ERROR', `cannot connect to the proxy ${proxy.display}: ${error.message}`), socket);
    };
    const onAbort = (): void => {
      socket.destroy();
    };
    socket.once('error', onEarlyError);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      socket.removeListener('error', onEarlyError);
      // Errors during CONNECT show up as proxyConnect's 'closed' answer; this keeps them from being unhandled.
      const swallow = (): void => {};
      socket.on('error', swallow);
      const request = { host, port, userAgent: 'amlprobe', signal };
      void proxyConnect(socket, proxy.authorization === undefined ? request : { ...request, authorization: proxy.authorization }).then((answer) => {
        signal.removeEventListener('abort', onAbort);
        socket.removeListener('error', swallow);
        if (answer.kind !== 'established') {
          socket.destroy();
          created(refusal(proxy, target, answer), socket);
          return;
        }
        const tls = tlsConnect({ socket, ...(isIP(host) === 0 ? { servername: host } : {}), ...(secureContext ? { secureContext } : {}) });
        created(null, tls);
      });
    });
    return undefined;
  };
}
