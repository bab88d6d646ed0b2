// A real DNS server for tests: UDP and TCP on the same loopback port, answering from a table of
// names -> behaviour, including the broken ones (wrong id, wrong question, silence, garbage).

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Question } from 'dns-packet';
import { framedTcpMessage, onTcpMessages } from '../../src/dns/tcp-framing.js';

/** Rcodes the table can answer with. */
export type TestRcode = 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP';

/** How the server treats a query for one name (and optionally one type). */
export type Behaviour =
  /** NOERROR with these records (only the queried type is sent; none of it -> NODATA). */
  | { kind: 'records'; a?: string[]; aaaa?: string[]; ttl?: number }
  /** A CNAME to `target`, followed inside the table like a recursive resolver does. */
  | { kind: 'cname'; target: string; ttl?: number }
  /** NOERROR, empty answer section. */
  | { kind: 'nodata' }
  | { kind: 'rcode'; rcode: TestRcode }
  /** Over UDP: TC bit and no answers; over TCP: the records. */
  | { kind: 'truncated'; a?: string[]; aaaa?: string[]; ttl?: number }
  /** A response with a different id; then, optionally, the real answer. */
  | { kind: 'wrong-id'; then?: Behaviour }
  /** A response for another name; then, optionally, the real answer. */
  | { kind: 'wrong-question'; then?: Behaviour }
  /** No answer at all. */
  | { kind: 'silent' }
  /** Bytes that are not DNS. */
  | { kind: 'garbage' }
  /** The query itself sent back (QR bit clear): what a UDP echo service does. */
  | { kind: 'echo' };

/** Keys are lower-case names ("example.test"), or "name/TYPE" ("example.test/AAAA") to override one type. */
export type Zone = Record<string, Behaviour>;

/** One query the server received. */
export interface LoggedQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  id: number;
}

/** A running test DNS server. */
export interface TestDnsServer {
  address: string;
  port: number;
  /** "127.0.0.1:PORT" or "[::1]:PORT", as --dns-server takes it. */
  server: string;
  queries: LoggedQuery[];
  close: () => Promise<void>;
}

const RCODES: Record<TestRcode | 'NOERROR', number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/** Garbage that dns-packet cannot decode (an HTTP answer, as a confused middlebox might send). */
export const GARBAGE = Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n');

const MAX_CHAIN = 16;

function behaviourFor(zone: Zone, name: string, type: string): Behaviour | undefined {
  // The root is "." in the table; other names have no trailing dot.
  const key = name === '.' || name === '' ? '.' : name.toLowerCase().replace(/\.$/, '');
  return zone[`${key}/${type}`] ?? zone[key];
}

/** Resolves name/type through the table, following CNAMEs; returns rcode and answer records. */
function resolve(zone: Zone, name: string, type: string, full: boolean): { rcode: number; answers: Answer[]; truncated: boolean } {
  const answers: Answer[] = [];
  const visited = new Set<string>();
  let current = name;
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    // A CNAME loop is sent as it is (NOERROR), so that the client's own loop guard is what is tested.
    if (visited.has(current.toLowerCase())) return { rcode: 0, answers, truncated: false };
    visited.add(current.toLowerCase());
    const behaviour = behaviourFor(zone, current, type) ?? { kind: 'rcode', rcode: 'NXDOMAIN' };
    switch (behaviour.kind) {
      case 'cname':
        answers.push({ type: 'CNAME', name: current, ttl: behaviour.ttl ?? 300, data: behaviour.target });
        current = behaviour.target;
        continue;
      case 'records':
      case 'truncated': {
        if (behaviour.kind === 'truncated' && !full) return { rcode: 0, answers: [], truncated: true };
        const list = type === 'A' ? behaviour.a : type === 'AAAA' ? behaviour.aaaa : undefined;
        for (const data of list ?? []) answers.push({ type: type as 'A' | 'AAAA', name: current, ttl: behaviour.ttl ?? 60, data });
        return { rcode: 0, answers, truncated: false };
      }
      case 'nodata':
        return { rcode: 0, answers, truncated: false };
      case 'rcode':
        return { rcode: RCODES[behaviour.rcode], answers, truncated: false };
      default:
        return { rcode: RCODES.NXDOMAIN, answers, truncated: false };
    }
  }
  return { rcode: RCODES.SERVFAIL, answers: [], truncated: false };
}

function encodeResponse(id: number, questions: Question[], rcode: number, answers: Answer[], truncated: boolean): Buffer {
  const flags =
    dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) | rcode;
  return dnsPacket.encode({ type: 'response', id, flags, questions, answers });
}

/** The messages to send for one query (none for silence). */
function respond(zone: Zone, query: DecodedPacket, raw: Buffer, transport: 'udp' | 'tcp', behaviour?: Behaviour): Buffer[] {
  const question = query.questions?.[0];
  const id = query.id ?? 0;
  if (question === undefined) return [encodeResponse(id, [], RCODES.FORMERR, [], false)];
  const top = behaviour ?? behaviourFor(zone, question.name, question.type);
  switch (top?.kind) {
    case 'silent':
      return [];
    case 'garbage':
      return [GARBAGE];
    case 'echo':
      return [raw];
    case 'wrong-id':
      return [
        encodeResponse((id + 1) & 0xffff, query.questions ?? [], 0, [], false),
        ...(top.then === undefined ? [] : respond(zone, query, raw, transport, top.then)),
      ];
    case 'wrong-question':
      return [
        encodeResponse(id, [{ ...question, name: `other-${question.name}` }], 0, [], false),
        ...(top.then === undefined ? [] : respond(zone, query, raw, transport, top.then)),
      ];
    default: {
      // A behaviour passed in via `then` is resolved as if it were the table entry for this name.
      const table = behaviour === undefined ? zone : { ...zone, [`${question.name.toLowerCase()}/${question.type}`]: behaviour };
      const { rcode, answers, truncated } = resolve(table, question.name, question.type, transport === 'tcp');
      return [encodeResponse(id, query.questions ?? [], rcode, answers, truncated)];
    }
  }
}

function decodeQuery(raw: Buffer): DecodedPacket | null {
  try {
    return dnsPacket.decode(raw);
  } catch {
    return null;
  }
}

async function bindBoth(host: string): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => resolve());
      });
      return { udp, tcp };
    } catch (error) {
      // The TCP side of this port is taken by someone else: try another port.
      udp.close();
      if (attempt >= 10) throw error;
    }
  }
}

/** Starts a DNS server on `host` (default 127.0.0.1), port 0, answering from `zone`. Close it in t.after. */
export async function startDnsServer(zone: Zone, host = '127.0.0.1'): Promise<TestDnsServer> {
  const { udp, tcp } = await bindBoth(host);
  const queries: LoggedQuery[] = [];
  const sockets = new Set<net.Socket>();
  const log = (query: DecodedPacket, transport: 'udp' | 'tcp'): void => {
    const q = query.questions?.[0];
    queries.push({ name: q?.name ?? '', type: q?.type ?? '', transport, id: query.id ?? 0 });
  };

  udp.on('message', (raw, peer) => {
    const query = decodeQuery(raw);
    if (query === null) return;
    log(query, 'udp');
    for (const message of respond(zone, query, raw, 'udp')) udp.send(message, peer.port, peer.address);
  });

  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onTcpMessages(socket, (raw) => {
      const query = decodeQuery(raw);
      if (query === null) return;
      log(query, 'tcp');
      for (const message of respond(zone, query, raw, 'tcp')) socket.write(framedTcpMessage(message));
    });
  });

  const port = udp.address().port;
  return {
    address: host,
    port,
    server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** A UDP port on 127.0.0.1 that was just bound and released: queries to it draw ICMP port unreachable. */
export async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
