// The tcp kind: the connection every stream probe rides on, directly or through a forward proxy's
// CONNECT tunnel. Its cells tell a refusal from a timeout from the proxy's own answer.

import type { ConnectData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Endpoint } from '../model/endpoint.js';
import type { ProbeState } from '../model/check.js';
import { authority } from '../net/proxy-connect.js';
import { COLUMNS, evidenceCode, formatMs, type ProbeKind, type StopWording, type StopWords } from './descriptor.js';

/** What the proxy stages of a tcp layer through a forward proxy time out as. */
const PROXY_TIMEOUTS: Record<'proxy-name' | 'proxy-connect' | 'proxy-tunnel', StopWords['timeout']> = {
  'proxy-name': (endpoint, state) => proxyUnreachable(endpoint, `the proxy name ${evidenceOf(state).address} did not resolve in time`),
  'proxy-connect': (endpoint, state, timeoutMs) => proxyUnreachable(endpoint, `no answer from the proxy ${evidenceOf(state).proxy ?? ''} within ${timeoutMs} ms`),
  'proxy-tunnel': (endpoint, state, timeoutMs) => ({
    reason: 'proxy_target_failed',
    message: `tunnel not established: the proxy ${evidenceOf(state).proxy ?? ''} gave no answer to CONNECT ${authority(endpoint.host, endpoint.port)} within ${timeoutMs} ms`,
    detail: 'The proxy accepted the connection but did not answer: it is most likely still trying to reach the target, whose packets are dropped on the proxy\'s side (its own firewall, NSG or route).',
  }),
};

/** The tcp layer's evidence: where it was connecting (a tcp check records it before it dials). */
function evidenceOf(state: ProbeState): ConnectData {
  return (state.evidence ?? { address: state.address ?? '', port: 0 }) as ConnectData;
}

function proxyUnreachable(endpoint: Endpoint, message: string): StopWording {
  return {
    reason: 'proxy_unreachable',
    message,
    detail: `amlprobe could not open a TCP connection to the proxy itself, so the target ${authority(endpoint.host, endpoint.port)} was never tried. Check the proxy URL (--proxy, https_proxy/http_proxy) and the path from this machine to the proxy.`,
  };
}

/** "403" from the status line a proxy answered to CONNECT, if any. */
function proxyStatusCode(check: LayerResult): string | undefined {
  // A proxy that answered a plain-HTTP request itself: the http layer holds its status.
  if (check.layer === 'http') return (check.data as { status?: number } | undefined)?.status?.toString();
  if (check.layer !== 'tcp') return undefined;
  return /^HTTP\/\S+ (\d{3})/.exec((check.data as ConnectData | undefined)?.proxyStatus ?? '')?.[1];
}

export const tcpKind: ProbeKind<'tcp'> = {
  layer: 'tcp',
  schemes: { tcp: { layers: ['dns', 'tcp'] } },
  column: COLUMNS.connect,
  help: { target: 'tcp://HOST:PORT, HOST:PORT', does: 'TCP connect' },
  load: async () => (await import('./tcp.js')).checkTcp,
  preload: true,
  stopped: {
    timeout: (endpoint, state, timeoutMs) => {
      const stage = state.stage;
      if (stage !== undefined && stage !== 'answered') return PROXY_TIMEOUTS[stage](endpoint, state, timeoutMs);
      const { address, port } = evidenceOf(state);
      return {
        reason: 'tcp_timeout',
        message: `no answer within ${timeoutMs} ms (packets dropped or filtered)`,
        detail: `The connection attempt to ${authority(address, port)} got neither an answer nor a refusal: a firewall, NSG or route silently drops the packets.`,
      };
    },
    deadline: (state) =>
      state.stage !== undefined && state.stage !== 'answered' ? 'the run deadline struck while going through the proxy' : 'the run deadline struck while connecting',
  },
  json: { order: ['address', 'port', 'localAddress', 'code', 'proxy', 'proxyStatus', 'proxyAgent', 'proxyError'] },
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
