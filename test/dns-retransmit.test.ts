// UDP retransmission (src/dns/transport.ts) and the run-signal fan-out (src/abort.ts onAbort):
// the two engine fixes that the benchmarks (docs/benchmarks.md) motivated. Real loopback servers only.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { onAbort } from '../src/abort.js';
import { QUERIES_PER_SOCKET, UDP_RETRANSMIT_MS } from '../src/dns/udp-channel.js';
import { FIXED_DNS_WINDOW as UDP_IN_FLIGHT_PER_SERVER } from '../src/model/dns-pacing.js';
import { queryServer } from '../src/dns/wire-query.js';
import { holdingServer } from './helpers/holding-dns.js';

/** A UDP DNS server on 127.0.0.1 that ignores the first `drop` datagrams of each query id, then answers. */
async function lossyServer(drop: number): Promise<{ address: string; received: () => number; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  const seen = new Map<number, number>();
  let received = 0;
  socket.on('message', (message, peer) => {
    received += 1;
    const query = dnsPacket.decode(message);
    const id = query.id ?? 0;
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    if (count <= drop) return;
    const question = query.questions?.[0];
    const reply = dnsPacket.encode({
      type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: query.questions ?? [],
      answers: question ? [{ type: 'A', name: question.name, ttl: 60, data: '10.1.2.3' }] : [],
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return { address: `127.0.0.1:${port}`, received: () => received, close: () => socket.close() };
}

describe('UDP retransmission', () => {
  const cases = [
    { case: 'no loss: one datagram, answered', drop: 0, timeoutMs: 2000, ok: true, sent: 1 },
    { case: 'first datagram lost: answered after one retransmission, not a timeout', drop: 1, timeoutMs: 2000, ok: true, sent: 2 },
    { case: 'every datagram lost within the timeout: still a timeout', drop: 99, timeoutMs: 800, ok: false, sent: 2 },
  ];
  for (const c of cases) {
    test(c.case, async () => {
      const server = await lossyServer(c.drop);
      after(() => server.close());
      const outcome = await queryServer(server.address, 'a.test', 'A', c.timeoutMs, new AbortController().signal);
      assert.equal(outcome.ok, c.ok, JSON.stringify(outcome));
      if (outcome.ok) assert.ok(outcome.ms >= (c.sent - 1) * UDP_RETRANSMIT_MS * 0.9, `answered after ${outcome.ms} ms`);
      else assert.equal(outcome.failure, 'timeout');
      // Retransmissions at 500 ms, then 1500 ms: an 800 ms timeout sees two datagrams in all.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(server.received(), c.sent);
    });
  }
});


describe('UDP queries in flight per server', () => {
  test('a burst above the cap waits for slots instead of flooding the server, and every query is answered', async () => {
    const server = await holdingServer();
    after(() => server.close());
    const total = UDP_IN_FLIGHT_PER_SERVER + 50;
    const outcomes = Promise.all(
      Array.from({ length: total }, (_, i) => queryServer(server.address, `n${i}.test`, 'A', 3000, new AbortController().signal)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(server.received(), UDP_IN_FLIGHT_PER_SERVER, 'only the cap is in flight before any answer');
    server.release();
    const results = await outcomes;
    assert.equal(results.filter((o) => o.ok).length, total, JSON.stringify(results.find((o) => !o.ok)));
  });

  test('a query waiting for a slot still ends at its deadline', async () => {
    const server = await holdingServer();
    after(() => server.close());
    const total = UDP_IN_FLIGHT_PER_SERVER + 1;
    const results = await Promise.all(
      Array.from({ length: total }, (_, i) => queryServer(server.address, `w${i}.test`, 'A', 300, new AbortController().signal)),
    );
    assert.ok(results.every((o) => !o.ok && o.failure === 'timeout'), JSON.stringify(results.find((o) => o.ok || o.failure !== 'timeout')));
  });
});

describe('UDP sockets shared by queries', () => {
  test(`concurrent queries share a socket, ${QUERIES_PER_SOCKET} at most, then a fresh source port`, async () => {
    const server = await holdingServer();
    after(() => server.close());
    const total = QUERIES_PER_SOCKET + 20;
    const outcomes = Promise.all(
      Array.from({ length: total }, (_, i) => queryServer(server.address, `s${i}.test`, 'A', 3000, new AbortController().signal)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.release();
    const results = await outcomes;
    assert.equal(results.filter((o) => o.ok).length, total);
    const perPort = new Map<number, number>();
    for (const port of server.ports()) perPort.set(port, (perPort.get(port) ?? 0) + 1);
    assert.deepEqual([...perPort.values()], [QUERIES_PER_SOCKET, 20], 'one socket per 64 queries, in order');
  });

  test('a socket closes with its last query: the next query comes from a fresh port', async () => {
    const server = await holdingServer();
    after(() => server.close());
    server.release();
    for (let i = 0; i < 3; i++) {
      const outcome = await queryServer(server.address, `q${i}.test`, 'A', 3000, new AbortController().signal);
      assert.ok(outcome.ok);
    }
    // Three fresh sockets; two of them landing on the same random port is possible but rare, all three is not.
    assert.ok(new Set(server.ports()).size >= 2, `ports ${server.ports().join(', ')}`);
  });
});

describe('onAbort', () => {
  test('calls every attached listener once on abort, not the detached ones, and later ones at once', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('a'));
    const detachB = onAbort(controller.signal, () => calls.push('b'));
    const same = (): void => {
      calls.push('c');
    };
    onAbort(controller.signal, same);
    onAbort(controller.signal, same);
    detachB();
    controller.abort();
    controller.abort();
    onAbort(controller.signal, () => calls.push('late'));
    assert.deepEqual(calls, ['a', 'c', 'c', 'late']);
  });

  test('thousands attached and detached leave the signal with one real listener', () => {
    const controller = new AbortController();
    const detachers = Array.from({ length: 5000 }, () => onAbort(controller.signal, () => assert.fail('detached listener called')));
    for (const detach of detachers) detach();
    let called = 0;
    onAbort(controller.signal, () => (called += 1));
    controller.abort();
    assert.equal(called, 1);
  });
});
