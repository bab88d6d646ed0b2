// Deadline under load (issue 11, defect 7): how far past --deadline the engine returns when it
// runs thousands of endpoints at once on a loop that is also kept busy, and how long writing a
// 50,000-row report takes after that, per format. A benchmark, not a test: it prints numbers
// (a markdown table on stdout) and fails only on a broken setup. Loopback only; run it after
// `npm run build`: node bench/deadline-load.mjs [--smoke]. Results go into docs/benchmarks.md.

import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEndpoints } from '../dist/src/engine.js';
import { writeOutput } from '../dist/src/output/output.js';
import { renderReportChunks } from '../dist/src/report/render.js';
import { summarize } from '../dist/src/engine/summary.js';

const SMOKE = process.argv.includes('--smoke');
const N = SMOKE ? 500 : 5000;
const CONCURRENCY = SMOKE ? 256 : 2048;
const DEADLINE_MS = SMOKE ? 1500 : 3000;
const ROWS = SMOKE ? 2000 : 50_000;
const RUNS = SMOKE ? 1 : 3;
const log = (...a) => console.error('[deadline-load]', ...a);

/** Loopback peers: one that accepts and stays silent (TLS stalls), one that answers HTTP. */
async function peers() {
  const sockets = new Set();
  const silent = createServer((s) => { sockets.add(s); s.on('error', () => {}); s.resume(); });
  const http = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
  });
  await Promise.all([silent, http].map((srv) => new Promise((r) => srv.listen(0, '127.0.0.1', r))));
  return {
    silent: silent.address().port,
    http: http.address().port,
    close: () => { for (const s of sockets) s.destroy(); silent.close(); http.close(); },
  };
}

/** Keeps the loop busy: `busyMs` of synchronous work every `everyMs` (a saturated CPU, as on a shared jump box). */
function hog(busyMs, everyMs) {
  const timer = setInterval(() => { const end = performance.now() + busyMs; while (performance.now() < end); }, everyMs);
  return () => clearInterval(timer);
}

const settings = { timeoutMs: 2000, deadlineMs: DEADLINE_MS, concurrency: CONCURRENCY, dnsServers: [], dnsServersExplicit: false, systemResolver: false, privateCidrs: [], allAddresses: false, expectPrivate: false };

function endpoints(p) {
  return Array.from({ length: N }, (_, i) => i % 2 === 0
    ? { id: `stall-${i}`, host: '127.0.0.1', port: p.silent, protocol: 'tls', path: `/${i}`, required: true, expect: {} }
    : { id: `http-${i}`, host: '127.0.0.1', port: p.http, protocol: 'http', path: `/${i}`, required: true, expect: {} });
}

const rows = [];
const p = await peers();
for (const [label, load] of [['idle loop', null], ['loop busy 20 ms of every 25 ms', [20, 25]]]) {
  for (let run = 0; run < RUNS; run += 1) {
    const stop = load ? hog(...load) : () => {};
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const started = performance.now();
    const outcome = await runEndpoints(endpoints(p), settings, { startedAt: started });
    const wall = performance.now() - started;
    lag.disable();
    stop();
    const cut = outcome.results.filter((r) => r.reason === 'deadline').length;
    const stall = Math.round(lag.max / 1e6);
    rows.push({ label, run, overrun: Math.round(wall - DEADLINE_MS), cut, stall });
    log(label, `run ${run}: returned ${Math.round(wall)} ms after start (deadline ${DEADLINE_MS}), ${cut} cut short, longest loop stall ${stall} ms, load ${loadavg()[0].toFixed(1)}`);
  }
}
p.close();

// A 50,000-row report: the rows of a real run, repeated with their own ids.
const sample = (await runEndpoints([{ id: 'x', host: '127.0.0.1', port: 9, protocol: 'tcp', path: '/', required: true, expect: {} }], settings)).results[0];
const results = Array.from({ length: ROWS }, (_, i) => ({ ...sample, id: `row-${i}`, host: `host-${i}.example.test` }));
const report = { schemaVersion: 1, tool: { name: 'amlprobe', version: 'bench' }, startedAt: new Date().toISOString(), durationMs: 0, deadlineHit: false, settings, summary: summarize(results), results };
const dir = mkdtempSync(join(tmpdir(), 'amlprobe-deadline-load-'));
const writes = [];
for (const format of ['json', 'table', 'markdown', 'junit', 'html']) {
  const file = join(dir, `report.${format}`);
  const started = performance.now();
  writeOutput(renderReportChunks(report, format, { colour: false }), file);
  const ms = Math.round(performance.now() - started);
  writes.push({ format, ms, mb: (statSync(file).size / 1e6).toFixed(1) });
  log(`${ROWS} rows as ${format}: ${ms} ms`);
}
rmSync(dir, { recursive: true, force: true });

const worst = (label) => Math.max(...rows.filter((r) => r.label === label).map((r) => r.overrun));
console.log(`| case (${N} endpoints, concurrency ${CONCURRENCY}, deadline ${DEADLINE_MS} ms) | runs | overrun past the deadline, ms (each run) | worst | longest event-loop stall, ms (each run) |`);
console.log('| --- | --- | --- | --- | --- |');
for (const label of [...new Set(rows.map((r) => r.label))]) {
  const mine = rows.filter((r) => r.label === label);
  console.log(`| ${label} | ${mine.length} | ${mine.map((r) => r.overrun).join(', ')} | ${worst(label)} | ${mine.map((r) => r.stall).join(', ')} |`);
}
console.log('');
console.log(`| format | ${ROWS}-row report written, ms | size, MB |`);
console.log('| --- | --- | --- |');
for (const w of writes) console.log(`| ${w.format} | ${w.ms} | ${w.mb} |`);
process.exit(0);
