// What a DNS exchange with one server is made of: query messages, deciding whether a response
// answers our question, and the exchange over TCP (UDP lives in udp-channel.ts). Like real stub
// resolvers (glibc res_send, c-ares), a packet that is not the answer to our question is dropped
// and we keep listening until the deadline: a stray or spoofed message must neither end the query
// nor be believed. Every exit path closes the socket and detaches from the deadline.

import net from 'node:net';
import dnsPacket, { type Packet, type RecordType } from 'dns-packet';
import type { QueryDeadline } from './query-deadline.js';
import { randomQueryId } from './query-id.js';
import type { DnsServerAddress } from './server-address.js';
import { formatDnsServer } from './server-address.js';
import { socketFailure } from './socket-failure.js';
import type { DnsResponse, ExchangeResult } from './exchange-result.js';

/** What is asked: a name and a record type. */
export interface QueryQuestion {
  name: string;
  type: RecordType;
}

/** The question a response must echo back, with the id of the query that asked it. */
export interface ExpectedQuestion extends QueryQuestion {
  id: number;
}

/** Packets dropped because they did not answer our question, by cause. */
export interface IgnoredCounts {
  wrongId: number;
  wrongQuestion: number;
  /** Undecodable bytes, or a decodable message that is not a response (an echo of our query). */
  notDns: number;
}

export type { DnsResponse, ExchangeResult } from './exchange-result.js';

const normalizeName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/**
 * Decodes a DNS message; throws when it is not one. dns-packet reads past the end of a message cut
 * short inside a record without complaint (an A record cut after one byte decodes as
 * "10.undefined.undefined.undefined"), but it counts what it read: more than the message holds is
 * a truncated message, not an answer.
 */
export function decodeMessage(message: Buffer): DnsResponse {
  const packet = dnsPacket.decode(message) as DnsResponse;
  if (dnsPacket.decode.bytes > message.length) throw new RangeError(`DNS message of ${message.length} bytes ends inside a record`);
  return packet;
}

/** Decodes a datagram or TCP message as a DNS response; null when it is not one (junk, or a query echoed back). */
function decodeResponse(message: Buffer): DnsResponse | null {
  try {
    const packet = decodeMessage(message);
    return packet.flag_qr ? packet : null;
  } catch {
    return null;
  }
}

/** True when a response's question section is the expected question (its id is checked by the caller). */
export function echoesQuestion(packet: DnsResponse, expected: ExpectedQuestion): boolean {
  const questions = packet.questions ?? [];
  // Error answers (FORMERR above all) may legitimately omit the question section (RFC 6891 6.1.3
  // pre-EDNS servers, glibc accepts them too); a NOERROR answer must echo our question.
  if (questions.length === 0 && packet.rcode !== 'NOERROR') return true;
  const question = questions[0];
  return (
    questions.length === 1 &&
    question !== undefined &&
    normalizeName(question.name) === normalizeName(expected.name) &&
    question.type === expected.type &&
    (question.class ?? 'IN') === 'IN'
  );
}

/** Decides whether a message answers the expected question; counts it in `ignored` when not. */
function matchResponse(message: Buffer, expected: ExpectedQuestion, ignored: IgnoredCounts): DnsResponse | null {
  const packet = decodeResponse(message);
  if (packet === null) {
    ignored.notDns++;
    return null;
  }
  if (packet.id !== expected.id) {
    ignored.wrongId++;
    return null;
  }
  if (!echoesQuestion(packet, expected)) {
    ignored.wrongQuestion++;
    return null;
  }
  return packet;
}

/** A query message with a random id (RFC 5452), unless the caller picks the id. */
export function buildQuery(question: QueryQuestion, id = randomQueryId()): { packet: Packet; id: number } {
  return { id, packet: { type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: question.type, name: question.name, class: 'IN' }] } };
}

/** The result of an exchange whose deadline fired: its own time limit, or the caller's abort. */
export function abortResult(deadline: QueryDeadline, server: string, transport: string): ExchangeResult {
  const failure = deadline.cause();
  return failure === 'timeout'
    ? { kind: 'fail', failure, message: `no answer from ${server} over ${transport}` }
    : { kind: 'fail', failure, message: `query to ${server} over ${transport} aborted` };
}

/** Sends one length-prefixed query on a fresh TCP connection (RFC 1035 4.2.2, RFC 7766) and waits for the answer. */
export function exchangeTcp(
  target: DnsServerAddress,
  question: QueryQuestion,
  deadline: QueryDeadline,
  ignored: IgnoredCounts,
): Promise<ExchangeResult> {
  const server = formatDnsServer(target);
  const { packet: query, id } = buildQuery(question);
  const expected: ExpectedQuestion = { id, ...question };
  return new Promise((resolve) => {
    if (deadline.aborted) return resolve(abortResult(deadline, server, 'TCP'));
    deadline.start();
    const socket = net.connect({ host: target.host, port: target.port });
    let settled = false;
    let connected = false;
    let buffered = Buffer.alloc(0);
    let detach = (): void => {};
    const finish = (result: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      detach();
      socket.destroy();
      // Whether TCP 53 was reachable at all is what tells a blocked port from a broken server.
      resolve(result.kind === 'fail' && !connected ? { ...result, beforeConnect: true } : result);
    };
    detach = deadline.onFire(() => finish(abortResult(deadline, server, 'TCP')));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(socketFailure(error, server, 'TCP')));
    socket.on('close', () => {
      finish({ kind: 'fail', failure: 'error', message: `${server} closed the TCP connection without a valid answer` });
    });
    socket.on('connect', () => {
      connected = true;
      socket.write(dnsPacket.streamEncode(query));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      // A server may send several messages on one connection; judge each complete one.
      while (!settled && buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        const packet = matchResponse(message, expected, ignored);
        if (packet !== null) finish({ kind: 'answer', packet });
      }
    });
  });
}
