// The TCP layer of an endpoint that goes through an HTTP forward proxy: resolve and connect to the
// proxy, then ask it for a CONNECT tunnel to host:port (src/net/proxy-connect.ts). On a 2xx the
// tunnel becomes state.socket and TLS/HTTP/WebSocket run over it as over a direct connection (TLS
// therefore verifies the target's certificate end to end). Every other outcome names the proxy as
// the problem with its own reason code, quoting what it answered.
//
// When its signal fires it only stops, having said in state.stage what it was waiting for: the
// engine reports a timeout before the proxy accepted the connection as proxy_unreachable, after
// CONNECT was sent as proxy_target_failed (a proxy that stays silent is almost always still trying
// to reach a target whose packets are dropped), and the run deadline as `deadline`.

import { connect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { untilAborted } from '../abort.js';
import { judgeResolution } from '../dns/verdict.js';
import { authority, proxyConnect, type ConnectAnswer } from '../net/proxy-connect.js';
import { proxyErrorOf, proxyTargetHint } from '../net/proxy-error.js';
import type { ProxyServer } from '../net/proxy-env.js';
import { dialTarget } from '../net/redirect.js';
import type { Reason, Status } from '../model/reason.js';
import type { Endpoint } from '../model/endpoint.js';
import type { ConnectData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { CheckContext, CheckSignal, ProbeState } from '../model/check.js';
import { quotePeer } from '../untrusted/evidence.js';
import { USER_AGENT } from '../version.js';
import { describeConnectError, guardIdleSocket } from './errno.js';
import { stoppedResult } from './stopped.js';

/** Connects to `proxy`, opens a CONNECT tunnel to endpoint.host:endpoint.port, and hands it over in state.socket. */
export async function checkTcpViaProxy(
  endpoint: Endpoint,
  state: ProbeState,
  ctx: CheckContext,
  proxy: ProxyServer,
): Promise<LayerResult> {
  const started = performance.now();
  const data: ConnectData = { address: proxy.host, port: proxy.port, proxy: proxy.display };
  const result = (status: Status, reason: Reason, message: string, detail?: string): LayerResult => ({
    layer: 'tcp',
    status,
    reason,
    ms: Math.round(performance.now() - started),
    message,
    ...(detail === undefined ? {} : { detail }),
    data,
  });
  state.evidence = data;
  state.stage = 'proxy-connect';
  if (ctx.signal.aborted) return stoppedResult('tcp');

  function unreachable(message: string, detail?: string): LayerResult {
    return result('fail', 'proxy_unreachable', message,
      detail ?? `amlprobe could not open a TCP connection to the proxy itself, so the target ${authority(endpoint.host, endpoint.port)} was never tried. Check the proxy URL (--proxy, https_proxy/http_proxy) and the path from this machine to the proxy.`);
  }

  // Where the proxy is: an IP literal, or a name resolved like any other (this machine does resolve the proxy).
  let address = proxy.host;
  if (isIP(proxy.host) === 0) {
    state.stage = 'proxy-name';
    const resolution = await untilAborted(ctx.resolve(proxy.host), ctx.signal).catch(() => undefined);
    if (ctx.signal.aborted) return stoppedResult('tcp');
    if (resolution === undefined) return unreachable(`the proxy name ${proxy.host} did not resolve in time`);
    state.stage = 'proxy-connect';
    const judged = judgeResolution(resolution, ctx.settings, false, undefined, []);
    if (judged.status === 'fail' || judged.address === undefined) {
      return unreachable(`the proxy name ${proxy.host} does not resolve: ${judged.message}`);
    }
    address = judged.address;
    data.address = address;
  }
  const dial = dialTarget(ctx.settings, 'tcp', address, proxy.port);
  if ('refused' in dial) return result('fail', 'tcp_error', dial.refused);
  if (dial.redirectedTo !== undefined) data.redirectedTo = dial.redirectedTo;

  const socket = connect({ host: dial.host, port: dial.port, noDelay: true });
  const connected = await untilConnected(socket, ctx.signal);
  if (connected !== true) {
    socket.destroy();
    if (connected === 'aborted') return stoppedResult('tcp');
    const described = describeConnectError(connected);
    if (described.code !== undefined) data.code = described.code;
    return unreachable(`cannot connect to the proxy ${proxy.display}: ${described.message}`);
  }
  if (socket.localAddress !== undefined) data.localAddress = socket.localAddress;

  const request = { host: endpoint.host, port: endpoint.port, userAgent: USER_AGENT, signal: ctx.signal };
  state.stage = 'proxy-tunnel';
  const answer = await proxyConnect(socket, proxy.authorization === undefined ? request : { ...request, authorization: proxy.authorization });
  if (answer.kind === 'established') {
    data.proxyStatus = answer.statusLine;
    const agent = agentOf(answer.headers);
    if (agent !== undefined) data.proxyAgent = agent;
    // Errors while no layer listens must not crash the process (see tcp.ts).
    guardIdleSocket(socket);
    state.socket = socket;
    state.proxy = agent === undefined ? { display: proxy.display } : { display: proxy.display, agent };
    return result('pass', 'ok', `tunnel through ${proxy.display} established`);
  }
  socket.destroy();
  if (answer.kind === 'aborted') return stoppedResult('tcp');
  // Whatever else it is, the proxy's answer came in before the signal fired (src/net/proxy-connect.ts
  // keeps a refusal whose page an abort cut short): it is the verdict.
  state.stage = 'answered';
  return judgeAnswer(answer, endpoint, proxy, data, result);
}

/** Resolves true on connect, the error on failure, 'aborted' when the signal fires first. */
function untilConnected(socket: Socket, signal: CheckSignal): Promise<true | Error | 'aborted'> {
  return new Promise((resolve) => {
    const done = (outcome: true | Error | 'aborted'): void => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      resolve(outcome);
    };
    const onConnect = (): void => done(true);
    const onError = (error: Error): void => done(error);
    const onAbort = (): void => done('aborted');
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The proxy's name for itself: Proxy-Agent, else Server. */
function agentOf(headers: Record<string, string>): string | undefined {
  return headers['proxy-agent'] ?? headers['server'];
}

/** The verdict for every CONNECT outcome other than a tunnel. */
function judgeAnswer(
  answer: Exclude<ConnectAnswer, { kind: 'established' | 'aborted' }>,
  endpoint: Endpoint,
  proxy: ProxyServer,
  data: ConnectData,
  result: (status: Status, reason: Reason, message: string, detail?: string) => LayerResult,
): LayerResult {
  const target = authority(endpoint.host, endpoint.port);
  if (answer.kind === 'interim_flood') {
    return result('fail', 'proxy_failed',
      `the proxy ${proxy.display} sent ${answer.answers} interim (1xx) answers to CONNECT ${target} and no final one; amlprobe gave up`,
      `Interim answers received: ${answer.answers} (${answer.bytes} bytes), the last "${quotePeer(answer.lastStatusLine)}". A CONNECT needs none; a proxy that keeps sending them is broken or not an HTTP proxy.`);
  }
  if (answer.kind === 'malformed') {
    return result('fail', 'proxy_failed', `the answer of ${proxy.display} to CONNECT is not HTTP`,
      `Something listens at the proxy address but does not speak HTTP proxy. Answer starts: ${quotePeer(answer.received) || '(nothing printable)'}`);
  }
  if (answer.kind === 'closed') {
    const how = answer.error === undefined ? 'closed the connection' : `reset the connection (${describeConnectError(answer.error).message})`;
    if (answer.error !== undefined) {
      const code = describeConnectError(answer.error).code;
      if (code !== undefined) data.code = code;
    }
    return result('fail', 'proxy_failed', `the proxy ${proxy.display} ${how} without answering CONNECT ${target}`,
      answer.received.length > 0 ? `Partial answer: ${quotePeer(answer.received)}` : 'Some proxies drop denied tunnels silently; check the proxy\'s log for this client.');
  }
  data.proxyStatus = answer.statusLine;
  const agent = agentOf(answer.headers);
  if (agent !== undefined) data.proxyAgent = agent;
  const evidence = [
    `The proxy answered "${answer.statusLine}"`,
    agent === undefined ? undefined : `(${answer.headers['proxy-agent'] !== undefined ? 'Proxy-Agent' : 'Server'}: ${agent})`,
  ].filter((part) => part !== undefined).join(' ');
  const page = quotePeer(answer.body);
  const quote = `${evidence}.${page ? ` Its page starts: ${page}` : ''}`;
  const { status } = answer;
  if (status === 407) {
    const scheme = answer.headers['proxy-authenticate'];
    const what = proxy.authorization === undefined
      ? `the proxy ${proxy.display} requires authentication (HTTP 407)`
      : `the proxy ${proxy.display} rejected the credentials (HTTP 407)`;
    const how = proxy.authorization === undefined
      ? 'Give credentials in the proxy URL (http://user:password@host:port); amlprobe sends them as Basic Proxy-Authorization and never prints them.'
      : 'The credentials in the proxy URL were refused, or the proxy wants another scheme than Basic.';
    return result('fail', 'proxy_auth_required', what, `${quote}${scheme ? ` Proxy-Authenticate: ${scheme}.` : ''} ${how}`);
  }
  // The proxy's own error code, when it names one, says which side failed better than the status.
  const proxyError = proxyErrorOf(answer.headers);
  if (proxyError !== undefined) data.proxyError = proxyError.code;
  const said = proxyError === undefined ? `HTTP ${status}` : `HTTP ${status} ${proxyError.code}`;
  const targetSide = proxyError?.side === 'target'
    || (proxyError?.side !== 'policy' && (status === 502 || status === 503 || status === 504 || connectFailure(status, answer.statusLine, page)));
  if (targetSide) {
    return result('fail', 'proxy_target_failed',
      `tunnel not established: the proxy could not reach the target ${target} (${said})`,
      `${quote} The path from this machine to the proxy works; the proxy's own path to the target (its DNS, firewall or route) does not.${proxyError === undefined ? '' : ` ${proxyTargetHint(proxyError.code)}`}`);
  }
  if (status >= 400) {
    return result('fail', 'proxy_denied', `the proxy ${proxy.display} refused the tunnel to ${target} (${said})`,
      `${quote} Ask the proxy admin to allow CONNECT to ${target}.`);
  }
  return result('fail', 'proxy_failed', `the proxy ${proxy.display} answered CONNECT with HTTP ${status} instead of a tunnel`, quote);
}

/**
 * A 500 that says the proxy could not connect: tinyproxy answers a failed connection to the
 * target with "500 Unable to connect" where squid uses 503.
 */
function connectFailure(status: number, statusLine: string, page: string): boolean {
  return status === 500 && /unable to connect|could not connect|cannot connect|connection (?:refused|failed)/i.test(`${statusLine} ${page}`);
}

/**
 * When a non-101 answer to a WebSocket upgrade came from the proxy rather than the target, a
 * sentence naming the evidence; else undefined. A tunnel carries the target's bytes, so a
 * Proxy-Agent or Via header, or the proxy's own Server name, mean the proxy read the request and answered it.
 */
export function answeredByProxy(
  proxy: ProbeState['proxy'],
  headers: Record<string, string> | undefined,
): string | undefined {
  if (proxy === undefined || headers === undefined) return undefined;
  if (headers['proxy-agent'] !== undefined) return `Proxy-Agent: ${headers['proxy-agent']}`;
  if (headers['via'] !== undefined) return `Via: ${headers['via']}`;
  if (proxy.agent !== undefined && headers['server'] === proxy.agent) return `Server: ${headers['server']}, as the proxy names itself`;
  return undefined;
}
