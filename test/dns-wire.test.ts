// Direct queries (queryServer / queryDirect) against a real dns-packet server on loopback.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryDirect, queryServer } from '../src/dns/wire-query.js';
import { closedUdpPort, startDnsServer, type TestDnsServer, type Zone } from './helpers/dns-server.js';
import type { Reason } from '../src/model/reason.js';

const never = new AbortController().signal;
const TIMEOUT = 400;

const ZONE: Zone = {
  'a.test': { kind: 'records', a: ['10.0.0.5'], aaaa: ['fd00::5'], ttl: 120 },
  'v4only.test': { kind: 'records', a: ['10.0.0.7'] },
  'ws.workspace.eastus.api.azureml.ms': { kind: 'cname', target: 'ws.workspace.eastus.privatelink.api.azureml.ms', ttl: 300 },
  'ws.workspace.eastus.privatelink.api.azureml.ms': { kind: 'records', a: ['10.0.0.5'], ttl: 10 },
  'hop1.test': { kind: 'cname', target: 'Hop2.Test', ttl: 100 },
  'hop2.test': { kind: 'cname', target: 'hop3.test', ttl: 200 },
  'hop3.test': { kind: 'records', a: ['10.1.2.3'], aaaa: ['fd00::123'], ttl: 30 },
  'dangling.test': { kind: 'cname', target: 'missing.privatelink.test' },
  'loop1.test': { kind: 'cname', target: 'loop2.test' },
  'loop2.test': { kind: 'cname', target: 'loop1.test' },
  'nx.test': { kind: 'rcode', rcode: 'NXDOMAIN' },
  'empty.test': { kind: 'nodata' },
  'servfail.test': { kind: 'rcode', rcode: 'SERVFAIL' },
  'refused.test': { kind: 'rcode', rcode: 'REFUSED' },
  'formerr.test': { kind: 'rcode', rcode: 'FORMERR' },
  'notimp.test': { kind: 'rcode', rcode: 'NOTIMP' },
  'big.test': { kind: 'truncated', a: ['10.9.9.9'], aaaa: ['fd00::999'] },
  'silent.test': { kind: 'silent' },
  'garbage.test': { kind: 'garbage' },
  'echo.test': { kind: 'echo' },
  'wrongid.test': { kind: 'wrong-id' },
  'wrongq.test': { kind: 'wrong-question' },
  'wrongid-then-ok.test': { kind: 'wrong-id', then: { kind: 'records', a: ['10.0.0.8'], aaaa: [] } },
  'wrongq-then-ok.test': { kind: 'wrong-question', then: { kind: 'records', a: ['10.0.0.9'] } },
  // A says NXDOMAIN, AAAA says NOERROR/no data: an inconsistent server.
  'split.test/A': { kind: 'rcode', rcode: 'NXDOMAIN' },
  'split.test/AAAA': { kind: 'nodata' },
  // A answers, AAAA is dropped (a firewall that filters AAAA): still ok.
  'aaaa-dropped.test': { kind: 'records', a: ['10.0.0.10'] },
  'aaaa-dropped.test/AAAA': { kind: 'silent' },
  // A times out, AAAA says NXDOMAIN: the definitive rcode wins.
  'a-silent-nx.test/A': { kind: 'silent' },
  'a-silent-nx.test/AAAA': { kind: 'rcode', rcode: 'NXDOMAIN' },
  // Both fail differently: what the server said beats silence.
  'mixed-fail.test/A': { kind: 'silent' },
  'mixed-fail.test/AAAA': { kind: 'rcode', rcode: 'SERVFAIL' },
};

let dns: TestDnsServer;
before(async () => {
  dns = await startDnsServer(ZONE);
});
after(() => dns.close());

describe('queryDirect: every reason code from a real server', () => {
  const cases: { case: string; name: string; reason: Reason; rcode: string | null; addresses?: string[]; message: RegExp }[] = [
    { case: 'A and AAAA', name: 'a.test', reason: 'ok', rcode: 'NOERROR', addresses: ['10.0.0.5', 'fd00::5'], message: /answered 10\.0\.0\.5, fd00::5$/ },
    { case: 'A only (AAAA nodata)', name: 'v4only.test', reason: 'ok', rcode: 'NOERROR', addresses: ['10.0.0.7'], message: /10\.0\.0\.7/ },
    { case: 'case-insensitive question echo', name: 'A.TEST', reason: 'ok', rcode: 'NOERROR', addresses: ['10.0.0.5', 'fd00::5'], message: /10\.0\.0\.5/ },
    { case: 'NXDOMAIN', name: 'nx.test', reason: 'nxdomain', rcode: 'NXDOMAIN', message: /answered NXDOMAIN: nx\.test does not exist$/ },
    { case: 'unknown name', name: 'nothing.test', reason: 'nxdomain', rcode: 'NXDOMAIN', message: /NXDOMAIN/ },
    { case: 'NOERROR without records', name: 'empty.test', reason: 'nodata', rcode: 'NOERROR', message: /NOERROR with no A or AAAA record for empty\.test$/ },
    { case: 'SERVFAIL', name: 'servfail.test', reason: 'servfail', rcode: 'SERVFAIL', message: /answered SERVFAIL for servfail\.test/ },
    { case: 'REFUSED', name: 'refused.test', reason: 'dns_refused', rcode: 'REFUSED', message: /answered REFUSED/ },
    { case: 'FORMERR', name: 'formerr.test', reason: 'dns_error', rcode: 'FORMERR', message: /answered FORMERR to the A query/ },
    { case: 'NOTIMP', name: 'notimp.test', reason: 'dns_error', rcode: 'NOTIMP', message: /answered NOTIMP/ },
    { case: 'silence', name: 'silent.test', reason: 'dns_timeout', rcode: null, message: new RegExp(`^no answer from 127\\.0\\.0\\.1:\\d+ within ${TIMEOUT} ms$`) },
    { case: 'garbage bytes', name: 'garbage.test', reason: 'dns_error', rcode: null, message: /sent no valid DNS answer within 400 ms \(2 packets that are not DNS responses ignored\)/ },
    { case: 'query echoed back', name: 'echo.test', reason: 'dns_error', rcode: null, message: /not DNS responses ignored/ },
    { case: 'wrong question only', name: 'wrongq.test', reason: 'dns_timeout', rcode: null, message: /\(2 responses for another question ignored\)$/ },
    { case: 'dangling CNAME', name: 'dangling.test', reason: 'nxdomain', rcode: 'NXDOMAIN', message: /missing\.privatelink\.test does not exist \(end of the CNAME chain from dangling\.test\)/ },
    { case: 'A NXDOMAIN + AAAA NODATA', name: 'split.test', reason: 'nodata', rcode: 'NOERROR', message: /NOERROR with no AAAA record.*NXDOMAIN to the A query: inconsistent server/ },
    { case: 'AAAA silently dropped', name: 'aaaa-dropped.test', reason: 'ok', rcode: 'NOERROR', addresses: ['10.0.0.10'], message: /10\.0\.0\.10; AAAA query failed: no answer/ },
    { case: 'A silent, AAAA NXDOMAIN', name: 'a-silent-nx.test', reason: 'nxdomain', rcode: 'NXDOMAIN', message: /NXDOMAIN.*; A query: no answer/ },
    { case: 'A silent, AAAA SERVFAIL', name: 'mixed-fail.test', reason: 'servfail', rcode: 'SERVFAIL', message: /SERVFAIL.*; A query: no answer/ },
  ];
  for (const c of cases) {
    test(c.case, async () => {
      const answer = await queryDirect(dns.server, c.name, TIMEOUT, never);
      assert.equal(answer.reason, c.reason, answer.message);
      assert.equal(answer.rcode, c.rcode);
      assert.equal(answer.server, dns.server);
      assert.match(answer.message, c.message);
      assert.deepEqual(
        answer.addresses.map((r) => r.data),
        c.addresses ?? [],
      );
    });
  }
});

describe('queryDirect: CNAME chains and transports', () => {
  test('privatelink chain is recorded with TTLs and the final records', async () => {
    const answer = await queryDirect(dns.server, 'ws.workspace.eastus.api.azureml.ms', TIMEOUT, never);
    assert.equal(answer.reason, 'ok');
    assert.deepEqual(answer.cname, [
      { name: 'ws.workspace.eastus.api.azureml.ms', type: 'CNAME', ttl: 300, data: 'ws.workspace.eastus.privatelink.api.azureml.ms' },
    ]);
    assert.deepEqual(answer.addresses, [{ name: 'ws.workspace.eastus.privatelink.api.azureml.ms', type: 'A', ttl: 10, data: '10.0.0.5' }]);
    assert.match(answer.message, /via CNAME ws\.workspace\.eastus\.privatelink\.api\.azureml\.ms$/);
  });

  test('multi-hop chain is followed case-insensitively, A before AAAA', async () => {
    const answer = await queryDirect(dns.server, 'hop1.test', TIMEOUT, never);
    assert.deepEqual(
      answer.cname.map((r) => [r.name, r.data, r.ttl]),
      [
        ['hop1.test', 'Hop2.Test', 100],
        ['Hop2.Test', 'hop3.test', 200],
      ],
    );
    assert.deepEqual(
      answer.addresses.map((r) => [r.type, r.data, r.ttl]),
      [
        ['A', '10.1.2.3', 30],
        ['AAAA', 'fd00::123', 30],
      ],
    );
  });

  test('a CNAME loop in the answer ends the chain at the first repeat, as no data', async () => {
    const answer = await queryDirect(dns.server, 'loop1.test', TIMEOUT, never);
    assert.equal(answer.reason, 'nodata', answer.message);
    assert.deepEqual(
      answer.cname.map((r) => `${r.name}>${r.data}`),
      ['loop1.test>loop2.test'],
    );
  });

  test('a truncated UDP answer is retried over TCP', async () => {
    const before = dns.queries.length;
    const answer = await queryDirect(dns.server, 'big.test', TIMEOUT, never);
    assert.equal(answer.reason, 'ok', answer.message);
    assert.equal(answer.transport, 'tcp');
    assert.deepEqual(
      answer.addresses.map((r) => r.data),
      ['10.9.9.9', 'fd00::999'],
    );
    const seen = dns.queries.slice(before).filter((q) => q.name === 'big.test');
    assert.deepEqual(seen.map((q) => q.transport).sort(), ['tcp', 'tcp', 'udp', 'udp']);
  });

  test('responses with a wrong id are ignored, then the query times out', async () => {
    const outcome = await queryServer(dns.server, 'wrongid.test', 'A', TIMEOUT, never);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? undefined : outcome.failure, 'timeout');
    assert.equal(outcome.ok ? '' : outcome.message, `no answer from ${dns.server} within ${TIMEOUT} ms (1 response with a wrong id ignored)`);
    const answer = await queryDirect(dns.server, 'wrongid.test', TIMEOUT, never);
    assert.equal(answer.reason, 'dns_timeout');
    assert.equal(answer.ignoredResponses, 2);
    assert.match(answer.message, /\(2 responses with a wrong id ignored\)$/);
  });

  test('a wrong id or wrong question does not end the wait: the real answer still counts', async () => {
    for (const [name, address] of [
      ['wrongid-then-ok.test', '10.0.0.8'],
      ['wrongq-then-ok.test', '10.0.0.9'],
    ] as const) {
      const answer = await queryDirect(dns.server, name, TIMEOUT, never);
      assert.equal(answer.reason, 'ok', answer.message);
      assert.deepEqual(
        answer.addresses.map((r) => r.data),
        [address],
      );
      assert.ok((answer.ignoredResponses ?? 0) >= 1);
    }
  });

  test('ICMP port unreachable is a dns_error that says nothing listens', async () => {
    const port = await closedUdpPort();
    const answer = await queryDirect(`127.0.0.1:${port}`, 'a.test', TIMEOUT, never);
    assert.equal(answer.reason, 'dns_error');
    assert.equal(answer.rcode, null);
    assert.equal(answer.message, `127.0.0.1:${port} is unreachable: UDP port unreachable (ICMP), no DNS server listens there`);
  });

  test('the abort signal (the run deadline) ends a pending query at once, as deadline', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const answer = await queryDirect(dns.server, 'silent.test', 5000, controller.signal);
    assert.equal(answer.reason, 'deadline');
    assert.match(answer.message, /aborted after \d+ ms/);
    assert.ok(Date.now() - started < 2000, 'returned long before its own timeout');
  });

  test('an IPv6 server on [::1] works the same', async (t) => {
    const v6 = await startDnsServer(ZONE, '::1');
    t.after(() => v6.close());
    const answer = await queryDirect(v6.server, 'a.test', TIMEOUT, never);
    assert.equal(answer.server, v6.server);
    assert.equal(answer.reason, 'ok', answer.message);
    assert.deepEqual(
      answer.addresses.map((r) => r.data),
      ['10.0.0.5', 'fd00::5'],
    );
  });

  test('an invalid server string is a dns_error naming the value, not an exception', async () => {
    const answer = await queryDirect('dns.example', 'a.test', TIMEOUT, never);
    assert.equal(answer.reason, 'dns_error');
    assert.match(answer.message, /'dns\.example' is not an IP address/);
  });
});
