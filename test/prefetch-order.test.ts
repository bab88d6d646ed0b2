// The heavy checks' modules (undici for the HTTP layer) load after a run's name lookups, not while
// their answers wait (src/engine/check-loading.ts prefetchChecks): loading undici blocks the event loop
// for 100-200 ms, and a connection that starts that much later times out that much later (issue 15).
// Both forms a user runs: dist/src/cli.js and the one file dist/amlprobe.mjs.

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { CLI_PATH, cliEnv, REPO_ROOT } from './helpers/cli.js';

/** Answers every A query with 127.0.0.1 (other types: no records), each after `delayMs`. */
function slowDnsServer(delayMs: number): Promise<{ server: string; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (question === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const answers = question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 60, data: '127.0.0.1' }] : [];
      socket.send(dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [question], answers }), peer.port, peer.address);
    }, delayMs);
    timers.add(timer);
  });
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () => {
      const close = (): Promise<void> => {
        for (const timer of timers) clearTimeout(timer);
        return new Promise((done) => socket.close(() => done()));
      };
      resolve({ server: `127.0.0.1:${socket.address().port}`, close });
    });
  });
}

// Counts the TCP connects made after undici was evaluated, and says whether it was by exit: as a CommonJS
// package (dist/src/cli.js) or as the one file's text chunk (scripts/bundle-plugins.mjs).
const SPY = `data:text/javascript,${encodeURIComponent(
  [
    "import net from 'node:net'; import vm from 'node:vm'; import { createRequire } from 'node:module';",
    'const cache = createRequire("/").cache; const chunks = []; const run = vm.runInThisContext;',
    'vm.runInThisContext = (code, options) => { chunks.push(String(options?.filename)); return run(code, options); };',
    "const undici = () => Object.keys(cache).some((k) => k.includes('/node_modules/undici/')) || chunks.some((f) => f.includes('undici'));",
    'let connects = 0; let afterUndici = 0; const connect = net.Socket.prototype.connect;',
    'net.Socket.prototype.connect = function (...args) { connects += 1; if (undici()) afterUndici += 1; return connect.apply(this, args); };',
    "process.on('exit', () => process.stderr.write(`UNDICI ${JSON.stringify({ connects, afterUndici, atExit: undici() })}\\n`));",
  ].join('\n'),
)}`;

describe('heavy checks load after the name lookups', () => {
  let dns: { server: string; close: () => Promise<void> };
  let listener: Server;
  let port = 0;
  before(async () => {
    // Long enough for undici to load several times over while the answers are out.
    dns = await slowDnsServer(400);
    listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  after(async () => {
    await dns.close();
    await new Promise((resolve) => listener.close(resolve));
  });

  for (const [form, entry] of [
    ['dist/src/cli.js', CLI_PATH],
    ['dist/amlprobe.mjs', join(REPO_ROOT, 'dist', 'amlprobe.mjs')],
  ] as const) {
    it(`${form}: every connection starts before undici loads, which still loads during the run`, async () => {
      // More endpoints than start in one turn of the event loop (64, src/engine/run-endpoints.ts):
      // the connections the answers let go then wait for a turn, as the prefetch does.
      const names = Array.from({ length: 80 }, (_, i) => `tcp://slow-${i}.test:${port}`);
      const args = ['--import', SPY, entry, 'check', `https://slow-a.test:${port}/`, ...names];
      args.push('--dns-server', dns.server, '--no-system-resolver', '--no-proxy', '--timeout', '2s', '--format', 'json');
      const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, args, { env: cliEnv(), timeout: 30_000, encoding: 'utf8' }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
      });
      const seen = JSON.parse(/UNDICI (\{.*\})/.exec(r.stderr)?.[1] ?? 'null') as { connects: number; afterUndici: number; atExit: boolean } | null;
      assert.ok(seen !== null, r.stderr);
      // Control: the names resolved and both endpoints connected (the listener then hangs up).
      const report = JSON.parse(r.stdout) as { results: { checks: { layer: string; status: string }[] }[] };
      for (const result of report.results) assert.equal(result.checks.find((l) => l.layer === 'tcp')?.status, 'pass', r.stdout);
      assert.equal(seen.connects, 81, r.stderr);
      assert.equal(seen.afterUndici, 0, 'connections started after undici loaded: it held the name lookups or the connections waiting for a turn');
      assert.equal(seen.atExit, true, 'the HTTP check was never prefetched');
    });
  }
});
