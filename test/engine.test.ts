// The engine against real loopback servers: endpoints wait in parallel, the run deadline is never
// exceeded, one name is resolved once, and nothing a check does escapes as an exception.

import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { RunSettings } from '../src/model/settings.js';
import { testSettings } from './helpers/settings.js';
import { startDnsServer, type Zone } from './helpers/dns-server.js';

function settings(overrides: Partial<RunSettings> = {}): RunSettings {
  return testSettings({ concurrency: 256, ...overrides });
}

function endpoint(port: number, overrides: Partial<Endpoint> = {}): Endpoint {
  return { id: `tls://127.0.0.1:${port}`, host: '127.0.0.1', port, protocol: 'tls', path: '/', required: true, expect: {}, ...overrides };
}

/** A TCP server that accepts and never says a word: every TLS handshake to it stalls. */
async function silentServer(): Promise<{ port: number; sockets: Set<Socket>; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    // Reading keeps the socket noticing the client's close; paused, it would look open forever.
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, sockets, server };
}


/** What `run` resolves to and how many promises were made while it ran (async_hooks). */
async function countingPromises<T>(run: () => Promise<T>): Promise<{ value: T; promises: number }> {
  let promises = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises += 1;
    },
  });
  hook.enable();
  try {
    const value = await run();
    return { value, promises };
  } finally {
    hook.disable();
  }
}

describe('engine', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => {
    silent = await silentServer();
  });
  after(async () => {
    for (const socket of silent.sockets) socket.destroy();
    await new Promise((resolve) => silent.server.close(resolve));
  });

  it('runs stalled endpoints concurrently: 200 x 400 ms timeouts finish far below the 80 s sequential sum', async () => {
    const endpoints = Array.from({ length: 200 }, (_, i) => endpoint(silent.port, { id: `stall-${i}` }));
    const outcome = await runEndpoints(endpoints, settings());
    assert.equal(outcome.results.length, 200);
    for (const result of outcome.results) {
      assert.equal(result.status, 'fail');
      assert.equal(result.layer, 'tls');
      assert.equal(result.reason, 'tls_timeout');
    }
    assert.equal(outcome.deadlineHit, false);
    // Loose on purpose (a loaded CI machine must not fail it); the speed figures live in bench/.
    assert.ok(outcome.durationMs < 20_000, `took ${outcome.durationMs} ms`);
    // Every stalled connection was destroyed by the engine: the server sees each close soon after
    // (polled, so a loaded machine only makes it slower, never wrong).
    for (let waited = 0; silent.sockets.size > 0 && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(silent.sockets.size, 0, 'sockets left open on the server side');
  });

  it('never exceeds the run deadline: unfinished layers report deadline, queued endpoints too', async () => {
    const endpoints = Array.from({ length: 20 }, (_, i) => endpoint(silent.port, { id: `late-${i}` }));
    // Concurrency 5: fifteen endpoints are still queued when the deadline strikes.
    const outcome = await runEndpoints(endpoints, settings({ timeoutMs: 5_000, deadlineMs: 300, concurrency: 5 }));
    assert.equal(outcome.deadlineHit, true);
    assert.equal(outcome.results.length, 20);
    for (const result of outcome.results) {
      assert.equal(result.status, 'fail');
      assert.equal(result.reason, 'deadline', `${result.id}: ${result.reason}`);
    }
    assert.ok(outcome.durationMs < 300 + 1_000, `took ${outcome.durationMs} ms for a 300 ms deadline`);
  });

  it('endpoints the deadline kept from starting share their layer results, one list each (issue 15: tens of thousands at 50,000)', async () => {
    const endpoints = Array.from({ length: 12 }, (_, i) => endpoint(silent.port, { id: `queued-${i}`, protocol: i < 2 || i % 2 === 0 ? 'tls' : 'tcp' }));
    // Concurrency 2: the first two stall until the deadline, the other ten never start.
    const outcome = await runEndpoints(endpoints, settings({ timeoutMs: 5_000, deadlineMs: 200, concurrency: 2 }));
    const queued = outcome.results.slice(2);
    assert.equal(queued.length, 10);
    for (const result of queued) {
      assert.equal(result.reason, 'deadline');
      assert.equal(result.checks[0]?.message, 'not started before the 200 ms run deadline');
    }
    const [tlsA, tcpA, tlsB, tcpB] = queued;
    assert.ok(tlsA && tlsB && tcpA && tcpB);
    assert.deepEqual(tlsA.checks.map((c) => [c.layer, c.status]), [['dns', 'fail'], ['tcp', 'skip'], ['tls', 'skip']]);
    assert.deepEqual(tcpA.checks.map((c) => [c.layer, c.status]), [['dns', 'fail'], ['tcp', 'skip']]);
    tlsA.checks.forEach((check, i) => assert.equal(check, tlsB.checks[i], `tls layer ${i} shared`));
    tcpA.checks.forEach((check, i) => assert.equal(check, tcpB.checks[i], `tcp layer ${i} shared`));
    assert.notEqual(tlsA.checks, tlsB.checks);
  });

  it('turns invalid input that slipped past validation into a typed result, never a throw', async () => {
    const bad = endpoint(70_000, { id: 'port-out-of-range', protocol: 'tcp' });
    const outcome = await runEndpoints([bad], settings());
    const [result] = outcome.results;
    assert.ok(result);
    assert.equal(result.status, 'fail');
    assert.equal(result.layer, 'tcp');
  });

  it('reports each layer in order and skips the layers after a failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await runEndpoints([endpoint(port, { protocol: 'https' })], settings());
    const [result] = outcome.results;
    assert.ok(result);
    assert.deepEqual(
      result.checks.map((c) => [c.layer, c.status]),
      [
        ['dns', 'pass'],
        ['tcp', 'fail'],
        ['tls', 'skip'],
        ['http', 'skip'],
      ],
    );
    assert.equal(result.reason, 'tcp_refused');
    assert.equal(result.layer, 'tcp');
  });

  it('probes a target named by two rows once, and reports each row with its own id and requirement', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const tcp = { host: '127.0.0.1', port, protocol: 'tcp' as const, path: '', expect: {} };
      const outcome = await runEndpoints(
        [
          { ...tcp, id: 'storage-blob', required: true, meta: { scenario: 'compute' } },
          { ...tcp, id: 'workspace-storage-blob', required: false, meta: { scenario: 'aks' } },
          // Different expectations: a probe of its own.
          { ...tcp, id: 'expects-private', required: true, expect: { private: true } },
        ],
        settings(),
      );
      assert.deepEqual(
        outcome.results.map((r) => [r.id, r.required, r.status, r.meta?.scenario]),
        [
          ['storage-blob', true, 'pass', 'compute'],
          ['workspace-storage-blob', false, 'pass', 'aks'],
          ['expects-private', true, 'pass', undefined],
        ],
      );
      // The server learns of a connection a moment after the client: wait for it, then a little more.
      for (let i = 0; i < 100 && connections < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(connections, 2, 'two distinct probes, not three');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports progress whose counts add up to the total and name the endpoints still in flight', async () => {
    // Three quick refusals and one stall, two at a time: the stall is what the run waits for last.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const endpoints = [
      endpoint(silent.port, { id: 'slow', protocol: 'tls' }),
      ...['a', 'b', 'c'].map((id) => endpoint(closed, { id, protocol: 'tcp' })),
    ];
    const seen: { done: number; running: number; total: number; waiting: string[] }[] = [];
    await runEndpoints(endpoints, settings({ concurrency: 2, timeoutMs: 600 }), { onProgress: (p) => seen.push({ ...p, waiting: [...p.waiting] }) });
    assert.ok(seen.length > 0);
    for (const p of seen) {
      assert.equal(p.total, 4);
      assert.ok(p.done + p.running <= p.total, `done ${p.done} + running ${p.running} > total`);
      assert.equal(p.waiting.length, p.running);
    }
    const last = seen.at(-1);
    assert.deepEqual(last, { done: 4, running: 0, total: 4, waiting: [] });
    // Before the stall ended, it was named as the one the run waited for.
    assert.ok(seen.some((p) => p.done === 3 && p.waiting.join() === 'slow'), JSON.stringify(seen));
  });

  it('hands progress out as one live view whose list of endpoints in flight is made only when read', async () => {
    // Every start and finish is reported, but the progress line draws ten times a second: a sorted
    // list of the endpoints in flight built per report was quadratic (20,000 endpoints with stderr a
    // terminal: the deadline struck before any was probed, issue 15).
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const n = 300;
    const endpoints = Array.from({ length: n }, (_, i) => endpoint(closed, { id: `e${i}`, protocol: 'tcp', path: `/${i}` }));
    const views = new Set<object>();
    let reports = 0;
    let midRun: { done: number; running: number; waiting: string[] } | undefined;
    await runEndpoints(endpoints, settings({ concurrency: 64 }), {
      onProgress: (p) => {
        reports += 1;
        views.add(p);
        if (reports === n) midRun = { ...p };
      },
    });
    assert.equal(reports, 2 * n);
    assert.equal(views.size, 1);
    const [view] = [...views] as [{ done: number; running: number; total: number; waiting: string[] }];
    assert.equal(typeof Object.getOwnPropertyDescriptor(view, 'waiting')?.get, 'function');
    assert.deepEqual({ ...view }, { done: n, running: 0, total: n, waiting: [] });
    // A copy keeps its moment, consistent in itself.
    assert.ok(midRun !== undefined && midRun.waiting.length === midRun.running && midRun.done + midRun.running <= n, JSON.stringify(midRun));
  });

  it('makes a bounded number of promises per endpoint', async () => {
    // Every endpoint of a large run is in flight at once (issue 15): what each makes before and while
    // it waits is allocated and collected 50,000 times. A refused TCP endpoint made 35 promises here
    // when the engine queued endpoints with p-limit (about eight per task), 25 with its own slots.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const n = 200;
    const endpoints = Array.from({ length: n }, (_, i) => endpoint(closed, { id: `p${i}`, protocol: 'tcp', path: `/${i}` }));
    // Once before counting, so that loading the checks is not counted.
    await runEndpoints(endpoints.slice(0, 2), settings());
    const { value: { results }, promises } = await countingPromises(() => runEndpoints(endpoints, settings()));
    assert.deepEqual(new Set(results.map((r) => r.reason)), new Set(['tcp_refused']));
    assert.ok(promises / n <= 30, `${(promises / n).toFixed(1)} promises per endpoint`);
  });

  it('loads the resolver once per run, not once per name: a bounded number of promises per named endpoint', async (t) => {
    // Each import() goes through Node's module loader again, loaded or not: about 13 promises per
    // name, with every name of a large run started at once (issue 15). 31 per named refused TCP
    // endpoint with the resolver asked for once per run, 44 with an import() per name.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const n = 200;
    const zone: Zone = {};
    for (let i = 0; i < n + 2; i++) zone[`n${i}.test`] = { kind: 'records', a: ['127.0.0.1'] };
    const dns = await startDnsServer(zone);
    t.after(() => dns.close());
    const named = (from: number, count: number): Endpoint[] =>
      Array.from({ length: count }, (_, i) => endpoint(closed, { id: `n${from + i}`, host: `n${from + i}.test`, protocol: 'tcp' }));
    const withDns = settings({ dnsServers: [dns.server], dnsServersExplicit: true, timeoutMs: 3_000 });
    // Once before counting, so that loading the checks and the resolver is not counted.
    await runEndpoints(named(n, 2), withDns);
    const { value: { results }, promises } = await countingPromises(() => runEndpoints(named(0, n), withDns));
    assert.deepEqual(new Set(results.map((r) => r.reason)), new Set(['tcp_refused']));
    assert.ok(promises / n <= 38, `${(promises / n).toFixed(1)} promises per named endpoint`);
  });
});
