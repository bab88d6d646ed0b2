// The http kind: one GET on the connection the earlier layers opened (through TLS for https). Its
// cells are the status; its evidence the Server/Via headers that reveal a proxy or the wrong service.

import type { HttpData, WebSocketData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import { COLUMNS, evidenceCode, fact, formatMs, type EvidenceFact, type PanelBlock, type ProbeKind } from './descriptor.js';

/** The HTTP status of an http or websocket layer, if it got one. */
export function answeredStatus(check: LayerResult): number | undefined {
  if (check.layer !== 'http' && check.layer !== 'websocket') return undefined;
  return (check.data as HttpData | WebSocketData | undefined)?.status;
}

/** Server/Via headers that reveal a proxy or the wrong service answering, on one line. */
export function headerFacts(data: HttpData | WebSocketData): EvidenceFact[] {
  const headers = data.headers ?? {};
  const names = Object.keys(headers).sort();
  if (names.length === 0) return [];
  return [fact('headers', names.map((n) => `${n}: ${headers[n]}`).join('; '))];
}

/** The same headers as a table of the evidence panel. */
export function headerTable(headers: Record<string, string> | undefined): PanelBlock {
  const names = Object.keys(headers ?? {}).sort();
  return { head: ['header', 'value'], rows: names.map((n) => [{ code: n }, { code: headers?.[n] ?? '' }]) };
}

export const httpKind: ProbeKind<'http'> = {
  layer: 'http',
  schemes: {
    http: { layers: ['dns', 'tcp', 'http'], defaultPort: 80, path: true },
    https: { layers: ['dns', 'tcp', 'tls', 'http'], defaultPort: 443, path: true },
  },
  column: COLUMNS.app,
  help: { target: 'http://HOST[:PORT][/PATH]', does: 'TCP + HTTP request (https:// adds TLS)' },
  // undici and ws cost about 200 ms of start-up between them: only a run that needs one loads it.
  load: async () => (await import('./http.js')).checkHttp,
  stopped: {
    timeout: (_endpoint, _state, timeoutMs) => ({ reason: 'http_timeout', message: `no HTTP answer within ${timeoutMs} ms` }),
    deadline: () => 'run deadline reached before an HTTP answer',
  },
  json: { order: ['url', 'status', 'firstByteMs', 'code', 'headers', 'proxyError', 'denial'], objects: { denial: { order: ['by', 'code', 'requestId', 'message'] } } },
  okCell: (check) => String(answeredStatus(check) ?? formatMs(check.ms)),
  cells: {
    http_status: (check) => String(answeredStatus(check) ?? 'bad status'),
    http_timeout: () => 'timeout',
    http_failed: (check) => evidenceCode(check) ?? 'failed',
    // The status alone keeps the matrix narrow; the lines under the row say who refused.
    service_firewall_denied: (check) => String(answeredStatus(check) ?? 'denied'),
    firewall_denied: (check) => String(answeredStatus(check) ?? 470),
  },
  facts: headerFacts,
  panel: (d) => [
    {
      facts: [
        ['URL', { code: d.url }],
        ['status', d.status === undefined ? undefined : String(d.status)],
        ['first byte', d.firstByteMs === undefined ? undefined : formatMs(d.firstByteMs)],
        ['error', d.code],
        ['proxy error', d.proxyError],
        ['denied by', d.denial?.by],
        ['error code', d.denial?.code],
        ['request id', d.denial?.requestId === undefined ? undefined : { code: d.denial.requestId }],
        ['message', d.denial?.message],
      ],
    },
    headerTable(d.headers),
  ],
};
