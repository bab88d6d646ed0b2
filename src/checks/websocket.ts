// The WebSocket layer: an upgrade request over the connection the tcp (and tls) layers opened.
// A 101 proves the whole path speaks WebSocket; a 4xx from the service proves the path is open
// (authentication is not the probe's business); a 2xx, 3xx or 5xx to an upgrade is something on
// the path (proxy, gateway, web filter) answering instead of the service.
// ws passes `createConnection` through to http(s).request, which then uses the socket it returns
// instead of connecting (node:_http_client, no agent when createConnection is a function).

import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import type { WebSocketData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check, CheckSignal } from '../model/check.js';
import { quotePeer } from '../untrusted/evidence.js';
import { USER_AGENT } from '../version.js';
import {
  endpointUrl,
  errorCode,
  errorMessage,
  isParserError,
  isReset,
  layerResults,
  listStatuses,
  pickEvidenceHeaders,
  resetMessage,
  type ResultBuilder,
  socketOnce,
} from './app-socket.js';
import { answeredByProxy } from './proxy-tunnel.js';

/** How long a clean close (1000) may take before the socket is simply destroyed. */
const CLOSE_WAIT_MS = 1000;
/** Body bytes of a non-101 answer read before giving up on it; the start is kept as evidence. */
const BODY_LIMIT = 16 * 1024;
/** Body bytes kept for the quote in the detail line. */
const SNIPPET_BYTES = 1024;

/** How the opening handshake ended. */
type Handshake =
  | { kind: 'open' }
  | { kind: 'unexpected'; status: number; snippet: string }
  | { kind: 'error'; error: unknown }
  | { kind: 'aborted' };

/** Sends a WebSocket upgrade for endpoint.path over state.socket with Host set to endpoint.host. */
export const checkWebSocket: Check = async (endpoint, state, ctx) => {
  const start = performance.now();
  const url = endpointUrl(endpoint.protocol === 'wss' ? 'wss' : 'ws', endpoint);
  const data: WebSocketData = { url };
  const timeoutMs = ctx.settings.timeoutMs;
  const { result, aborted } = layerResults('websocket', start, data, ctx.signal, {
    timeoutReason: 'ws_timeout',
    deadline: 'run deadline reached before an answer to the WebSocket upgrade',
    timeout: `no answer to the WebSocket upgrade within ${timeoutMs} ms`,
  });

  const socket = state.socket;
  if (!socket) return result('fail', 'internal_error', 'no open connection from the earlier layers');
  if (ctx.signal.aborted) return aborted();

  const takeSocket = socketOnce(socket);
  // closeTimeout is a ws 8 option that @types/ws does not declare yet.
  const options: ClientOptions & { closeTimeout: number } = {
    // Honour the `timeout` option http.request passes (from handshakeTimeout) as net.connect
    // would; ws's upgrade path clears it with setTimeout(0).
    createConnection: (connectOptions) => {
      const connection = takeSocket();
      const idle = (connectOptions as { timeout?: unknown } | undefined)?.timeout;
      if (typeof idle === 'number' && idle > 0) connection.setTimeout(idle);
      return connection;
    },
    handshakeTimeout: timeoutMs,
    closeTimeout: Math.min(CLOSE_WAIT_MS, timeoutMs),
    followRedirects: false,
    // Not negotiating compression keeps the upgrade minimal and avoids zlib work for one handshake.
    perMessageDeflate: false,
    headers: { 'user-agent': USER_AGENT },
  };
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, options);
  } catch (error) {
    return result('fail', 'ws_failed', `cannot build the upgrade request: ${errorMessage(error)}`);
  }
  // Errors are read through the handshake outcome; this listener stays so that a late error
  // (after terminate) is never an uncaught 'error' event.
  ws.on('error', () => undefined);

  try {
    const outcome = await handshake(ws, data, ctx.signal);
    switch (outcome.kind) {
      case 'aborted':
        return aborted();
      case 'error':
        return handshakeError(outcome.error, data, timeoutMs, result);
      case 'unexpected': {
        // Through a CONNECT tunnel only the target should answer; a proxy's signature means the
        // proxy read the upgrade and answered it itself, whatever the status.
        const byProxy = answeredByProxy(state.proxy, data.headers);
        if (byProxy !== undefined) {
          return result('fail', 'ws_failed',
            `HTTP ${outcome.status} answered to the upgrade by the proxy ${state.proxy?.display ?? ''} (${byProxy}): it answered or stripped the upgrade instead of tunnelling it`,
            outcome.snippet ? `answer body starts: ${outcome.snippet}` : undefined);
        }
        return judgeRejection(outcome.status, outcome.snippet, endpoint.expect.httpStatus, data, result);
      }
      case 'open': {
        const expected = endpoint.expect.httpStatus;
        const verdict =
          expected && expected.length > 0 && !expected.includes(101)
            ? result('fail', 'http_status', `HTTP 101, expected ${listStatuses(expected)}`)
            : result('pass', 'ws_upgraded', 'upgraded to WebSocket (HTTP 101)');
        await closeCleanly(ws, ctx.signal);
        return verdict;
      }
    }
  } finally {
    // WebSocket is the last layer: whatever happened, nothing of this connection outlives the check.
    try {
      ws.terminate(); // no-op once closed
    } catch {
      // terminate() can only trip over a handshake ws is tearing down itself
    }
    socket.destroy();
  }
};

/** Waits for the opening handshake to open, be refused with a status, fail, or be aborted. */
function handshake(ws: WebSocket, data: WebSocketData, signal: CheckSignal): Promise<Handshake> {
  return new Promise((resolve) => {
    let settled = false;
    let finishResponse: (() => void) | undefined;
    const settle = (outcome: Handshake): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // Once a status is in, an abort only cuts the body short: the status is the evidence.
    const onAbort = (): void => (finishResponse ? finishResponse() : settle({ kind: 'aborted' }));
    signal.addEventListener('abort', onAbort, { once: true });

    ws.once('upgrade', (res: IncomingMessage) => {
      data.status = res.statusCode;
      const headers = pickEvidenceHeaders(res.headers);
      if (headers) data.headers = headers;
    });
    ws.once('open', () => settle({ kind: 'open' }));
    // After a status came in, a reset or close mid-body still ends with that status.
    ws.once('error', (error: unknown) => (finishResponse ? finishResponse() : settle({ kind: 'error', error })));
    ws.once('close', () =>
      finishResponse
        ? finishResponse()
        : settle({ kind: 'error', error: new Error('connection closed before the upgrade finished') }),
    );
    ws.once('unexpected-response', (_req: unknown, res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      data.status = status;
      const headers = pickEvidenceHeaders(res.headers);
      if (headers) data.headers = headers;
      // Read (a bounded part of) the body: a proxy's error page often names the proxy and the rule.
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => {
        res.removeAllListeners('data');
        settle({ kind: 'unexpected', status, snippet: quotePeer(Buffer.concat(chunks)) });
      };
      finishResponse = finish;
      res.on('data', (chunk: Buffer) => {
        if (size < SNIPPET_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_LIMIT) finish();
      });
      res.once('end', finish);
      res.once('close', finish);
      res.once('error', finish);
    });
  });
}

/** Sends a close frame with code 1000 and waits for the peer's (bounded by closeTimeout and the signal). */
async function closeCleanly(ws: WebSocket, signal: CheckSignal): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (signal.aborted) return;
  await new Promise<void>((resolve) => {
    const onAbort = (): void => {
      ws.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    ws.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    ws.close(1000);
  });
}

/** The verdict for a non-101 status answered to the upgrade. */
function judgeRejection(
  status: number,
  snippet: string,
  expected: number[] | undefined,
  data: WebSocketData,
  result: ResultBuilder,
): LayerResult {
  const quote = snippet ? `answer body starts: ${snippet}` : undefined;
  const fromService = `service answered HTTP ${status} to the upgrade: the path is open`;
  if (expected && expected.length > 0) {
    return expected.includes(status)
      ? result('pass', 'ws_rejected', fromService)
      : result('fail', 'http_status', `HTTP ${status}, expected ${listStatuses(expected)}`, quote);
  }
  if (status >= 400 && status < 500) return result('pass', 'ws_rejected', fromService);
  if (status >= 300 && status < 400) {
    const location = data.headers?.location;
    return result('fail', 'ws_failed',
      `HTTP ${status} answered to the upgrade: redirected${location ? ` to ${location}` : ''} instead of upgraded`, quote);
  }
  if (status >= 500) {
    return result('fail', 'ws_failed', `HTTP ${status} answered to the upgrade: a middlebox or gateway, not the service`, quote);
  }
  return result('fail', 'ws_failed',
    `HTTP ${status} answered to the upgrade: something on the path does not pass WebSocket upgrades`, quote);
}

/** The verdict for a handshake that failed without a status to judge. */
function handshakeError(
  error: unknown,
  data: WebSocketData,
  timeoutMs: number,
  result: ResultBuilder,
): LayerResult {
  const code = errorCode(error);
  if (code !== undefined) data.code = code;
  const message = errorMessage(error);
  if (message === 'Opening handshake has timed out') {
    return result('fail', 'ws_timeout', `no answer to the WebSocket upgrade within ${timeoutMs} ms`);
  }
  if (isReset(error)) return result('fail', 'reset', resetMessage(error, 'an answer to the WebSocket upgrade'));
  if (isParserError(error)) {
    return result('fail', 'ws_failed', `malformed answer to the WebSocket upgrade: ${message}`,
      'something answered on this port, but not with HTTP (another protocol, or a middlebox)');
  }
  if (data.status === 101) return result('fail', 'ws_failed', `HTTP 101 with an invalid handshake: ${message}`);
  return result('fail', 'ws_failed', message);
}

