// Proof commands: for a failed result, the standard tools a network team already trusts (dig, nc,
// openssl, curl) aimed at the same DNS server, address, name, port and proxy amlprobe used, so
// the finding can be shown without amlprobe. Built from the result's own evidence, never from a
// fresh decision; every value is quoted for the shell (shell-quote.ts).

import type { ConnectData, DnsData, TlsData, UdpData } from '../model/evidence.js';
import type { EndpointResult, LayerResult } from '../model/result.js';
import { shellCommand } from './shell-quote.js';

/** "10.0.0.4:53" -> ["10.0.0.4", "53"]; "[fd00::1]:5353" -> ["fd00::1", "5353"]. */
function splitServer(server: string): { host: string; port: string } {
  const v6 = /^\[(.*)\]:(\d+)$/.exec(server);
  if (v6 !== null) return { host: v6[1] ?? server, port: v6[2] ?? '53' };
  const at = server.lastIndexOf(':');
  return at > 0 && !server.slice(0, at).includes(':') ? { host: server.slice(0, at), port: server.slice(at + 1) } : { host: server, port: '53' };
}

/** host:port as a tool's -connect or -x wants it: IPv6 bracketed. */
function hostPort(host: string, port: number | string): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** "http://10.1.250.4:3128" -> "10.1.250.4:3128" (openssl -proxy and nc -x take no scheme). */
function proxyHostPort(proxy: string): string {
  return proxy.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}

function checkOf(result: EndpointResult, layer: string): LayerResult | undefined {
  return result.checks.find((c) => c.layer === layer);
}

/** The dig per DNS server asked (same server, port and name), and getent when the system resolver was asked too. */
function dnsCommands(data: DnsData | undefined, host: string): string[] {
  const name = data?.name ?? host;
  const servers = [...new Set((data?.direct ?? []).map((d) => d.server))];
  const digs = servers.map((server) => {
    const { host: address, port } = splitServer(server);
    return shellCommand(['dig', `@${address}`, ...(port === '53' ? [] : ['-p', port]), name, 'A', '+norecurse']);
  });
  // The system's view (/etc/hosts, nsswitch, resolv.conf) when it was asked: what hosts_override and resolver_mismatch compare.
  return data?.system !== undefined || digs.length === 0 ? [...digs, shellCommand(['getent', 'ahosts', name])] : digs;
}

/** The URL curl asks for: the endpoint's own name (the proxy, or --resolve, decides where it goes). */
function curlUrl(result: EndpointResult): string {
  const scheme = result.protocol === 'wss' ? 'https' : result.protocol === 'ws' ? 'http' : result.protocol;
  return `${scheme}://${hostPort(result.host, result.port)}${result.path === '' ? '/' : result.path}`;
}

/** The headers that turn curl's GET into the WebSocket upgrade amlprobe sent. */
const UPGRADE = ['-H', 'Connection: Upgrade', '-H', 'Upgrade: websocket', '-H', 'Sec-WebSocket-Version: 13', '-H', 'Sec-WebSocket-Key: YW1scHJvYmUtcmVwcm9kdWNl'];

/** What the proof commands take from the run: its layer timeout and the CA file it trusted besides the system's. */
export interface ProofSettings {
  timeoutMs: number;
  /** The first --ca-file, handed to openssl (-CAfile) and curl (--cacert) so they trust what amlprobe trusted. */
  caFile?: string | undefined;
}

function curlCommand(result: EndpointResult, address: string | null, proxy: string | undefined, seconds: number, caFile?: string): string {
  const route = proxy !== undefined ? ['-x', proxy] : address !== null ? ['--resolve', `${result.host}:${result.port}:${address.includes(':') ? `[${address}]` : address}`] : [];
  const upgrade = result.protocol === 'ws' || result.protocol === 'wss' ? UPGRADE : [];
  const ca = caFile !== undefined && /^(https|wss)$/.test(result.protocol) ? ['--cacert', caFile] : [];
  return shellCommand(['curl', '-v', '--max-time', String(seconds), ...ca, ...route, ...upgrade, curlUrl(result)]);
}

/** nc to the same address and port (-u for UDP); through a proxy, nc's own CONNECT (-X connect -x). */
function ncCommand(result: EndpointResult, address: string, udp: boolean, proxy: string | undefined, seconds: number): string {
  if (proxy !== undefined) return shellCommand(['nc', '-vz', '-w', String(seconds), '-X', 'connect', '-x', proxyHostPort(proxy), result.host, String(result.port)]);
  return shellCommand(['nc', '-vz', ...(udp ? ['-u'] : []), '-w', String(seconds), address, String(result.port)]);
}

function opensslCommand(result: EndpointResult, address: string, servername: string, proxy: string | undefined, seconds: number, caFile?: string): string {
  // -connect names the target; through a proxy openssl sends CONNECT for that same name, as amlprobe did.
  const connect = proxy !== undefined ? ['-connect', hostPort(result.host, result.port), '-proxy', proxyHostPort(proxy)] : ['-connect', hostPort(address, result.port)];
  // timeout: s_client has no timer of its own; </dev/null: end after the handshake instead of waiting for input.
  return `${shellCommand(['timeout', String(seconds), 'openssl', 's_client', ...connect, '-servername', servername, ...(caFile !== undefined ? ['-CAfile', caFile] : []), '-verify_return_error', '-brief'])} </dev/null`;
}

/**
 * The commands that reproduce a failed result's deciding layer, each a POSIX shell line; empty for
 * a result that did not fail or was never probed.
 */
export function reproduceCommands(result: EndpointResult, run: ProofSettings): string[] {
  if (result.status !== 'fail' || result.layer === null || result.checks.length === 0) return [];
  const seconds = Math.max(1, Math.ceil(run.timeoutMs / 1000));
  const caFile = run.caFile;
  const deciding = checkOf(result, result.layer);
  const proxy = (checkOf(result, 'tcp')?.data as ConnectData | undefined)?.proxy;
  const connected = (deciding?.data as ConnectData | UdpData | undefined)?.address;
  const address = result.address ?? (typeof connected === 'string' && connected !== '' ? connected : null);
  switch (result.layer) {
    case 'dns':
      return dnsCommands(deciding?.data as DnsData | undefined, result.host);
    case 'tls': {
      const servername = (deciding?.data as TlsData | undefined)?.servername ?? result.host;
      return address === null && proxy === undefined ? [] : [opensslCommand(result, address ?? result.host, servername, proxy, seconds, caFile)];
    }
    case 'http':
    case 'websocket':
      return [curlCommand(result, address, proxy, seconds, caFile)];
    case 'udp':
      return address === null ? [] : [ncCommand(result, address, true, undefined, seconds)];
    default:
      // tcp, and any later layer on a TCP connection (smb, a kind added later): can the port be reached at all.
      if (proxy !== undefined && /^(https?|wss?)$/.test(result.protocol)) return [curlCommand(result, address, proxy, seconds, caFile)];
      return address === null && proxy === undefined ? [] : [ncCommand(result, address ?? result.host, false, proxy, seconds)];
  }
}
