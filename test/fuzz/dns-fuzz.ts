// A DNS answer fuzzer: a real UDP/TCP server on loopback answers each query with a mutated answer
// (bit flips, cut messages, wrong counts, compression pointers, garbage, floods, wrong ids, odd
// rcodes and flags, TC over TCP, lying length prefixes), and amlprobe's resolver (queryDirect) must
// never throw, never take longer than its timeout plus a small slack, and always return a known
// reason with only real addresses. Every case is reproducible from (seed, case number) alone: the
// case number travels in the queried name, so cases run concurrently on one server.
// Used by test/dns-fuzz.test.ts (a few hundred cases) and bench/fuzz-dns.mjs (100,000+).

import { performance } from 'node:perf_hooks';
import { isIP } from 'node:net';
import type { Answer } from 'dns-packet';
import { queryDirect } from '../../src/dns/wire-query.js';
import type { Reason } from '../../src/model/reason.js';
import type { DirectAnswer } from '../../src/model/evidence.js';
import { mulberry32 } from './mulberry32.js';
import { framed, response, startHostileDns, type HostileQuery, type Send } from '../helpers/hostile-dns.js';

// dns_tcp_blocked: a truncated answer whose TCP retry did not connect within the timeout (on a
// loaded machine the fuzz server's TCP accept can be that late); one of the resolver's own verdicts.
/** What a direct answer may say; anything else is a finding. */
export const KNOWN_REASONS: ReadonlySet<Reason> = new Set<Reason>(['ok', 'nxdomain', 'nodata', 'servfail', 'dns_refused', 'dns_timeout', 'dns_error', 'dns_tcp_blocked']);

/** A case that broke a promise. */
export interface FuzzFailure {
  caseNumber: number;
  problem: string;
}

/** Options of one fuzz run. */
export interface FuzzOptions {
  seed: number;
  /** First case number and how many. */
  first: number;
  cases: number;
  /** The resolver's timeout per query, ms. */
  timeoutMs: number;
  /** Cases in flight at once (two queries each; keep it under the 100 UDP slots per server). */
  parallel: number;
  /** How far past its timeout an answer may come (event-loop lag on a loaded machine), ms. */
  slackMs: number;
  onProgress?: (done: number) => void;
  /** Sees every answer (the bench prints it when replaying one case). */
  onAnswer?: (caseNumber: number, answer: DirectAnswer) => void;
}

/** The outcome of a fuzz run. */
export interface FuzzReport {
  cases: number;
  failures: FuzzFailure[];
  reasons: Record<string, number>;
  ms: number;
}


/** One generator per (seed, case, query type, transport): the same bytes every time. */
function rngFor(seed: number, caseNumber: number, salt: string): () => number {
  let h = (seed ^ Math.imul(caseNumber, 0x9e3779b1)) >>> 0;
  for (const ch of salt) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return mulberry32(h);
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: () => number, max: number): number => Math.floor(rng() * max);

/** A plausible answer before mutation: an rcode, addresses, maybe a CNAME chain, maybe TC. */
function baseAnswer(rng: () => number, q: HostileQuery): Buffer {
  const answers: Answer[] = [];
  let name = q.name;
  for (let i = int(rng, 4) === 0 ? int(rng, 20) : 0; i > 0; i--) {
    const next = int(rng, 5) === 0 ? q.name : `c${i}.${q.name}`;
    answers.push({ type: 'CNAME', name, ttl: 60, data: next });
    name = next;
  }
  for (let i = int(rng, 6); i > 0; i--) {
    const type = int(rng, 3) === 0 ? (q.type === 'A' ? 'AAAA' : 'A') : q.type;
    answers.push(type === 'AAAA' ? { type, name, ttl: 60, data: `fd00::${int(rng, 65535).toString(16)}` } : { type: 'A', name, ttl: 60, data: `10.${int(rng, 256)}.${int(rng, 256)}.${int(rng, 256)}` });
  }
  if (int(rng, 8) === 0) answers.push({ type: 'TXT', name, ttl: 60, data: 'x'.repeat(int(rng, 300)) });
  const rcode = int(rng, 3) === 0 ? int(rng, 16) : 0;
  return response(q, { rcode, tc: int(rng, 10) === 0, answers, ...(int(rng, 20) === 0 ? { id: int(rng, 65536) } : {}) });
}

/** Applies 0-4 byte-level mutations. */
function mutate(rng: () => number, message: Buffer): Buffer {
  let bytes = Buffer.from(message);
  for (let n = int(rng, 5); n > 0; n--) {
    const at = int(rng, Math.max(1, bytes.length));
    switch (int(rng, 8)) {
      case 0: // flip a bit, but never in the id (a wrong id is its own mutation)
        if (at >= 2 && at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << int(rng, 8));
        break;
      case 1: // a random byte
        if (at >= 2 && at < bytes.length) bytes[at] = int(rng, 256);
        break;
      case 2: // cut short
        bytes = bytes.subarray(0, at);
        break;
      case 3: // trailing junk
        bytes = Buffer.concat([bytes, Buffer.from(Array.from({ length: int(rng, 64) }, () => int(rng, 256)))]);
        break;
      case 4: // a count that lies (qdcount, ancount, nscount or arcount)
        if (bytes.length >= 12) bytes.writeUInt16BE(pick(rng, [0, 1, 2, 255, 65535, int(rng, 65536)]), 4 + 2 * int(rng, 4));
        break;
      case 5: // a compression pointer anywhere (loops, forward pointers, past the end)
        if (at >= 12 && at + 1 < bytes.length) bytes.writeUInt16BE(0xc000 | int(rng, Math.max(1, bytes.length + 16)), at);
        break;
      case 6: // flags: QR, opcode, TC, rcode at random
        if (bytes.length >= 4) bytes.writeUInt16BE(int(rng, 65536) | 0x8000, 2);
        break;
      default: // a label length byte pointing past the end
        if (at >= 12 && at < bytes.length) bytes[at] = 63;
    }
  }
  return bytes;
}

/** What the server sends for one query of one case. */
function answerCase(seed: number, caseNumber: number, q: HostileQuery, transport: 'udp' | 'tcp', send: Send, raw?: (bytes: Buffer) => void): void {
  const rng = rngFor(seed, caseNumber, `${q.type}/${transport}`);
  const style = int(rng, 20);
  if (style === 0) return; // silence
  if (style === 1) return send(Buffer.from(Array.from({ length: int(rng, 600) }, () => int(rng, 256)))); // garbage
  const copies = style === 2 ? 1 + int(rng, 50) : 1; // a flood of (mutated) answers
  for (let i = 0; i < copies; i++) {
    const message = int(rng, 3) === 0 ? baseAnswer(rng, q) : mutate(rng, baseAnswer(rng, q));
    if (transport === 'tcp' && raw !== undefined && int(rng, 6) === 0) {
      // A length prefix that lies, or a message split at a random point.
      const framedMessage = framed(message);
      if (int(rng, 2) === 0) framedMessage.writeUInt16BE(int(rng, 65536), 0);
      raw(framedMessage);
    } else {
      send(message);
    }
  }
}

const CASE_NAME = /^case(\d+)\.fuzz\.test$/;

/** Runs cases [first, first + cases) against one fuzzing server; never rejects for a finding. */
export async function runDnsFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { seed, timeoutMs, slackMs } = options;
  const caseOf = (q: HostileQuery): number | undefined => {
    const match = CASE_NAME.exec(q.name);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const peer = await startHostileDns({
    udp: (q, send) => {
      const n = caseOf(q);
      if (n !== undefined) answerCase(seed, n, q, 'udp', send);
    },
    tcp: (q, send, socket) => {
      const n = caseOf(q);
      if (n !== undefined) answerCase(seed, n, q, 'tcp', send, (bytes) => socket.write(bytes));
    },
  });
  const failures: FuzzFailure[] = [];
  const reasons: Record<string, number> = {};
  const started = performance.now();
  let next = options.first;
  let done = 0;
  const end = options.first + options.cases;
  const signal = new AbortController().signal;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const caseNumber = next++;
      const t0 = performance.now();
      let answer: DirectAnswer;
      try {
        answer = await queryDirect(peer.server, `case${caseNumber}.fuzz.test`, timeoutMs, signal);
      } catch (error) {
        failures.push({ caseNumber, problem: `threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
        continue;
      }
      const took = performance.now() - t0;
      options.onAnswer?.(caseNumber, answer);
      reasons[answer.reason] = (reasons[answer.reason] ?? 0) + 1;
      const problem = judge(answer, took, timeoutMs + slackMs);
      if (problem !== undefined) failures.push({ caseNumber, problem });
      done++;
      if (done % 1000 === 0) options.onProgress?.(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.parallel }, worker));
  } finally {
    await peer.close();
  }
  return { cases: options.cases, failures, reasons, ms: Math.round(performance.now() - started) };
}

/** The promises one answer must keep; undefined when it keeps them all. */
function judge(answer: DirectAnswer, took: number, limitMs: number): string | undefined {
  if (!KNOWN_REASONS.has(answer.reason)) return `unknown reason ${answer.reason}: ${answer.message}`;
  if (took > limitMs) return `took ${Math.round(took)} ms (limit ${limitMs} ms): ${answer.reason} ${answer.message}`;
  if (answer.reason === 'ok' && answer.rcode !== 'NOERROR') return `ok with rcode ${answer.rcode}`;
  if (answer.reason !== 'ok' && answer.addresses.length > 0) return `${answer.reason} with addresses ${answer.addresses.map((r) => r.data).join(', ')}`;
  for (const record of answer.addresses) {
    if (isIP(record.data) !== (record.type === 'A' ? 4 : 6)) return `not an ${record.type} address: ${JSON.stringify(record.data)}`;
  }
  if (answer.addresses.length > 32) return `${answer.addresses.length} addresses kept`;
  if (answer.message.length > 4000) return `message of ${answer.message.length} characters`;
  if (answer.cname.length > 16) return `CNAME chain of ${answer.cname.length}`;
  return undefined;
}
