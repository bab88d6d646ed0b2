// The engine alone turns an abort into a result (src/engine/pipeline.ts runLayer with
// src/engine/abort-result.ts): whatever a check settles with after its signal fired, or if it never
// settles, the layer ends as its timeout or deadline result, in the engine's words and with the
// evidence the check had gathered; only an answer that was already in keeps its verdict. The checks
// here misbehave on purpose, over real loopback connections to peers that never finish answering.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { DeadlineError } from '../src/abort.js';
import { runLayer, type PipelineEnv } from '../src/engine/pipeline.js';
import type { Layer } from '../src/model/endpoint.js';
import type { ConnectData, HttpData, TlsData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import type { Check, CheckSignal, ProbeState } from '../src/model/check.js';
import { LOOPBACK, startTcpServer, testEndpoint, type Listener } from './helpers/listeners.js';
import { testSettings } from './helpers/settings.js';

const servers: Listener[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A peer that reads and never answers (`answer` unset), or answers with `answer` and then stays silent. */
async function peer(answer?: string): Promise<{ port: number; closed: () => number }> {
  let closed = 0;
  const server = await startTcpServer((socket) => {
    socket.on('close', () => (closed += 1));
    if (answer !== undefined) socket.once('data', () => socket.write(answer));
  });
  servers.push(server);
  return { port: server.port, closed: () => closed };
}

function env(timeoutMs: number, runSignal = new AbortController().signal): PipelineEnv {
  return { settings: testSettings({ timeoutMs }), runSignal, resolve: () => Promise.reject(new Error('unused')) };
}

/** Resolves when `signal` fires. */
function aborted(signal: CheckSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Opens a real connection to `port` and sends a line, as a layer would before waiting for its answer. */
function dial(port: number): Socket {
  const socket = connect({ host: LOOPBACK, port });
  socket.on('error', () => {});
  socket.write('hello\r\n');
  return socket;
}

/** A check that, once its signal fired, closes its connection and then claims `lie`. */
function lyingCheck(layer: Layer, port: number, evidence: ProbeState['evidence'], lie: Omit<LayerResult, 'layer' | 'ms'>): Check {
  return async (_endpoint, state, ctx) => {
    const socket = dial(port);
    state.evidence = evidence;
    await aborted(ctx.signal);
    socket.destroy();
    return { layer, ms: 0, ...lie };
  };
}

async function eventually(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the engine owns timeout and deadline results', () => {
  it('a check that claims a pass after its layer timeout ends as tcp_timeout, worded by the engine, with its evidence', async () => {
    const silent = await peer();
    const evidence: ConnectData = { address: LOOPBACK, port: silent.port };
    const check = lyingCheck('tcp', silent.port, evidence, { status: 'pass', reason: 'ok', message: 'connected' });
    const result = await runLayer('tcp', testEndpoint('tcp', LOOPBACK, silent.port), { address: LOOPBACK }, env(200), check);
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, 'tcp_timeout');
    assert.equal(result.message, 'no answer within 200 ms (packets dropped or filtered)');
    assert.match(result.detail ?? '', new RegExp(`The connection attempt to 127\\.0\\.0\\.1:${silent.port} got neither an answer nor a refusal`));
    assert.deepEqual(result.data, evidence);
    // The check did its part: it stopped and let go of the connection.
    await eventually(() => silent.closed() === 1);
    assert.equal(silent.closed(), 1);
  });

  it('a check that reports a bogus reason after the run deadline ends as deadline, with its evidence', async () => {
    const silent = await peer();
    const run = new AbortController();
    setTimeout(() => run.abort(new DeadlineError(100)), 100);
    const evidence: TlsData = { servername: 'ws.example.test' };
    const check = lyingCheck('tls', silent.port, evidence, { status: 'fail', reason: 'tls_expired', message: 'certificate expired' });
    const result = await runLayer('tls', testEndpoint('https', 'ws.example.test', silent.port), { address: LOOPBACK }, env(5_000, run.signal), check);
    assert.deepEqual(
      { status: result.status, reason: result.reason, message: result.message, data: result.data },
      { status: 'fail', reason: 'deadline', message: 'the run deadline struck during the TLS handshake', data: evidence },
    );
    assert.ok(result.ms < 2_000, `ended at the deadline, not the layer timeout (${result.ms} ms)`);
  });

  it('a check that ignores its signal is cut off after the grace with the same words and its evidence', async () => {
    const silent = await peer();
    const url = `http://127.0.0.1:${silent.port}/`;
    const hanging: Check = (_endpoint, state) => {
      dial(silent.port); // left open on purpose: the engine does not wait for it
      const data: HttpData = { url };
      state.evidence = data;
      return new Promise(() => {});
    };
    const result = await runLayer('http', testEndpoint('http', LOOPBACK, silent.port), { address: LOOPBACK }, env(200), hanging);
    assert.deepEqual(
      { status: result.status, reason: result.reason, message: result.message, data: result.data },
      { status: 'fail', reason: 'http_timeout', message: 'no HTTP answer within 200 ms', data: { url } },
    );
    assert.ok(result.ms < 1_200, `cut off soon after the timeout (${result.ms} ms)`);
  });

  it('an answer that was in before the signal fired keeps its verdict, though the check settles after it', async () => {
    // Headers, then a body that never comes: the status is the verdict, the body only evidence.
    const slow = await peer('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
    const url = `http://127.0.0.1:${slow.port}/`;
    const check: Check = async (_endpoint, state, ctx) => {
      const data: HttpData = { url };
      state.evidence = data;
      const socket = dial(slow.port);
      const head = await new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
      data.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      state.stage = 'answered';
      await aborted(ctx.signal); // reading the body that never comes
      socket.destroy();
      return { layer: 'http', status: 'pass', reason: 'ok', ms: 0, message: `HTTP ${data.status}`, data };
    };
    const result = await runLayer('http', testEndpoint('http', LOOPBACK, slow.port), { address: LOOPBACK }, env(200), check);
    assert.deepEqual(
      { status: result.status, reason: result.reason, message: result.message, data: result.data },
      { status: 'pass', reason: 'ok', message: 'HTTP 200', data: { url, status: 200 } },
    );
  });

  it('a proxy tunnel cut short while waiting for the CONNECT answer names the proxy and the target', async () => {
    const silent = await peer();
    const evidence: ConnectData = { address: LOOPBACK, port: silent.port, proxy: `http://127.0.0.1:${silent.port}` };
    const check: Check = async (endpoint, state, ctx) => {
      state.stage = 'proxy-tunnel';
      return lyingCheck('tcp', silent.port, evidence, { status: 'fail', reason: 'tcp_refused', message: 'refused' })(endpoint, state, ctx);
    };
    const result = await runLayer('tcp', testEndpoint('https', 'ml.example.test', 443), {}, env(200), check);
    assert.equal(result.reason, 'proxy_target_failed');
    assert.equal(result.message, `tunnel not established: the proxy http://127.0.0.1:${silent.port} gave no answer to CONNECT ml.example.test:443 within 200 ms`);
    assert.deepEqual(result.data, evidence);
  });

  it('the real tcp check, through a proxy whose name never resolves, ends as proxy_unreachable in the engine\'s words', async () => {
    const stalled: PipelineEnv = { ...env(200), resolve: () => new Promise(() => {}) };
    const route = { via: 'proxy' as const, proxy: { host: 'proxy.example.test', port: 3128, display: 'http://proxy.example.test:3128' } };
    const result = await runLayer('tcp', testEndpoint('https', 'ml.example.test', 443, { route }), {}, stalled);
    assert.deepEqual(
      { status: result.status, reason: result.reason, message: result.message, data: result.data },
      {
        status: 'fail',
        reason: 'proxy_unreachable',
        message: 'the proxy name proxy.example.test did not resolve in time',
        data: { address: 'proxy.example.test', port: 3128, proxy: 'http://proxy.example.test:3128' },
      },
    );
    assert.match(result.detail ?? '', /^amlprobe could not open a TCP connection to the proxy itself, so the target ml\.example\.test:443 was never tried\./);
  });
});
