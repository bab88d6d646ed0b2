// The young generation's policy (src/plan/young-generation.ts) and the tuning that obeys it
// (src/cli/gc-tuning.ts): held at its start size through start-up and planning, then free for a
// small run and capped for a large one (issue 15: left free, a 5,000-endpoint run doubled it to
// 32 MB before its first packet and kept it). V8 flags are process-wide, so each case runs in a child.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { CAPPED_FROM_ENDPOINTS, CAPPED_UP_TO_ENDPOINTS, heldWhilePlanning, YOUNG_GENERATION_CAP_BYTES, youngGenerationFor } from '../src/plan/young-generation.js';
import { dnsFlags, runCli } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer, Zone } from './helpers/dns-server.js';

const tuning = fileURLToPath(new URL('../src/cli/gc-tuning.js', import.meta.url));
const MiB = 1024 * 1024;

test('the plan caps the young generation of a large run, up to 20,000 endpoints', () => {
  assert.equal(youngGenerationFor(1).capBytes, undefined);
  assert.equal(youngGenerationFor(68).capBytes, undefined);
  assert.equal(youngGenerationFor(CAPPED_FROM_ENDPOINTS - 1).capBytes, undefined);
  assert.equal(youngGenerationFor(CAPPED_FROM_ENDPOINTS).capBytes, YOUNG_GENERATION_CAP_BYTES);
  assert.equal(youngGenerationFor(5_000).capBytes, YOUNG_GENERATION_CAP_BYTES);
  assert.equal(youngGenerationFor(CAPPED_UP_TO_ENDPOINTS).capBytes, YOUNG_GENERATION_CAP_BYTES);
  // Beyond it the probe state in flight made a capped young generation four times the scavenges.
  assert.equal(youngGenerationFor(CAPPED_UP_TO_ENDPOINTS + 1).capBytes, undefined);
  assert.equal(youngGenerationFor(50_000).capBytes, undefined);
});

test('planning holds the young generation unless the command line names more targets than a capped run has', () => {
  assert.equal(heldWhilePlanning(3), true);
  assert.equal(heldWhilePlanning(CAPPED_UP_TO_ENDPOINTS), true);
  // 50,000 targets planned with it held: about 85 scavenges before the first packet instead of 12.
  assert.equal(heldWhilePlanning(CAPPED_UP_TO_ENDPOINTS + 1), false);
});

/**
 * In a child: the tuning, then 400,000 small objects that all stay alive, allocated over 400 turns
 * of the event loop (as a run's probes are), before and after obeying `policy`. Returns the young
 * generation's size at start, after the first half (held) and at the end.
 */
function grow(policy: string, nodeOptions = ''): { start: number; held: number; end: number } {
  const script = `
    const v8 = await import('node:v8');
    const { obeyYoungGeneration } = await import(${JSON.stringify(tuning)});
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const start = size();
    const kept = [];
    const turns = async (n) => { for (let t = 0; t < n; t++) { for (let i = 0; i < 1000; i++) kept.push({ i, text: 'x' + i }); await new Promise((r) => setImmediate(r)); } };
    await turns(200);
    const held = size();
    obeyYoungGeneration(${policy});
    await turns(200);
    console.log(JSON.stringify({ start, held, end: size(), kept: kept.length }));
  `;
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env })) as { start: number; held: number; end: number };
}

test('start-up and planning hold the young generation; a capped run grows it to the cap and no further', () => {
  const out = grow(`{ capBytes: ${YOUNG_GENERATION_CAP_BYTES} }`);
  // Left free, 200,000 surviving objects double it to 16 or 32 MB.
  assert.ok(out.held <= 2 * MiB, `grew to ${out.held} bytes while held (from ${out.start})`);
  assert.equal(out.end, YOUNG_GENERATION_CAP_BYTES, `capped run ended at ${out.end} bytes`);
});

test('a small run lets the young generation grow as far as V8 does', () => {
  const out = grow('{ capBytes: undefined }');
  assert.ok(out.held <= 2 * MiB, `grew to ${out.held} bytes while held`);
  // Pinned it would stay at 1-2 MB: thousands of probes in flight copied and promoted at every scavenge.
  assert.ok(out.end > YOUNG_GENERATION_CAP_BYTES, `young generation stayed at ${out.end} bytes`);
});

test("a user's own young-generation flags stand", () => {
  const out = grow(`{ capBytes: ${YOUNG_GENERATION_CAP_BYTES} }`, '--max-semi-space-size=1');
  // --max-semi-space-size=1 (MB): V8's new space is then at most 2 MB, whatever the plan says.
  assert.ok(out.end <= 2 * MiB, `young generation reached ${out.end} bytes`);
  const free = grow('{ capBytes: undefined }', '--max-semi-space-size=16');
  assert.ok(free.held > 2 * MiB, 'the tuning held a young generation the user sized');
});

// A real `check` of 3,000 endpoints (one loopback listener, 3,000 names for it): the young generation
// never grows past the cap, from start to exit.
let server: Server;
let port = 0;
let dns: TestDnsServer;
let dir = '';
const N = 3000;
before(async () => {
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  const zone: Zone = {};
  for (let i = 0; i < N; i++) zone[`y${i}.test`] = { kind: 'records', a: ['127.0.0.1'] };
  dns = await startDnsServer(zone);
  dir = mkdtempSync(join(tmpdir(), 'amlprobe-young-'));
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

test(`a check of ${N} endpoints keeps its young generation at the cap`, async () => {
  assert.ok(N >= CAPPED_FROM_ENDPOINTS);
  // Every collection's young-generation size, seen from inside the CLI's process.
  const hook = join(dir, 'young-hook.mjs');
  writeFileSync(hook, [
    "import { getHeapSpaceStatistics } from 'node:v8';",
    "import { PerformanceObserver } from 'node:perf_hooks';",
    "const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;",
    'let max = size();',
    "new PerformanceObserver(() => { max = Math.max(max, size()); }).observe({ entryTypes: ['gc'] });",
    "process.on('exit', () => process.stderr.write(`YOUNG ${Math.max(max, size())}\\n`));",
  ].join('\n'));
  const targets = Array.from({ length: N }, (_, i) => `tcp://y${i}.test:${port}`);
  const r = await runCli(['check', ...targets, ...dnsFlags(dns), '--timeout', '5s', '--format', 'json'], { env: { NODE_OPTIONS: `--import=${hook}` }, killAfterMs: 60_000 });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const report = JSON.parse(r.stdout) as { results: { reason: string }[] };
  assert.equal(report.results.length, N);
  assert.ok(report.results.every((e) => e.reason === 'ok'));
  const young = Number(/YOUNG (\d+)/.exec(r.stderr)?.[1]);
  assert.ok(young > 0, r.stderr.slice(-2000));
  assert.ok(young <= YOUNG_GENERATION_CAP_BYTES, `the young generation reached ${young / MiB} MB`);
});
