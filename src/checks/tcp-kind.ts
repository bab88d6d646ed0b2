// The tcp kind: the connection every stream probe rides on, directly or through a forward proxy's
// CONNECT tunnel. Its cells tell a refusal from a timeout from the proxy's own answer.

import type { ConnectData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import { COLUMNS, evidenceCode, formatMs, type ProbeKind } from './descriptor.js';

/** "403" from the status line a proxy answered to CONNECT, if any. */
function proxyStatusCode(check: LayerResult): string | undefined {
  if (check.layer !== 'tcp') return undefined;
  return /^HTTP\/\S+ (\d{3})/.exec((check.data as ConnectData | undefined)?.proxyStatus ?? '')?.[1];
}

export const tcpKind: ProbeKind<'tcp'> = {
  layer: 'tcp',
  schemes: { tcp: { layers: ['dns', 'tcp'] } },
  column: COLUMNS.connect,
  load: async () => (await import('./tcp.js')).checkTcp,
  preload: true,
  json: { order: ['address', 'port', 'localAddress', 'code', 'proxy', 'proxyStatus', 'proxyAgent'] },
  okCell: (check, data) => (data?.proxy === undefined ? formatMs(check.ms) : `${formatMs(check.ms)} via proxy`),
  // The connection reasons are shared by later layers when the peer drops the connection.
  cells: {
    tcp_refused: () => 'refused',
    tcp_timeout: () => 'timeout',
    unreachable: () => 'unreachable',
    reset: () => 'reset',
    tcp_error: (check) => evidenceCode(check) ?? 'error',
    proxy_unreachable: () => 'proxy unreachable',
    proxy_auth_required: () => 'proxy 407',
    proxy_denied: (check) => `proxy ${proxyStatusCode(check) ?? 'denied'}`,
    proxy_target_failed: (check) => `proxy ${proxyStatusCode(check) ?? 'no tunnel'}`,
    proxy_failed: () => 'proxy failed',
  },
  panel: (d) => [
    {
      facts: [
        ['address', { code: `${d.address}:${d.port}` }],
        ['local address', d.localAddress],
        ['redirected to', d.redirectedTo],
        ['error', d.code],
      ],
    },
  ],
};
