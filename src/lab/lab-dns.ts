// The lab's DNS server: UDP and TCP on one loopback port, answering only from the lab's records
// (lab-network.ts) and never asking anyone else. It follows CNAMEs inside its own records the way
// a recursive resolver would, so amlprobe sees the same chains as behind Azure DNS:
// name -> CNAME name.privatelink.zone -> A 10.1.0.x.

import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';
import { framedTcpMessage, onTcpMessages } from '../dns/tcp-framing.js';
import type { LabRecord } from './lab-network.js';

/** A running lab DNS server. */
export interface LabDnsServer {
  /** "127.0.0.1:PORT", as RunSettings.dnsServers takes it. */
  server: string;
  port: number;
  close(): Promise<void>;
}

const NOERROR = 0;
const NXDOMAIN = 3;
const FORMERR = 1;
/** A CNAME loop in the records is a lab bug; stop rather than spin. */
const MAX_CHAIN = 8;
const TTL_CNAME = 300;
const TTL_A = 10;

/** The rcode and answer records for one question, CNAMEs followed. */
function lookup(records: ReadonlyMap<string, LabRecord>, name: string, type: string): { rcode: number; answers: Answer[]; truncated?: boolean } {
  const answers: Answer[] = [];
  let current = name.toLowerCase().replace(/\.$/, '');
  for (let hop = 0; hop < MAX_CHAIN; hop += 1) {
    const record = records.get(current);
    if (record === undefined || record.kind === 'nxdomain') return { rcode: NXDOMAIN, answers };
    if (record.kind === 'truncated') return { rcode: NOERROR, answers, truncated: true };
    if (record.kind === 'cname') {
      answers.push({ type: 'CNAME', name: current, ttl: TTL_CNAME, data: record.target });
      current = record.target;
      continue;
    }
    // An A record: the answer to A; any other type of an existing name is NODATA.
    if (type === 'A') answers.push({ type: 'A', name: current, ttl: TTL_A, data: record.address });
    return { rcode: NOERROR, answers };
  }
  return { rcode: 2, answers: [] }; // SERVFAIL
}

/** The response to one raw query, or null for bytes that are not a DNS query. */
function respond(records: ReadonlyMap<string, LabRecord>, raw: Buffer): Buffer | null {
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return null;
  }
  if (query.type !== 'query') return null;
  const question = query.questions?.[0];
  const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
  if (question === undefined) return dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: flags | FORMERR, questions: [] });
  // The root (a resolver health check) exists and has nothing to say.
  const { rcode, answers, truncated } = question.name === '' || question.name === '.' ? { rcode: NOERROR, answers: [] } : lookup(records, question.name, question.type);
  const tc = truncated === true ? dnsPacket.TRUNCATED_RESPONSE : 0;
  return dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: flags | tc | rcode, questions: [question], answers });
}

/** Binds UDP on an ephemeral loopback port and TCP on the same port, retrying if TCP's is taken. */
async function bindBoth(host: string): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
  for (let attempt = 0; ; attempt += 1) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => {
        udp.removeListener('error', reject);
        resolve();
      });
    });
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, host, () => {
          tcp.removeListener('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (error) {
      udp.close();
      if (attempt >= 10) throw error;
    }
  }
}

/**
 * Starts the lab's DNS server on 127.0.0.1, answering from `records`. With a truncated record
 * planted its TCP side is closed once the port is found (the 'dns-tcp-blocked' fault): the retry
 * over TCP is refused, as a firewall that allows only UDP 53 would answer it.
 */
export async function startLabDns(records: ReadonlyMap<string, LabRecord>): Promise<LabDnsServer> {
  const host = '127.0.0.1';
  const { udp, tcp } = await bindBoth(host);
  if ([...records.values()].some((r) => r.kind === 'truncated')) tcp.close();
  const sockets = new Set<net.Socket>();
  // A client that vanished before its answer (ICMP unreachable back to us) must not crash the lab.
  udp.on('error', () => undefined);
  udp.on('message', (raw, peer) => {
    const answer = respond(records, raw);
    if (answer !== null) udp.send(answer, peer.port, peer.address);
  });

  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onTcpMessages(socket, (raw) => {
      const answer = respond(records, raw);
      if (answer !== null) socket.write(framedTcpMessage(answer));
    });
  });

  const port = udp.address().port;
  return {
    server: `${host}:${port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}
