// Local servers for the HTTP and WebSocket layer tests: real node:http / node:https / ws servers
// and raw net/tls peers that misbehave byte by byte. Everything listens on 127.0.0.1 port 0 and
// counts accepted TCP connections, so a test can prove a probe opened no second one.
// Also: the socket a probe starts from, built exactly as the tcp and tls layers build it.

import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { Endpoint, Protocol } from '../../src/model/endpoint.js';
import type { CheckContext } from '../../src/model/check.js';
import { testSettings } from './settings.js';

/** A key and certificate (PEM) a TLS server presents. */
export interface ServerCert {
  key: string;
  cert: string;
}

/** A running test server. */
export interface TestServer {
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Host headers of the HTTP requests (or upgrade requests) received, in order. */
  readonly hosts: string[];
  /** User-Agent headers received, in order. */
  readonly userAgents: string[];
  /** Stops listening and destroys every connection still open. */
  close(): Promise<void>;
}

/** Wraps a listening server: counts and tracks connections, closes everything. */
async function serve(server: NetServer, hosts: string[] = [], userAgents: string[] = []): Promise<TestServer> {
  const open = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    hosts,
    userAgents,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}

/** Records the Host and User-Agent of a request. */
function record(req: IncomingMessage, hosts: string[], userAgents: string[]): void {
  hosts.push(req.headers.host ?? '');
  userAgents.push(req.headers['user-agent'] ?? '');
}

/** An HTTP server (HTTPS when `tls` is given) answering with `handler`. */
export async function startHttpServer(handler: RequestListener, tls?: ServerCert): Promise<TestServer> {
  const hosts: string[] = [];
  const userAgents: string[] = [];
  const listener: RequestListener = (req, res) => {
    record(req, hosts, userAgents);
    handler(req, res);
  };
  const server: HttpServer = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  return serve(server, hosts, userAgents);
}

/** A WebSocket test server; also records the close codes its clients sent. */
export interface WsTestServer extends TestServer {
  readonly closeCodes: number[];
}

/** A WebSocket server (wss when `tls` is given) accepting every upgrade, echoing nothing. */
export async function startWsServer(tls?: ServerCert): Promise<WsTestServer> {
  const hosts: string[] = [];
  const userAgents: string[] = [];
  const closeCodes: number[] = [];
  const server: HttpServer = tls ? createHttpsServer(tls) : createHttpServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    record(req, hosts, userAgents);
    ws.on('close', (code) => closeCodes.push(code));
  });
  const running = await serve(server, hosts, userAgents);
  return {
    ...running,
    closeCodes,
    get connections() {
      return running.connections;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await running.close();
    },
  };
}

/**
 * A raw TCP server (TLS when `tls` is given): `onSocket` gets each connection (decrypted for TLS)
 * and decides what bytes, if any, to answer.
 */
export async function startRawServer(
  onSocket: (socket: Socket | TLSSocket) => void,
  tls?: ServerCert,
): Promise<TestServer> {
  if (tls) {
    const server = createTlsServer(tls, (socket) => {
      socket.on('error', () => undefined);
      onSocket(socket);
    });
    server.on('tlsClientError', () => undefined);
    return serve(server);
  }
  const server = createNetServer((socket) => onSocket(socket));
  return serve(server);
}

/** Calls `then` with the whole request head once the blank line after the headers arrived. */
export function afterRequestHead(socket: Socket, then: (head: string) => void): void {
  let head = '';
  const onData = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    then(head);
  };
  socket.on('data', onData);
}

/** Writes `bytes` one byte at a time, `gapMs` apart, until done or the socket is gone. */
export async function writeByteByByte(socket: Socket, bytes: string, gapMs = 5): Promise<void> {
  for (const byte of Buffer.from(bytes, 'latin1')) {
    if (socket.destroyed) return;
    socket.write(Buffer.of(byte));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

/** Where the probe socket should verify TLS: the test CA and the name to send as SNI. */
export interface ClientTls {
  ca: string;
  servername: string;
}

/** The socket the earlier layers hand over: net.connect, then (https/wss) tls.connect over it. */
export async function openProbeSocket(port: number, tls?: ClientTls): Promise<Socket | TLSSocket> {
  const tcp = netConnect({ host: '127.0.0.1', port });
  await once(tcp, 'connect');
  if (!tls) return tcp;
  const secure = tlsConnect({ socket: tcp, servername: tls.servername, ca: tls.ca });
  try {
    await once(secure, 'secureConnect');
  } catch (error) {
    secure.destroy();
    tcp.destroy();
    throw error;
  }
  return secure;
}

/** An endpoint as the plan would produce it. */
export function testEndpoint(protocol: Protocol, host: string, port: number, extra: Partial<Endpoint> = {}): Endpoint {
  return { id: `test-${protocol}`, host, port, protocol, path: '/', required: true, expect: {}, ...extra };
}

/** How the test's own abort signal fires: after `abortAfterMs`, with an Error named `abortName`. */
export interface ContextOptions {
  timeoutMs: number;
  abortAfterMs: number;
  abortName?: 'TimeoutError' | 'DeadlineError';
}

/** A CheckContext whose signal aborts like the engine's would; `dispose` clears the timer. */
export function testContext(options: ContextOptions): { ctx: CheckContext; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const reason = new Error(`aborted after ${options.abortAfterMs} ms`);
    reason.name = options.abortName ?? 'TimeoutError';
    controller.abort(reason);
  }, options.abortAfterMs);
  const ctx: CheckContext = {
    settings: testSettings({ timeoutMs: options.timeoutMs }),
    signal: controller.signal,
    resolve: () => {
      throw new Error('the HTTP and WebSocket layers never resolve names');
    },
  };
  return { ctx, dispose: () => clearTimeout(timer) };
}

/** Polls `condition` every 5 ms until true or `withinMs` passed; for facts a peer learns a moment later. */
export async function eventually(condition: () => boolean, withinMs = 1000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
