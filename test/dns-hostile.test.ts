// Hostile DNS peers on loopback (issue 11): a server that stalls, trickles, floods, lies about ids
// and questions, loops its compression pointers or CNAMEs, sends too much or half a message, or
// answers "does not exist" with addresses anyway. Each case runs the real engine on a dns://
// endpoint and asserts the reason AND that the run ended within its deadline (plus the engine's
// fence). The peers are raw bytes from test/helpers/hostile-dns.ts.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import type { Answer } from 'dns-packet';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import type { Reason } from '../src/model/reason.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { DnsData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import { response, startHostileDns, type HostileBehaviour } from './helpers/hostile-dns.js';
import { testSettings } from './helpers/settings.js';

const TIMEOUT_MS = 400;
const DEADLINE_MS = 2500;
/**
 * The engine stops waiting 250 ms after the deadline (src/engine/run-endpoints.ts); the rest is room for a loaded
 * machine. The stalling cases would otherwise run for their 10 s timeout.
 */
const FENCE_MS = 1500;

const NXDOMAIN = 3;
const SERVFAIL = 2;
const REFUSED = 5;

const a = (name: string, data: string): Answer => ({ type: 'A', name, ttl: 60, data });
const cname = (name: string, data: string): Answer => ({ type: 'CNAME', name, ttl: 60, data });
/** Answers A queries with `answers` (NOERROR), AAAA with nothing. */
const answerA = (answers: (name: string) => Answer[]): HostileBehaviour['udp'] => (q, send) =>
  send(response(q, { answers: q.type === 'A' ? answers(q.name) : [] }));

/** A pointer loop: the question's name is a compression pointer to itself (offset 12). */
function pointerLoop(id: number): Buffer {
  const header = Buffer.from([id >> 8, id & 0xff, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  return Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1])]);
}

interface Case {
  case: string;
  behaviour: HostileBehaviour;
  reason: Reason;
  message?: RegExp;
  timeoutMs?: number;
  check?: (dns: LayerResult) => void;
}

const CASES: Case[] = [
  { case: 'stall: never answers', behaviour: { udp: () => undefined }, reason: 'dns_timeout', message: /no DNS answer within 400 ms/ },
  {
    case: 'garbage bytes instead of DNS',
    behaviour: { udp: (_q, send) => send(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')) },
    reason: 'dns_error',
    check: (dns) => assert.match(dns.detail ?? '', /sent no valid DNS answer within 400 ms \(\d+ packets? that (is|are) not DNS/),
  },
  {
    case: 'wrong ids only (a flood of 200 per query)',
    behaviour: { udp: (q, send) => { for (let i = 1; i <= 200; i++) send(response(q, { id: (q.id + i) & 0xffff, answers: [a(q.name, '10.9.9.9')] })); } },
    reason: 'dns_timeout',
    check: (dns) => assert.ok(((dns.data as DnsData).direct?.[0]?.ignoredResponses ?? 0) >= 200, JSON.stringify((dns.data as DnsData).direct)),
  },
  {
    case: 'wrong ids, then the real answer',
    behaviour: { udp: (q, send) => { for (let i = 1; i <= 50; i++) send(response(q, { id: (q.id + i) & 0xffff, answers: [a(q.name, '10.9.9.9')] })); answerA((n) => [a(n, '10.1.2.3')])(q, send); } },
    reason: 'ok',
    check: (dns) => assert.deepEqual((dns.data as DnsData).addresses.map((x) => x.address), ['10.1.2.3']),
  },
  {
    case: 'an answer to another question',
    behaviour: { udp: (q, send) => send(response(q, { name: `evil.${q.name}`, answers: [a(`evil.${q.name}`, '10.6.6.6')] })) },
    reason: 'dns_timeout',
  },
  { case: 'compression pointer loop', behaviour: { udp: (q, send) => send(pointerLoop(q.id)) }, reason: 'dns_error' },
  {
    case: 'half a message (cut in the answer section)',
    behaviour: { udp: (q, send) => { const full = response(q, { answers: [a(q.name, '10.1.2.3')] }); send(full.subarray(0, full.length - 3)); } },
    reason: 'dns_error',
  },
  {
    case: 'oversized answer: 2,000 A records over TCP after TC',
    behaviour: {
      udp: (q, send) => send(response(q, { tc: true })),
      tcp: (q, send) => send(response(q, { answers: q.type === 'A' ? Array.from({ length: 2000 }, (_, i) => a(q.name, `10.${(i >> 8) & 255}.${i & 255}.1`)) : [] })),
    },
    reason: 'ok',
    check: (dns) => {
      const data = dns.data as DnsData;
      assert.equal(data.direct?.[0]?.addresses.length, 32, 'a bounded number of records is kept');
      assert.ok((dns.detail ?? '').length < 1000, `detail of ${(dns.detail ?? '').length} chars`);
    },
  },
  {
    case: 'TC flood over UDP, TCP accepts and never answers',
    behaviour: { udp: (q, send) => { for (let i = 0; i < 50; i++) send(response(q, { tc: true })); }, tcp: () => undefined },
    reason: 'dns_timeout',
    message: /no DNS answer within 400 ms/,
  },
  {
    case: 'trickle over TCP: one byte every 100 ms',
    behaviour: {
      udp: (q, send) => send(response(q, { tc: true })),
      tcp: (q, _send, socket) => {
        const message = response(q, { answers: [a(q.name, '10.1.2.3')] });
        const bytes = Buffer.concat([Buffer.from([message.length >> 8, message.length & 255]), message]);
        let i = 0;
        const timer = setInterval(() => (i < bytes.length && !socket.destroyed ? socket.write(bytes.subarray(i, ++i)) : clearInterval(timer)), 100);
        socket.on('close', () => clearInterval(timer));
      },
    },
    reason: 'dns_timeout',
    check: (dns) => assert.match(dns.detail ?? '', /over TCP \(the UDP answer was truncated\) within 400 ms/),
  },
  {
    case: 'TCP closed at once after TC',
    behaviour: { udp: (q, send) => send(response(q, { tc: true })), tcp: (_q, _send, socket) => socket.destroy() },
    reason: 'dns_error',
    check: (dns) => assert.match(dns.detail ?? '', /closed the TCP connection without a valid answer/),
  },
  {
    case: 'TC over UDP for A and AAAA, TCP refused (issue 13)',
    behaviour: { udp: (q, send) => send(response(q, { tc: true })), tcpClosed: true },
    reason: 'dns_tcp_blocked',
    message: /^TCP 53 to 127\.0\.0\.1:\d+ blocked \(UDP answer truncated\)$/,
    check: (dns) => assert.match(dns.detail ?? '', /truncated its UDP answer to the A query and the retry over TCP got no answer \(.*connection refused\): TCP port \d+ to the DNS server is blocked/),
  },
  {
    case: 'A truncated with TCP refused, AAAA empty: the verdict is about A, not nodata (issue 13)',
    behaviour: { udp: (q, send) => send(response(q, { tc: q.type === 'A' })), tcpClosed: true },
    reason: 'dns_tcp_blocked',
    check: (dns) => {
      const direct = (dns.data as DnsData).direct?.[0];
      assert.equal(direct?.reason, 'dns_tcp_blocked', JSON.stringify(direct));
      assert.equal(direct?.rcode, null);
      assert.match(direct?.message ?? '', /A query .*TCP port \d+ to the DNS server is blocked; AAAA query: .*NOERROR with no AAAA record/);
    },
  },
  {
    case: 'A times out, AAAA empty: the verdict is about A (issue 13)',
    behaviour: { udp: (q, send) => (q.type === 'A' ? undefined : send(response(q))) },
    reason: 'dns_timeout',
    check: (dns) => assert.equal((dns.data as DnsData).direct?.[0]?.rcode, null),
  },
  {
    case: 'A empty, AAAA times out: still nodata (the A answer is definitive)',
    behaviour: { udp: (q, send) => (q.type === 'AAAA' ? undefined : send(response(q))) },
    reason: 'nodata',
  },
  {
    case: 'answer flood: 2,000 copies of the answer',
    behaviour: { udp: (q, send) => { for (let i = 0; i < 2000; i++) answerA((n) => [a(n, '10.1.2.3')])(q, send); } },
    reason: 'ok',
  },
  {
    case: 'CNAME loop',
    behaviour: { udp: answerA((n) => [cname(n, 'loop-b.test'), cname('loop-b.test', n)]) },
    reason: 'nodata',
  },
  {
    case: 'CNAME chain of 300 links before the address',
    behaviour: {
      udp: answerA((n) => [...Array.from({ length: 300 }, (_, i) => cname(i === 0 ? n : `c${i}.test`, `c${i + 1}.test`)), a('c300.test', '10.1.2.3')]),
    },
    reason: 'nodata',
    check: (dns) => assert.equal((dns.data as DnsData).direct?.[0]?.cname.length, 16, 'the chain is followed 16 links at most'),
  },
  { case: 'NXDOMAIN with an A record', behaviour: { udp: (q, send) => send(response(q, { rcode: NXDOMAIN, answers: [a(q.name, '127.0.0.1')] })) }, reason: 'nxdomain' },
  { case: 'SERVFAIL with an A record', behaviour: { udp: (q, send) => send(response(q, { rcode: SERVFAIL, answers: [a(q.name, '127.0.0.1')] })) }, reason: 'servfail' },
  { case: 'REFUSED with an A record', behaviour: { udp: (q, send) => send(response(q, { rcode: REFUSED, answers: [a(q.name, '127.0.0.1')] })) }, reason: 'dns_refused' },
  { case: 'stall past the run deadline', behaviour: { udp: () => undefined }, reason: 'deadline', timeoutMs: 10_000 },
];

const dnsTarget = (host: string, overrides: Partial<Endpoint> = {}): Endpoint => ({ id: host, host, port: 0, protocol: 'dns', path: '', required: true, expect: {}, ...overrides });

describe('hostile DNS peers', () => {
  for (const c of CASES) {
    test(`${c.case} -> ${c.reason}, within the deadline`, async (t) => {
      const peer = await startHostileDns(c.behaviour);
      t.after(() => peer.close());
      const settings = testSettings({ dnsServers: [peer.server], dnsServersExplicit: true, timeoutMs: c.timeoutMs ?? TIMEOUT_MS, deadlineMs: DEADLINE_MS });
      const outcome = await runEndpoints([dnsTarget('victim.test')], settings);
      const dns = outcome.results[0]?.checks[0];
      assert.ok(dns !== undefined);
      assert.equal(dns.reason, c.reason, `${dns.message} | ${dns.detail ?? ''}`);
      if (c.message) assert.match(dns.message, c.message);
      c.check?.(dns);
      assert.ok(outcome.durationMs <= DEADLINE_MS + FENCE_MS, `run took ${outcome.durationMs} ms`);
    });
  }

  test('NXDOMAIN with an A record: TCP never connects to that address', async (t) => {
    let connections = 0;
    const listener: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    t.after(() => listener.close());
    const port = (listener.address() as { port: number }).port;
    const peer = await startHostileDns({ udp: (q, send) => send(response(q, { rcode: NXDOMAIN, answers: q.type === 'A' ? [a(q.name, '127.0.0.1')] : [] })) });
    t.after(() => peer.close());
    const settings = testSettings({ dnsServers: [peer.server], dnsServersExplicit: true });
    const outcome = await runEndpoints([dnsTarget('victim.test', { protocol: 'tcp', port })], settings);
    const [dns, tcp] = outcome.results[0]?.checks ?? [];
    assert.equal(dns?.reason, 'nxdomain', dns?.message);
    assert.equal((dns?.data as DnsData).direct?.[0]?.rcode, 'NXDOMAIN', 'the real rcode is recorded');
    assert.deepEqual((dns?.data as DnsData).addresses, []);
    assert.equal(tcp?.reason, 'skipped');
    assert.equal(outcome.results[0]?.address, null);
    assert.equal(connections, 0);
  });
});
