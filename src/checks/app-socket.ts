// What the HTTP and WebSocket layers share: the URL they show, how they hand over the connection
// the earlier layers opened, which response headers are worth keeping, and how they read errors
// and aborts. Both layers reuse state.socket: one connection per probe keeps the tcp/tls timings
// honest and lets an intercepting proxy see exactly one flow. When their signal fires they only
// stop: the engine reports the timeout or the deadline (src/engine/abort-result.ts).

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Reason, Status } from '../model/reason.js';
import type { Endpoint } from '../model/endpoint.js';
import type { HttpData, WebSocketData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import { errorCode, errorMessage } from './errno.js';

export { errorCode, errorMessage };

/** Response headers that help spot a proxy, gateway or middlebox answering instead of the service. */
export const EVIDENCE_HEADERS: readonly string[] = [
  'server',
  'via',
  'x-azure-ref',
  'x-ms-request-id',
  'x-ms-error-code',
  'x-squid-error',
  'proxy-agent',
  'content-type',
  'location',
  'x-cache',
];

/** The URL of an endpoint as a report shows it: host name (bracketed IPv6), port when not default, path. */
export function endpointUrl(scheme: 'http' | 'https' | 'ws' | 'wss', endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  // new URL drops the scheme's default port, as the Host header does.
  return new URL(`${scheme}://${host}:${endpoint.port}${endpoint.path}`).href;
}

/** Keeps the EVIDENCE_HEADERS present in a response, lists joined with ", "; undefined when none. */
export function pickEvidenceHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> | undefined {
  const picked: Record<string, string> = {};
  for (const name of EVIDENCE_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/**
 * Hands the earlier layers' socket over exactly once. A second request for a connection (a client
 * trying to reconnect) gets an error instead of a new connection: the probe never opens a second flow.
 */
export function socketOnce(socket: Socket | TLSSocket): () => Socket | TLSSocket {
  let taken = false;
  return () => {
    if (taken) {
      throw Object.assign(new Error('the connection closed and amlprobe never opens a second one'), {
        code: 'ECONNRESET',
      });
    }
    taken = true;
    return socket;
  };
}


/** Codes meaning the peer (or something on the path) dropped the connection. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** True when an error means the connection was reset or closed under us. */
export function isReset(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && RESET_CODES.has(code);
}

/** True for an HTTP parser failure: the peer answered, but not with HTTP/1.1. */
export function isParserError(error: unknown): boolean {
  // undici's HTTPParserError often carries no code (it looks the llhttp code up by name), so the
  // class name counts too; Node's http client uses HPE_* codes.
  return errorCode(error)?.startsWith('HPE_') === true || (error as Error | null)?.name === 'HTTPParserError';
}

/** A sentence for a reset: an RST and a plain close are different evidence for a firewall admin. */
export function resetMessage(error: unknown, before: string): string {
  const code = errorCode(error);
  // Node's http client reports a plain close before any answer as ECONNRESET "socket hang up".
  const rst = (code === 'ECONNRESET' || code === 'ECONNABORTED') && errorMessage(error) !== 'socket hang up';
  return rst ? `connection reset before ${before}` : `connection closed by the peer before ${before}`;
}

/** Builds one of a layer's results: the verdict, its sentence and an optional detail line. */
export type ResultBuilder = (status: Status, reason: Reason, message: string, detail?: string) => LayerResult;

/**
 * The result builder of an HTTP or WebSocket layer: stamps the layer name, the time since `start`
 * and `data` (the same object, so evidence gathered later still shows).
 */
export function layerResults(layer: 'http' | 'websocket', start: number, data: HttpData | WebSocketData): ResultBuilder {
  return (status, reason, message, detail) => ({
    layer,
    status,
    reason,
    ms: since(start),
    message,
    ...(detail === undefined ? {} : { detail }),
    data,
  });
}

/** "200", "200 or 401", "200, 204 or 401": how expected statuses read in a message. */
export function listStatuses(statuses: readonly number[]): string {
  if (statuses.length <= 1) return statuses.join('');
  return `${statuses.slice(0, -1).join(', ')} or ${statuses[statuses.length - 1]}`;
}

/** Milliseconds since `start` (a performance.now() reading), rounded to 0.1 ms. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

