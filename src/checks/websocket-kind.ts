// The websocket kind: an upgrade request on the connection the earlier layers opened; 101 passes.
// Shares the http kind's header evidence: a proxy that refuses upgrades shows itself there.

import { COLUMNS, evidenceCode, formatMs, type ProbeKind } from './descriptor.js';
import { answeredStatus, headerFacts, headerTable } from './http-kind.js';

export const websocketKind: ProbeKind<'websocket'> = {
  layer: 'websocket',
  schemes: {
    ws: { layers: ['dns', 'tcp', 'websocket'], defaultPort: 80, path: true },
    wss: { layers: ['dns', 'tcp', 'tls', 'websocket'], defaultPort: 443, path: true },
  },
  column: COLUMNS.app,
  help: { target: 'ws://HOST[:PORT][/PATH]', does: 'TCP + WebSocket upgrade (wss:// adds TLS)' },
  // undici and ws cost about 200 ms of start-up between them: only a run that needs one loads it.
  load: async () => (await import('./websocket.js')).checkWebSocket,
  stopped: {
    timeout: (_endpoint, _state, timeoutMs) => ({ reason: 'ws_timeout', message: `no answer to the WebSocket upgrade within ${timeoutMs} ms` }),
    deadline: () => 'run deadline reached before an answer to the WebSocket upgrade',
  },
  json: { order: ['url', 'status', 'code', 'headers'] },
  okCell: (check) => String(answeredStatus(check) ?? formatMs(check.ms)),
  cells: {
    ws_upgraded: (check) => String(answeredStatus(check) ?? 101),
    ws_rejected: (check) => String(answeredStatus(check) ?? 'rejected'),
    ws_timeout: () => 'timeout',
    ws_failed: (check) => evidenceCode(check) ?? 'failed',
  },
  facts: headerFacts,
  panel: (d) => [
    { facts: [['URL', { code: d.url }], ['status', d.status === undefined ? undefined : String(d.status)], ['error', d.code]] },
    headerTable(d.headers),
  ],
};
