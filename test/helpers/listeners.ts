// Real loopback peers for the connection-layer tests: TCP listeners that accept, stall, reset or
// answer garbage, UDP responders that echo or stay silent, TLS servers that record the SNI they
// saw, and free ports that are known to be closed. Every helper returns { port, close }; close()
// also destroys the connections the peer accepted, so a test never leaves a socket behind.
// Also builds the CheckContext/ProbeState a check needs, with the engine's own layer signal.

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { DeadlineError, layerSignal } from '../../src/abort.js';
import type { Endpoint, Protocol } from '../../src/model/endpoint.js';
import type { CheckContext } from '../../src/model/check.js';
import { testSettings } from './settings.js';
import type { SecureContext } from 'node:tls';

/** A running loopback peer. */
export interface Listener {
  port: number;
  close(): Promise<void>;
}

/** A TLS peer that also reports the server names (SNI) clients asked for. */
export interface TlsListener extends Listener {
  /** SNI of each handshake that completed, in order (null when the client sent none). */
  servernames: (string | null)[];
}

/** Loopback host used by every test: IPv4, which every CI machine has. */
export const LOOPBACK = '127.0.0.1';

/** Listens on `server`, tracks its connections, and returns a Listener that destroys them on close. */
async function listen(server: Server, host: string): Promise<Listener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP server whose behaviour per accepted socket is given by `onSocket`; the default accepts and
 * stays silent (the "never speaks" peer).
 */
export function startTcpServer(onSocket: (socket: Socket) => void = () => {}, host = LOOPBACK): Promise<Listener> {
  return listen(
    createTcpServer((socket) => {
      onSocket(socket);
      // Keep reading even when the behaviour ignores the data: a paused socket with unread bytes
      // never sees the client's FIN, and tests watch for 'close' to prove the client let go.
      socket.resume();
    }),
    host,
  );
}

/** A port on `host` where nothing listens: bound by a server that is then closed. */
export async function closedTcpPort(host = LOOPBACK): Promise<number> {
  const listener = await startTcpServer(() => {}, host);
  await listener.close();
  return listener.port;
}

/** What a UDP peer does with a datagram. */
export type UdpBehaviour = 'echo' | 'silent';

/** A UDP socket on loopback that echoes every datagram, or swallows them (an open port that never answers). */
export async function startUdpServer(behaviour: UdpBehaviour, host = LOOPBACK): Promise<Listener> {
  const socket: UdpSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    if (behaviour === 'echo') socket.send(message, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const { port } = socket.address();
  return { port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** A UDP port on `host` where nothing listens: the kernel answers with ICMP port unreachable. */
export async function closedUdpPort(host = LOOPBACK): Promise<number> {
  const listener = await startUdpServer('silent', host);
  await listener.close();
  return listener.port;
}

/** A TLS server presenting `key`/`cert` (with `chain` PEMs appended), recording the SNI of each client. */
export async function startTlsServer(opts: { key: string; cert: string; chain?: string[] }, host = LOOPBACK): Promise<TlsListener> {
  const servernames: (string | null)[] = [];
  const tlsOptions = { key: opts.key, cert: [opts.cert, ...(opts.chain ?? [])].join('\n'), ALPNProtocols: ['http/1.1'] };
  const server = createTlsServer(tlsOptions, (socket: TLSSocket) => {
    socket.on('error', () => {});
    const name = (socket as TLSSocket & { servername?: string | false }).servername;
    servernames.push(typeof name === 'string' ? name : null);
  });
  server.on('tlsClientError', () => {});
  const listener = await listen(server, host);
  return { ...listener, servernames };
}

/** A CheckContext with the engine's layer signal, plus the means to strike the run deadline and to dispose. */
export interface TestContext {
  ctx: CheckContext;
  /** Aborts the run signal with a DeadlineError, as the engine does when the run deadline strikes. */
  strikeDeadline(): void;
  /** Releases the layer timer. */
  dispose(): void;
}

/** Builds a CheckContext whose signal fires after `timeoutMs` (TimeoutError) or at strikeDeadline() (DeadlineError). */
export function testContext(timeoutMs: number, secureContext?: SecureContext): TestContext {
  const run = new AbortController();
  const layer = layerSignal(run.signal, timeoutMs);
  const ctx: CheckContext = {
    settings: testSettings({ timeoutMs }),
    signal: layer.signal,
    // The connection layers never resolve names: calling this is a bug in the layer under test.
    resolve: (name) => Promise.reject(new Error(`unexpected resolve(${name}) in a connection-layer test`)),
  };
  if (secureContext !== undefined) ctx.secureContext = secureContext;
  return { ctx, strikeDeadline: () => run.abort(new DeadlineError(60_000)), dispose: layer.dispose };
}

/** An endpoint for a connection-layer test. */
export function testEndpoint(protocol: Protocol, host: string, port: number, extra: Partial<Endpoint> = {}): Endpoint {
  return { id: `${protocol}-${host}-${port}`, host, port, protocol, path: '/', required: true, expect: {}, ...extra };
}
