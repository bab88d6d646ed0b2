// The UDP layer against real loopback peers: an echo responder, a closed port (the kernel answers
// with ICMP port unreachable), and a bound socket that never answers (open or filtered).

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { checkUdp } from '../src/checks/udp.js';
import { type Reason, type Status } from '../src/model/reason.js';
import { DEFAULT_UDP_PAYLOAD } from '../src/model/endpoint.js';
import { type UdpData } from '../src/model/evidence.js';
import { type ProbeState } from '../src/model/check.js';
import { closedUdpPort, LOOPBACK, startUdpServer, testContext, testEndpoint, type Listener } from './helpers/listeners.js';

const TIMEOUT_MS = 300;

interface Case {
  case: string;
  host: string;
  peer: () => Promise<Listener | number>;
  udpReply?: boolean;
  status: Status;
  reason: Reason;
  replyBytes?: number;
}

const cases: Case[] = [
  { case: 'echo responder', host: LOOPBACK, peer: () => startUdpServer('echo'), status: 'pass', reason: 'ok', replyBytes: DEFAULT_UDP_PAYLOAD.length },
  { case: 'echo responder over IPv6', host: '::1', peer: () => startUdpServer('echo', '::1'), status: 'pass', reason: 'ok', replyBytes: DEFAULT_UDP_PAYLOAD.length },
  { case: 'closed port (ICMP port unreachable)', host: LOOPBACK, peer: () => closedUdpPort(), status: 'fail', reason: 'udp_closed' },
  { case: 'silent bound socket', host: LOOPBACK, peer: () => startUdpServer('silent'), status: 'warn', reason: 'udp_open_or_filtered' },
  { case: 'silent bound socket, reply expected', host: LOOPBACK, peer: () => startUdpServer('silent'), udpReply: true, status: 'fail', reason: 'udp_open_or_filtered' },
];

describe('checkUdp', () => {
  for (const c of cases) {
    it(`${c.case} -> ${c.status}/${c.reason}`, async (t) => {
      const peer = await c.peer();
      const port = typeof peer === 'number' ? peer : peer.port;
      if (typeof peer !== 'number') t.after(() => peer.close());
      const { ctx, dispose } = testContext(TIMEOUT_MS);
      t.after(dispose);
      const endpoint = testEndpoint('udp', c.host, port, c.udpReply ? { expect: { udpReply: true } } : {});
      const state: ProbeState = { address: c.host };
      const result = await checkUdp(endpoint, state, ctx);
      assert.equal(result.layer, 'udp');
      assert.equal(result.status, c.status);
      assert.equal(result.reason, c.reason);
      const data = result.data as UdpData;
      assert.equal(data.address, c.host);
      assert.equal(data.port, port);
      assert.equal(data.sentBytes, DEFAULT_UDP_PAYLOAD.length);
      assert.equal(data.replyBytes, c.replyBytes);
      if (c.reason === 'udp_closed') assert.equal(data.code, 'ECONNREFUSED');
      if (c.reason === 'udp_open_or_filtered') assert.match(result.message, /no reply within 300 ms/);
      assert.equal(state.socket, undefined);
    });
  }

  it('sends the endpoint payload and reports the reply size', async (t) => {
    const received: Buffer[] = [];
    const server = createSocket('udp4');
    server.on('message', (message, remote) => {
      received.push(message);
      server.send(Buffer.from('pong!'), remote.port, remote.address);
    });
    await new Promise<void>((resolve) => server.bind(0, LOOPBACK, () => resolve()));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { ctx, dispose } = testContext(TIMEOUT_MS);
    t.after(dispose);
    const payload = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const endpoint = testEndpoint('udp', LOOPBACK, server.address().port, { udpPayload: payload });
    const result = await checkUdp(endpoint, { address: LOOPBACK }, ctx);
    assert.equal(result.reason, 'ok');
    assert.deepEqual(received[0], payload);
    assert.equal((result.data as UdpData).sentBytes, 4);
    assert.equal((result.data as UdpData).replyBytes, 5);
  });

  it('the run deadline while waiting gives deadline, not a verdict on the port', async (t) => {
    const server = await startUdpServer('silent');
    t.after(() => server.close());
    const { ctx, strikeDeadline, dispose } = testContext(5_000);
    t.after(dispose);
    const pending = checkUdp(testEndpoint('udp', LOOPBACK, server.port), { address: LOOPBACK }, ctx);
    setTimeout(strikeDeadline, 50);
    const result = await pending;
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, 'deadline');
    assert.ok(result.ms < 2_000, `ended at the deadline, not the layer timeout (${result.ms} ms)`);
  });
});
