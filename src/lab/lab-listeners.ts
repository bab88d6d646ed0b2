// The lab's listeners on 127.0.0.1: one per behaviour (healthy HTTPS, a silent peer, a forging
// TLS firewall, ...), shared by every address the engine redirects to it. Each tracks its
// connections so that close() leaves nothing open and the process exits at once.

import dgram from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { LabCerts } from './lab-certs.js';
import type { LabBehaviour } from './lab-network.js';
import { labProxyServer } from './lab-proxy.js';
import { answerNegotiate } from './lab-smb.js';

const HOST = '127.0.0.1';

/** The running listeners: the loopback port behind each behaviour that was asked for. */
export interface LabListeners {
  ports: Map<LabBehaviour, number>;
  close(): Promise<void>;
}

/** One running listener. */
interface Listener {
  port: number;
  close(): Promise<void>;
}

const ignore = (): void => undefined;

/** Listens on 127.0.0.1 port 0 and tracks every connection for close(). */
async function listen(server: Server, onClose: () => void = ignore): Promise<Listener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', ignore);
  });
  // A TLS client that hangs up mid-handshake (the TCP-only probes do) is no error of the lab's.
  server.on('tlsClientError', ignore);
  server.listen(0, HOST);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      onClose();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** What a healthy Azure front door would do for amlprobe: answer any request, upgrade any WebSocket. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', server: 'amlprobe-lab' });
  res.end(`amlprobe lab: simulated ${req.headers.host ?? 'endpoint'}\n`);
}

/** HTTP(S) with WebSocket upgrades; `tls` makes it HTTPS with the lab's certificate. */
async function webServer(tls: { key: string; cert: string } | undefined): Promise<Listener> {
  const server = tls === undefined ? createHttpServer(answer) : createHttpsServer({ key: tls.key, cert: tls.cert }, answer);
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', ignore);
    sockets.handleUpgrade(req, socket, head, (ws) => ws.on('error', ignore));
  });
  return listen(server, () => {
    for (const client of sockets.clients) client.terminate();
    sockets.close();
  });
}

/**
 * The public endpoint of a storage account whose firewall refuses this client, answering as Azure
 * Storage does (src/checks/denial-shapes.ts cites the shape): 403, x-ms-error-code AuthorizationFailure.
 */
async function storageFirewall(tls: { key: string; cert: string }): Promise<Listener> {
  const requestId = '7d1b9c52-c01e-0045-7a3e-labf1rewa11';
  const body = '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code><Message>This request is not ' +
    `authorized to perform this operation.\nRequestId:${requestId}\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>`;
  return listen(createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    req.resume();
    res.writeHead(403, 'This request is not authorized to perform this operation.', {
      'content-type': 'application/xml', server: 'Windows-Azure-Queue/1.0 Microsoft-HTTPAPI/2.0',
      'x-ms-request-id': requestId, 'x-ms-error-code': 'AuthorizationFailure',
    });
    res.end(body);
  }));
}

/** A TCP peer that accepts and then never says a word: stalls every handshake. */
function silentPeer(): Promise<Listener> {
  // Reading keeps the socket noticing the client's close; paused, it would look open forever.
  return listen(createNetServer((socket) => socket.resume()));
}

/** A TCP service that accepts and lets the client hang up. */
function tcpAccept(): Promise<Listener> {
  return listen(createNetServer((socket) => socket.resume().on('end', () => socket.end())));
}

/** An Azure Files stand-in: answers one SMB2 NEGOTIATE per connection. */
function smbServer(): Promise<Listener> {
  return listen(createNetServer((socket) => answerNegotiate(socket.on('end', () => socket.end()))));
}

/** A TLS server presenting the inspection firewall's forged certificate and its CA. */
function tlsIntercept(forged: { key: string; cert: string }): Promise<Listener> {
  return listen(createTlsServer({ key: forged.key, cert: forged.cert }, (socket) => socket.resume()));
}

/** A UDP service answering every datagram. */
async function udpReply(): Promise<Listener> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (_message, peer) => socket.send('amlprobe lab\n', peer.port, peer.address));
  // A bind error comes only as 'error': swallowed, the lab would wait for this listener forever.
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, HOST, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', ignore);
  return { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/**
 * A loopback port with nothing behind it: TCP connections to it are refused (RST), UDP datagrams
 * draw an ICMP port unreachable from the kernel. Picked below every OS's ephemeral range (Linux
 * starts at 32768, Windows and macOS at 49152) so the probe's own source port can never be the
 * same port: a TCP self-connect would "succeed" and a UDP socket would hear its own datagram.
 */
async function closedPort(transport: 'tcp' | 'udp'): Promise<Listener> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isFree(transport, port)) return { port, close: () => Promise.resolve() };
  }
  throw new Error(`the lab found no free ${transport} port on ${HOST} for its closed-port fault`);
}

/** Binds and releases `port` to prove nothing uses it. */
async function isFree(transport: 'tcp' | 'udp', port: number): Promise<boolean> {
  if (transport === 'tcp') {
    const server = createNetServer();
    return new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, HOST, () => server.close(() => resolve(true)));
    });
  }
  const socket = dgram.createSocket('udp4');
  return new Promise<boolean>((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
}

function start(behaviour: LabBehaviour, certs: LabCerts, tunnelTo: (authority: string) => number | undefined): Promise<Listener> {
  switch (behaviour) {
    case 'https':
      return webServer(certs.server);
    case 'http':
      return webServer(undefined);
    case 'tcp-accept':
      return tcpAccept();
    case 'smb':
      return smbServer();
    case 'udp-reply':
      return udpReply();
    case 'silent-peer':
      return silentPeer();
    case 'tcp-refused':
      return closedPort('tcp');
    case 'udp-closed':
      return closedPort('udp');
    case 'tls-intercept':
      return tlsIntercept(certs.inspection);
    case 'tls-inspect-trusted':
      return webServer(certs.trustedInspection);
    case 'storage-firewall':
      return storageFirewall(certs.server);
    case 'forward-proxy':
      return listen(labProxyServer(tunnelTo));
  }
}

/**
 * Starts one listener per behaviour asked for; on failure, closes those already started.
 * `proxyAllows` is the lab proxy's allow list: "host:port" -> the behaviour it tunnels to.
 */
export async function startLabListeners(
  behaviours: Iterable<LabBehaviour>,
  certs: LabCerts,
  proxyAllows: ReadonlyMap<string, LabBehaviour> = new Map(),
): Promise<LabListeners> {
  const started = new Map<LabBehaviour, Listener>();
  const tunnelTo = (authority: string): number | undefined => {
    const behaviour = proxyAllows.get(authority);
    return behaviour === undefined ? undefined : started.get(behaviour)?.port;
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all([...started.values()].map((l) => l.close()));
  };
  try {
    for (const behaviour of new Set(behaviours)) started.set(behaviour, await start(behaviour, certs, tunnelTo));
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { ports: new Map([...started].map(([behaviour, l]) => [behaviour, l.port])), close: closeAll };
}
