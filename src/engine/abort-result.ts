// What a layer cut short by its signal is reported as. The engine alone writes it: a check told to
// stop only releases what it holds; its evidence so far (state.evidence) and where it stood
// (state.stage) reach the result through the probe state, its verdict does not. One table, one
// sentence per layer and cause, so that every check times out in the same words whether it
// settled at once or had to be cut off after the grace (src/engine/pipeline.ts).
//
// The DNS layer's own per-server timeout sentences are not here: they come from each query's own
// timeout (src/dns/), which is not a layer abort.

import { abortCause, type AbortCause } from '../abort.js';
import { authority } from '../net/proxy-connect.js';
import type { Endpoint, Layer } from '../model/endpoint.js';
import type { Reason, Status } from '../model/reason.js';
import type { ConnectData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { CheckSignal, ProbeState } from '../model/check.js';

/** The words of one cut-short layer. */
interface Wording {
  status?: Status;
  reason: Reason;
  message: string;
  detail?: string;
}

type Words = (endpoint: Endpoint, state: ProbeState, timeoutMs: number) => Wording;

/** What the proxy stages of a tcp layer through a forward proxy time out as. */
const PROXY_TIMEOUTS: Record<'proxy-name' | 'proxy-connect' | 'proxy-tunnel', Words> = {
  'proxy-name': (endpoint, state) => proxyUnreachable(endpoint, `the proxy name ${evidenceOf(state).address} did not resolve in time`),
  'proxy-connect': (endpoint, state, timeoutMs) => proxyUnreachable(endpoint, `no answer from the proxy ${evidenceOf(state).proxy ?? ''} within ${timeoutMs} ms`),
  'proxy-tunnel': (endpoint, state, timeoutMs) => ({
    reason: 'proxy_target_failed',
    message: `tunnel not established: the proxy ${evidenceOf(state).proxy ?? ''} gave no answer to CONNECT ${authority(endpoint.host, endpoint.port)} within ${timeoutMs} ms`,
    detail: 'The proxy accepted the connection but did not answer: it is most likely still trying to reach the target, whose packets are dropped on the proxy\'s side (its own firewall, NSG or route).',
  }),
};

/** Per layer: what its own timeout means. */
const TIMEOUTS: Record<Layer, Words> = {
  dns: () => ({ reason: 'dns_timeout', message: 'resolution aborted by the layer timeout' }),
  tcp: (endpoint, state, timeoutMs) => {
    const stage = state.stage;
    if (stage !== undefined && stage !== 'answered') return PROXY_TIMEOUTS[stage](endpoint, state, timeoutMs);
    const { address, port } = evidenceOf(state);
    return {
      reason: 'tcp_timeout',
      message: `no answer within ${timeoutMs} ms (packets dropped or filtered)`,
      detail: `The connection attempt to ${authority(address, port)} got neither an answer nor a refusal: a firewall, NSG or route silently drops the packets.`,
    };
  },
  // Silence is the normal end of a UDP probe: open or filtered, a failure only when a reply is expected.
  udp: (endpoint, _state, timeoutMs) => ({
    status: endpoint.expect.udpReply ? 'fail' : 'warn',
    reason: 'udp_open_or_filtered',
    message: `no reply within ${timeoutMs} ms (open or filtered)`,
    detail:
      'UDP gives no handshake: silence means either a service that ignores this payload or a firewall that drops it. ' +
      'No ICMP port unreachable came back, so nothing on the path reported the port closed.',
  }),
  tls: (_endpoint, _state, timeoutMs) => ({
    reason: 'tls_timeout',
    message: `no TLS answer within ${timeoutMs} ms`,
    detail: 'The TCP connection opened but the handshake never completed: the server or a middlebox accepted the connection and then stayed silent.',
  }),
  http: (_endpoint, _state, timeoutMs) => ({ reason: 'http_timeout', message: `no HTTP answer within ${timeoutMs} ms` }),
  websocket: (_endpoint, _state, timeoutMs) => ({ reason: 'ws_timeout', message: `no answer to the WebSocket upgrade within ${timeoutMs} ms` }),
};

/** Per layer: what the run deadline striking in it reads as. */
const DEADLINES: Record<Layer, string> = {
  dns: 'resolution cut short by the run deadline',
  tcp: 'the run deadline struck while connecting',
  udp: 'the run deadline struck while waiting for a UDP reply',
  tls: 'the run deadline struck during the TLS handshake',
  http: 'run deadline reached before an HTTP answer',
  websocket: 'run deadline reached before an answer to the WebSocket upgrade',
};

const PROXY_DEADLINE = 'the run deadline struck while going through the proxy';

/**
 * The result of a layer whose check settled with `result`: its own, unless its signal had fired
 * by then and its answer was not in (state.stage 'answered'); then the engine's abortedResult.
 */
export function ownedResult(layer: Layer, endpoint: Endpoint, state: ProbeState, signal: CheckSignal, timeoutMs: number, result: LayerResult): LayerResult {
  return signal.aborted && state.stage !== 'answered' ? abortedResult(layer, endpoint, state, signal, timeoutMs) : result;
}

/** The result of a layer cut short by its (aborted) signal: the layer timeout or the run deadline. */
export function abortedResult(layer: Layer, endpoint: Endpoint, state: ProbeState, signal: CheckSignal, timeoutMs: number): LayerResult {
  const cause: AbortCause = abortCause(signal);
  const words: Wording = cause === 'timeout' ? TIMEOUTS[layer](endpoint, state, timeoutMs) : { reason: 'deadline', message: deadlineWords(layer, state) };
  const result: LayerResult = { layer, status: words.status ?? 'fail', reason: words.reason, ms: 0, message: words.message };
  if (words.detail !== undefined) result.detail = words.detail;
  const data = layer === 'dns' ? { name: endpoint.host, authority: 'system' as const, addresses: [] } : state.evidence;
  if (data !== undefined) result.data = data;
  return result;
}

function deadlineWords(layer: Layer, state: ProbeState): string {
  return layer === 'tcp' && state.stage !== undefined && state.stage !== 'answered' ? PROXY_DEADLINE : DEADLINES[layer];
}

/** The tcp layer's evidence: where it was connecting (a tcp check records it before it dials). */
function evidenceOf(state: ProbeState): ConnectData {
  return (state.evidence ?? { address: state.address ?? '', port: 0 }) as ConnectData;
}

function proxyUnreachable(endpoint: Endpoint, message: string): Wording {
  return {
    reason: 'proxy_unreachable',
    message,
    detail: `amlprobe could not open a TCP connection to the proxy itself, so the target ${authority(endpoint.host, endpoint.port)} was never tried. Check the proxy URL (--proxy, https_proxy/http_proxy) and the path from this machine to the proxy.`,
  };
}
