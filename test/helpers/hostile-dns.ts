// A DNS peer that misbehaves on purpose: UDP and TCP on one loopback port, each query handed to a
// test's own function, which answers with raw bytes (or nothing, or too much, or too slowly).
// Unlike dns-server.ts (a zone table of well-formed answers), nothing here has to be valid DNS.

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';
import { framedTcpMessage, onTcpMessages } from '../../src/dns/tcp-framing.js';

/** What a behaviour learns about one query. */
export interface HostileQuery {
  packet: DecodedPacket;
  raw: Buffer;
  id: number;
  name: string;
  type: string;
}

/** Sends bytes back on the transport the query came in on (a TCP message gets its length prefix). */
export type Send = (message: Buffer) => void;

/** How the peer treats queries: over UDP, and (optionally) over TCP with the raw socket at hand. */
export interface HostileBehaviour {
  udp: (query: HostileQuery, send: Send) => void;
  tcp?: (query: HostileQuery, send: Send, socket: net.Socket) => void;
  /** Nothing listens on TCP at the port: a connection is refused (TCP 53 rejected by a firewall looks the same). */
  tcpClosed?: boolean;
}

/** A running hostile peer. */
export interface HostileDns {
  /** "127.0.0.1:PORT" */
  server: string;
  close: () => Promise<void>;
}

/** A response to `query` with this rcode, flags and answers; the question echoed unless `questions` says otherwise. */
export function response(query: HostileQuery, options: { rcode?: number; tc?: boolean; answers?: Answer[]; id?: number; name?: string } = {}): Buffer {
  const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (options.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) | (options.rcode ?? 0);
  return dnsPacket.encode({
    type: 'response',
    id: options.id ?? query.id,
    flags,
    questions: [{ type: query.type as 'A', name: options.name ?? query.name, class: 'IN' }],
    answers: options.answers ?? [],
  });
}

/** Length-prefixes a DNS message for TCP (RFC 1035 4.2.2). */
export const framed = framedTcpMessage;

function parse(raw: Buffer): HostileQuery | null {
  try {
    const packet = dnsPacket.decode(raw);
    const question = packet.questions?.[0];
    return { packet, raw, id: packet.id ?? 0, name: question?.name ?? '', type: question?.type ?? 'A' };
  } catch {
    return null;
  }
}

/** Starts the peer on 127.0.0.1, port 0 (UDP and TCP on the same port). Close it in t.after. */
export async function startHostileDns(behaviour: HostileBehaviour): Promise<HostileDns> {
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket('udp4');
    udp.on('error', () => undefined);
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    const port = udp.address().port;
    const sockets = new Set<net.Socket>();
    let closed = false;
    const tcp = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      onTcpMessages(socket, (raw) => {
        const query = parse(raw);
        if (query === null) return;
        const send: Send = (message) => {
          if (!socket.destroyed) socket.write(framed(message));
        };
        if (behaviour.tcp) behaviour.tcp(query, send, socket);
        else socket.destroy();
      });
    });
    const listening =
      behaviour.tcpClosed === true ||
      (await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(port, '127.0.0.1', () => resolve(true));
      }));
    if (!listening) {
      udp.close();
      if (attempt >= 10) throw new Error('no loopback port free for UDP and TCP at once');
      continue;
    }
    udp.on('message', (raw, peer) => {
      const query = parse(raw);
      if (query === null) return;
      // A delayed answer may come after close(): dropped, as a closed server would.
      behaviour.udp(query, (message) => {
        if (!closed) udp.send(message, peer.port, peer.address);
      });
    });
    return {
      server: `127.0.0.1:${port}`,
      close: async () => {
        closed = true;
        for (const socket of sockets) socket.destroy();
        const tcpClosed = behaviour.tcpClosed === true ? Promise.resolve() : new Promise<void>((resolve) => tcp.close(() => resolve()));
        await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), tcpClosed]);
      },
    };
  }
}
