// The TCP layer against real loopback peers. A real connect *timeout* needs dropped SYNs, which
// loopback cannot do without root firewall rules (and the listen-backlog trick is not reliable on
// Linux, which keeps completing handshakes into the SYN queue): the timeout and deadline paths are
// tested by aborting the layer signal mid-connect, exactly as the engine does; dropped SYNs are
// covered by the network-namespace e2e suite.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { DeadlineError, LayerTimeoutError } from '../src/abort.js';
import { checkTcp } from '../src/checks/tcp.js';
import { describeConnectError } from '../src/checks/errno.js';
import type { ConnectData } from '../src/model/evidence.js';
import type { CheckContext, ProbeState } from '../src/model/check.js';
import { closedTcpPort, LOOPBACK, startTcpServer, testContext, testEndpoint } from './helpers/listeners.js';
import { testSettings } from './helpers/settings.js';

describe('checkTcp', () => {
  it('connects to an open port and hands the socket to the next layer', async (t) => {
    for (const host of [LOOPBACK, '::1']) {
      const server = await startTcpServer(() => {}, host);
      t.after(() => server.close());
      const { ctx, dispose } = testContext(800);
      const state: ProbeState = { address: host };
      const result = await checkTcp(testEndpoint('tcp', host, server.port), state, ctx);
      dispose();
      assert.equal(result.status, 'pass', host);
      assert.equal(result.reason, 'ok');
      const data = result.data as ConnectData;
      assert.deepEqual({ address: data.address, port: data.port, localAddress: data.localAddress }, { address: host, port: server.port, localAddress: host });
      assert.ok(state.socket, 'the socket is kept for the next layer');
      assert.equal(state.socket.destroyed, false);
      assert.equal(state.socket.remotePort, server.port);
      state.socket.destroy();
    }
  });

  it('reports a closed port as tcp_refused and keeps no socket', async () => {
    const port = await closedTcpPort();
    const { ctx, dispose } = testContext(800);
    const state: ProbeState = { address: LOOPBACK };
    const result = await checkTcp(testEndpoint('tcp', LOOPBACK, port), state, ctx);
    dispose();
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, 'tcp_refused');
    assert.equal((result.data as ConnectData).code, 'ECONNREFUSED');
    assert.match(result.message, /refused/);
    assert.equal(state.socket, undefined);
  });

  const abortCases = [
    { case: 'layer timeout', reason: () => new LayerTimeoutError(300), expected: 'tcp_timeout', message: /no answer within 300 ms \(packets dropped or filtered\)/ },
    { case: 'run deadline', reason: () => new DeadlineError(1000), expected: 'deadline', message: /deadline/ },
  ] as const;

  for (const c of abortCases) {
    it(`an abort mid-connect (${c.case}) gives ${c.expected} and destroys the socket`, async (t) => {
      const accepted: Socket[] = [];
      const closed: Promise<void>[] = [];
      const server = await startTcpServer((socket) => {
        accepted.push(socket);
        closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
      });
      t.after(() => server.close());
      const controller = new AbortController();
      const ctx: CheckContext = { settings: testSettings({ timeoutMs: 300 }), signal: controller.signal, resolve: () => Promise.reject(new Error('unused')) };
      const state: ProbeState = { address: LOOPBACK };
      const pending = checkTcp(testEndpoint('tcp', LOOPBACK, server.port), state, ctx);
      // After net.connect's own nextTick (the connect syscall) and before the 'connect' event.
      process.nextTick(() => controller.abort(c.reason()));
      const result = await pending;
      assert.equal(result.status, 'fail');
      assert.equal(result.reason, c.expected);
      assert.match(result.message, c.message);
      assert.equal(state.socket, undefined);
      // Whatever the kernel had already accepted must see the client go away.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(accepted.length <= 1);
      await Promise.race([
        Promise.all(closed),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the aborted client socket was left open')), 1000)),
      ]);
    });
  }

  it('does not connect at all when the signal has already fired', async (t) => {
    let connections = 0;
    const server = await startTcpServer(() => connections++);
    t.after(() => server.close());
    const controller = new AbortController();
    controller.abort(new DeadlineError(1000));
    const ctx: CheckContext = { settings: testSettings({ timeoutMs: 300 }), signal: controller.signal, resolve: () => Promise.reject(new Error('unused')) };
    const result = await checkTcp(testEndpoint('tcp', LOOPBACK, server.port), { address: LOOPBACK }, ctx);
    assert.equal(result.reason, 'deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(connections, 0);
  });
});

describe('describeConnectError', () => {
  // Errors that loopback cannot produce (they need routers and firewalls), mapped from their errno.
  const table = [
    { code: 'ECONNREFUSED', reason: 'tcp_refused' },
    { code: 'ETIMEDOUT', reason: 'tcp_timeout' },
    { code: 'EHOSTUNREACH', reason: 'unreachable' },
    { code: 'ENETUNREACH', reason: 'unreachable' },
    { code: 'EHOSTDOWN', reason: 'unreachable' },
    { code: 'ENETDOWN', reason: 'unreachable' },
    { code: 'ECONNRESET', reason: 'reset' },
    { code: 'EPERM', reason: 'tcp_error' },
    { code: 'ESOMETHINGNEW', reason: 'tcp_error' },
  ] as const;
  for (const row of table) {
    it(`${row.code} -> ${row.reason}`, () => {
      const error = Object.assign(new Error(`connect ${row.code} 10.0.0.4:443`), { code: row.code });
      const described = describeConnectError(error);
      assert.equal(described.reason, row.reason);
      assert.equal(described.code, row.code);
    });
  }
});
