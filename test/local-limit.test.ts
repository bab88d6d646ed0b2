// A local limit is never a network verdict: under `prlimit --nofile=64:64`, 500 loopback targets
// still get their true verdicts (the plan fits the concurrency to the open-files limit and says
// so), and a layer that does meet EMFILE reports local_limit, not tcp_error. With no
// --concurrency the plan takes what the limit allows (issue 15), with no note.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { concurrencyThatFits, defaultConcurrency, fitConcurrency, readOpenFiles, DNS_SOCKETS_PER_SERVER, FALLBACK_CONCURRENCY } from '../src/plan/open-files.js';
import type { Report } from '../src/model/report.js';
import { CLI_PATH, cliEnv } from './helpers/cli.js';
import { closedTcpPort, startTcpServer, type Listener } from './helpers/listeners.js';

/** Runs the CLI under a hard and soft open-files limit of `nofile`. */
function runLimited(nofile: number, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('prlimit', [`--nofile=${nofile}:${nofile}`, process.execPath, CLI_PATH, ...args], { env: cliEnv(), timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('open-files limit', () => {
  let open: Listener[];
  let closed: number;
  before(async () => {
    // 250 listeners and 250 closed addresses: 500 distinct targets (a repeated target is probed once).
    open = await Promise.all(Array.from({ length: 250 }, () => startTcpServer()));
    closed = await closedTcpPort();
  });
  after(() => Promise.all(open.map((l) => l.close())));

  it('500 targets under nofile=64: every endpoint gets its true verdict, the lowered concurrency is told', async () => {
    const targets = [...open.map((l) => `tcp://127.0.0.1:${l.port}`), ...open.map((_, i) => `tcp://127.0.1.${i + 1}:${closed}`)];
    const args = ['check', ...targets, '--no-system-resolver', '--format', 'json', '--timeout', '3s', '--deadline', '50s', '--concurrency', '512'];
    const run = await runLimited(64, args);
    assert.ok(run.code === 1, `exit ${run.code}: ${run.stderr}`);
    assert.match(run.stderr, /note: probing \d+ endpoints at once instead of 512: the open-files limit is 64/);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.settings.concurrencyLowered?.openFilesLimit, 64);
    assert.equal(report.settings.concurrencyLowered?.requested, 512);
    assert.ok(report.settings.concurrency < 64);
    const reasons = new Map<string, number>();
    for (const r of report.results) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    assert.deepEqual([...reasons.keys()].sort(), ['ok', 'tcp_refused'], JSON.stringify([...reasons]));
  });

  it('asked for no concurrency: as many as the limit allows, no note, true verdicts (64 and 20,000 descriptors)', async () => {
    const targets = [...open.map((l) => `tcp://127.0.0.1:${l.port}`), ...open.map((_, i) => `tcp://127.0.1.${i + 1}:${closed}`)];
    const args = ['check', ...targets, '--no-system-resolver', '--format', 'json', '--timeout', '3s', '--deadline', '50s'];
    for (const nofile of [64, 20_000]) {
      const run = await runLimited(nofile, args);
      assert.ok(run.code === 1, `exit ${run.code}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /note: probing/);
      const report = JSON.parse(run.stdout) as Report;
      assert.equal(report.settings.concurrencyLowered, undefined);
      // Not 512: below it under 64 descriptors, far above it (every endpoint at once) under 20,000.
      if (nofile === 64) assert.ok(report.settings.concurrency >= 10 && report.settings.concurrency < 32, String(report.settings.concurrency));
      else assert.ok(report.settings.concurrency > 19_000 && report.settings.concurrency < 20_000 - DNS_SOCKETS_PER_SERVER, String(report.settings.concurrency));
      const reasons = new Map<string, number>();
      for (const r of report.results) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
      assert.deepEqual([...reasons.keys()].sort(), ['ok', 'tcp_refused'], JSON.stringify([...reasons]));
    }
  });

  it('when the limit still bites (the engine driven past it), the verdict is local_limit, never tcp_error', async () => {
    // The engine alone, in a child under nofile=64, with 200 endpoints at once: no plan fitted it.
    const engine = new URL('../src/engine/run-endpoints.js', import.meta.url).href;
    const script = `
      import { runEndpoints } from ${JSON.stringify(engine)};
      const endpoints = ${JSON.stringify(open.slice(0, 200).map((l) => l.port))}.map((port) => ({ id: 'e' + port, host: '127.0.0.1', port, protocol: 'tcp', path: '/', required: true, expect: {} }));
      const settings = { timeoutMs: 3000, deadlineMs: 20000, concurrency: 512, dnsServers: [], dnsServersExplicit: false, systemResolver: false, privateCidrs: [], allAddresses: false, expectPrivate: false };
      const outcome = await runEndpoints(endpoints, settings);
      const reasons = {};
      for (const r of outcome.results) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
      const limited = outcome.results.find((r) => r.reason === 'local_limit');
      process.stdout.write(JSON.stringify({ reasons, message: limited?.message, cell: limited?.checks.find((c) => c.reason === 'local_limit')?.data?.code }));
      process.exit(0);`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile('prlimit', ['--nofile=64:64', process.execPath, '--input-type=module', '-e', script], { timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(stdout)));
    });
    const seen = JSON.parse(out) as { reasons: Record<string, number>; message?: string; cell?: string };
    assert.equal(seen.reasons['tcp_error'], undefined, out);
    assert.ok((seen.reasons['local_limit'] ?? 0) > 0, out);
    assert.match(seen.message ?? '', /ran out of file descriptors \(EMFILE\) on this machine/);
    assert.equal(seen.cell, 'EMFILE');
  });

  it('fits the concurrency to the limit it reads from /proc/self/limits', () => {
    const files = readOpenFiles();
    assert.ok(files !== undefined && files.limit > 0 && files.open > 0, JSON.stringify(files));
    assert.deepEqual(fitConcurrency(512, { limit: 64, open: 20 }), { concurrency: 14, lowered: { requested: 512, openFilesLimit: 64 } });
    assert.deepEqual(fitConcurrency(8, { limit: 64, open: 20 }), { concurrency: 8 });
    assert.equal(fitConcurrency(512, { limit: 20, open: 20 }).concurrency, 1);
    assert.deepEqual(fitConcurrency(512, undefined), { concurrency: 512 });
  });

  it('counts one descriptor per endpoint once the DNS servers\' sockets are capped', () => {
    // Few in flight: a connection and a DNS socket each. Many: the connection, plus the DNS cap.
    assert.equal(concurrencyThatFits({ limit: 64, open: 20 }, { dnsServers: 1 }), 14);
    assert.equal(concurrencyThatFits({ limit: 20_000, open: 20 }, { dnsServers: 1 }), 20_000 - 20 - 16 - DNS_SOCKETS_PER_SERVER);
    assert.equal(concurrencyThatFits({ limit: 20_000, open: 20 }, { dnsServers: 2 }), 20_000 - 20 - 16 - 2 * DNS_SOCKETS_PER_SERVER);
    assert.equal(concurrencyThatFits({ limit: 20_000, open: 20 }, { dnsServers: 1, allAddresses: true }), Math.floor((20_000 - 36 - DNS_SOCKETS_PER_SERVER) / 2));
    // Right at the cap both formulas agree: no jump in the concurrency as the limit grows.
    const atCap = 2 * DNS_SOCKETS_PER_SERVER + 36;
    assert.equal(concurrencyThatFits({ limit: atCap, open: 20 }, { dnsServers: 1 }), DNS_SOCKETS_PER_SERVER);
    assert.equal(concurrencyThatFits({ limit: atCap + 10, open: 20 }, { dnsServers: 1 }), DNS_SOCKETS_PER_SERVER + 10);
    assert.equal(fitConcurrency(20_000, { limit: 20_000, open: 20 }).lowered?.requested, 20_000);
    assert.equal(defaultConcurrency({ limit: 1_048_576, open: 20 }, { dnsServers: 1 }, 100_000), 100_000);
    assert.equal(defaultConcurrency(undefined, { dnsServers: 1 }, 100_000), FALLBACK_CONCURRENCY);
  });
});
