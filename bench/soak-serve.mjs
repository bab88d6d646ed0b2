// Serve-mode soak (issue 11): starts `amlprobe serve` on loopback, probing only loopback targets
// by IP literal (no name is ever resolved: no catalog, IMDS off, a resolv.conf naming 127.0.0.1),
// hammers its HTTP endpoints for a bounded time, samples its open descriptors and RSS from /proc,
// and tries SSRF-style requests (absolute-form URLs, Host and X-Forwarded-Host tricks, CONNECT,
// ?target=) against a canary listener that must never be contacted. A benchmark, not a test: it
// prints a markdown table on stdout and exits 1 only if the canary was contacted or serve died.
// node bench/soak-serve.mjs [--smoke]   (after npm run build; results go into docs/benchmarks.md)

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SMOKE = process.argv.includes('--smoke');
const DURATION_MS = SMOKE ? 3_000 : 60_000;
const CLIENTS = SMOKE ? 4 : 16;
const CLI = new URL('../dist/src/cli.js', import.meta.url).pathname;
const log = (...a) => console.error('[soak-serve]', ...a);

// Targets: an HTTP server and a closed port, both on loopback. The canary: any connection to it is an SSRF.
let canaryHits = 0;
const canary = createServer((s) => { canaryHits += 1; s.destroy(); });
const target = createServer((s) => { s.on('error', () => {}); s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')); });
await Promise.all([canary, target].map((srv) => new Promise((r) => srv.listen(0, '127.0.0.1', r))));
const CANARY = `127.0.0.1:${canary.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'amlprobe-soak-'));
const config = join(dir, 'amlprobe.yaml');
writeFileSync(config, `version: 1\nsettings:\n  timeout: 500ms\n  systemResolver: false\nendpoints:\n  - { id: web, target: 'http://127.0.0.1:${target.address().port}/' }\n  - { id: closed, target: 'tcp://127.0.0.1:9', required: false }\n`);
writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
const env = { PATH: process.env.PATH, AMLPROBE_RESOLV_CONF: join(dir, 'resolv.conf'), AMLPROBE_IMDS_URL: 'off', AMLPROBE_NBVM_FILE: join(dir, 'no-nbvm'), AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential' };
const serve = spawn(process.execPath, [CLI, 'serve', '--config', config, '--interval', '1s', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
serve.stderr.on('data', (c) => { stderr += c; });
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
  serve.stderr.on('data', () => {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
});
const { port } = new URL(base);
log('serve at', base, 'pid', serve.pid);

/** Open descriptors and RSS (kB) of the serve process. */
function sample() {
  const fds = readdirSync(`/proc/${serve.pid}/fd`).length;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serve.pid}/status`, 'utf8'))?.[1] ?? 0);
  return { fds, rss };
}

/** One raw request (so the request line and headers can be anything); resolves with the status code or an error name. */
function raw(text) {
  return new Promise((resolve) => {
    const s = connect(Number(port), '127.0.0.1');
    let got = '';
    const done = (v) => { s.destroy(); resolve(v); };
    s.setTimeout(5_000, () => done('timeout'));
    s.on('error', (e) => done(e.code ?? 'error'));
    s.on('data', (c) => { got += c.toString('latin1'); });
    s.on('end', () => done(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 'no-status'));
    s.write(text);
  });
}

const SSRF = [
  `GET http://${CANARY}/ HTTP/1.1\r\nHost: ${CANARY}\r\nConnection: close\r\n\r\n`,
  `GET /metrics HTTP/1.1\r\nHost: ${CANARY}\r\nX-Forwarded-Host: ${CANARY}\r\nConnection: close\r\n\r\n`,
  `GET /probe?target=${CANARY}&module=http HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  `GET /metrics?target=${CANARY} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  `GET //${CANARY}/report.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  `CONNECT ${CANARY} HTTP/1.1\r\nHost: ${CANARY}\r\n\r\n`,
  `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\nGET http://${CANARY}/ HTTP/1.1\r\nHost: ${CANARY}\r\n\r\n`,
];
const PATHS = ['/metrics', '/healthz', '/report.json', '/report.html', '/nope', '/metrics?x=1'];

const statuses = new Map();
const count = (k) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
const samples = [sample()];
const sampler = setInterval(() => samples.push(sample()), 500);
const endAt = performance.now() + DURATION_MS;
let requests = 0;
let ssrfSent = 0;
async function client(n) {
  for (let i = n; performance.now() < endAt; i += 1) {
    const ssrf = i % 10 === 0;
    if (ssrf) ssrfSent += 1;
    const text = ssrf ? SSRF[(i / 10) % SSRF.length] : `GET ${PATHS[i % PATHS.length]} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
    count(`${ssrf ? 'ssrf ' : ''}${await raw(text)}`);
    requests += 1;
  }
}
await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
clearInterval(sampler);
samples.push(sample());
// Let serve run a few more probe cycles after the hammering: descriptors must come back down.
await new Promise((r) => setTimeout(r, 3_000));
const after = sample();
const alive = serve.exitCode === null;
serve.kill('SIGTERM');
await new Promise((r) => serve.once('exit', r));
canary.close();
target.close();
rmSync(dir, { recursive: true, force: true });

const runs = (stderr.match(/serve: run \d+:/g) ?? []).length;
const max = (k) => Math.max(...samples.map((s) => s[k]));
console.log(`| soak (${DURATION_MS / 1000} s, ${CLIENTS} clients, probe every 1 s) | value |`);
console.log('| --- | --- |');
console.log(`| requests answered | ${requests} (${Math.round(requests / (DURATION_MS / 1000))}/s) |`);
console.log(`| statuses | ${[...statuses].sort().map(([k, v]) => `${k}: ${v}`).join(', ')} |`);
console.log(`| probe runs during the soak | ${runs} |`);
console.log(`| open descriptors: start, max, 3 s after | ${samples[0].fds}, ${max('fds')}, ${after.fds} |`);
console.log(`| RSS MB: start, max, 3 s after | ${(samples[0].rss / 1024).toFixed(0)}, ${(max('rss') / 1024).toFixed(0)}, ${(after.rss / 1024).toFixed(0)} |`);
console.log(`| SSRF-style requests sent, canary connections | ${ssrfSent}, ${canaryHits} |`);
console.log(`| serve alive at the end | ${alive ? 'yes' : 'no'} |`);
if (canaryHits > 0 || !alive) process.exit(1);
process.exit(0);
