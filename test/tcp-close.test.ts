// How the engine closes a connection once an endpoint's layers are done (src/engine/close-connection.ts):
// a TCP-only probe with a reset, as nmap's connect scan does (one segment, no TIME_WAIT left here);
// a connection that carried TLS closes with the usual FIN. Real loopback servers record how each
// of their connections ended, and `ss` counts the TIME_WAIT sockets the probes left behind.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createSecureContext } from 'node:tls';
import { describe, it } from 'node:test';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import type { Endpoint, Protocol } from '../src/model/endpoint.js';
import { createTestCa } from './helpers/test-ca.js';
import { startForwardProxy } from './helpers/forward-proxy.js';
import { testSettings } from './helpers/settings.js';

type Ending = 'fin' | 'reset' | 'other';

/**
 * Listeners that record, per accepted connection, whether the client closed with a FIN ('end') or
 * a reset. One port per endpoint: the engine probes identical endpoints once.
 */
interface RecordingServers {
  ports: number[];
  endings: Ending[];
  close(): Promise<void>;
}

async function recording(n: number, make: () => Server, event: 'connection' | 'secureConnection'): Promise<RecordingServers> {
  const endings: Ending[] = [];
  const sockets = new Set<Socket>();
  const servers = Array.from({ length: n }, make);
  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    let ending: Ending | undefined;
    // Reading notices the client's FIN; a half-open server would keep the connection forever.
    socket.resume();
    socket.on('end', () => {
      ending ??= 'fin';
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      ending ??= error.code === 'ECONNRESET' ? 'reset' : 'other';
    });
    socket.on('close', () => {
      sockets.delete(socket);
      endings.push(ending ?? 'other');
    });
  };
  for (const server of servers) {
    server.on(event, onSocket);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  return {
    ports: servers.map((server) => (server.address() as AddressInfo).port),
    endings,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

async function allEnded(server: RecordingServers, n: number): Promise<void> {
  for (let waited = 0; server.endings.length < n && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

/**
 * TIME_WAIT sockets on this machine towards 127.0.0.1 at these (remote) ports: the side that closes
 * first keeps them. Other tests' sockets can sit in TIME_WAIT towards a port that the kernel hands
 * out again, so callers compare with a count taken before their probes.
 */
function timeWaitTowards(ports: number[]): number {
  const filter = ['(', ports.map((port) => `dport = :${port}`).join(' or '), ')'].join(' ');
  const out = execFileSync('ss', ['-Htan', 'state', 'time-wait', 'dst', '127.0.0.1', filter], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '').length;
}

const endpoints = (protocol: Protocol, ports: number[]): Endpoint[] =>
  ports.map((port) => ({ id: `${protocol}://127.0.0.1:${port}`, host: '127.0.0.1', port, protocol, path: '/', required: true, expect: {} }));

describe('closing a probe connection (issue 15)', () => {
  it('a TCP-only probe closes with a reset and leaves no TIME_WAIT; the verdicts stay ok', async (t) => {
    const n = 30;
    const server = await recording(n, () => createServer(), 'connection');
    t.after(() => server.close());
    const before = timeWaitTowards(server.ports);
    const outcome = await runEndpoints(endpoints('tcp', server.ports), testSettings({ concurrency: 8, timeoutMs: 3_000 }));
    assert.deepEqual(
      outcome.results.map((r) => `${r.status} ${r.reason}`),
      Array.from({ length: n }, () => 'pass ok'),
    );
    await allEnded(server, n);
    assert.deepEqual(server.endings, Array.from({ length: n }, () => 'reset'), 'how the server saw each connection end');
    assert.ok(timeWaitTowards(server.ports) <= before, `TIME_WAIT sockets left by the probes: ${timeWaitTowards(server.ports) - before}`);
  });

  it('a tcp:// probe through a proxy\'s tunnel closes it with a FIN (the proxy is a middlebox, not the target)', async (t) => {
    const n = 4;
    const server = await recording(n, () => createServer(), 'connection');
    t.after(() => server.close());
    const proxy = await startForwardProxy();
    t.after(() => proxy.close());
    const before = timeWaitTowards([proxy.port]);
    const outcome = await runEndpoints(endpoints('tcp', server.ports), testSettings({ timeoutMs: 3_000, proxy: proxy.url }));
    assert.deepEqual(
      outcome.results.map((r) => `${r.status} ${r.reason}`),
      Array.from({ length: n }, () => 'pass ok'),
    );
    assert.equal(proxy.requests.length, n, 'every probe went through the proxy');
    for (let waited = 0; timeWaitTowards([proxy.port]) - before < n && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.ok(timeWaitTowards([proxy.port]) - before >= n, 'a TIME_WAIT socket towards the proxy per probe (closed with a FIN)');
  });

  it('a connection that carried TLS still closes with a FIN (a TIME_WAIT each)', async (t) => {
    const ca = await createTestCa();
    t.after(() => ca.cleanup());
    const leaf = await ca.issue({ names: ['127.0.0.1'] });
    const n = 4;
    const server = await recording(n, () => createTlsServer({ key: leaf.key, cert: leaf.cert }), 'connection');
    t.after(() => server.close());
    const before = timeWaitTowards(server.ports);
    const outcome = await runEndpoints(endpoints('tls', server.ports), testSettings({ timeoutMs: 3_000 }), { secureContext: createSecureContext({ ca: ca.caCert }) });
    assert.deepEqual(
      outcome.results.map((r) => `${r.status} ${r.reason}`),
      Array.from({ length: n }, () => 'pass ok'),
    );
    // The server's TLS socket never sees its handshake finish (the probe closes right after its
    // own), so the close is told by what FIN leaves and a reset does not: a TIME_WAIT per probe.
    for (let waited = 0; timeWaitTowards(server.ports) - before < n && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.ok(timeWaitTowards(server.ports) - before >= n, 'a TIME_WAIT socket per TLS probe (closed with a FIN)');
  });
});
