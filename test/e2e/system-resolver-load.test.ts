// The system resolver under load (issue 11, the defect 9 kind): getaddrinfo runs on libuv's four
// threads, so a burst of names waits in libuv's queue; that wait must not count against a lookup's
// timeout. The built CLI runs in a network namespace whose resolv.conf (bind-mounted by `ip netns
// exec`) names a DNS server on the namespace's own 127.0.0.1:53 that answers everything after
// 100 ms (A and AAAA, one after the other): 100 names need about 5 s of lookups, four at a time, with a 1 s timeout. Every name must
// pass. Needs root and iproute2: it FAILS without them.

import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, CLI_PATH, REPO_ROOT } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';
import { assertPrerequisites, IP, run } from './helpers/netns.js';

const NS = `hd-sysres-${process.pid}`;
const NAMES = 100;

// Answers A with 10.1.2.3 and AAAA with no data, 100 ms after each query; prints "ready" once bound.
const SLOW_SERVER = `
const dgram = require('node:dgram');
const dns = require('dns-packet');
const socket = dgram.createSocket('udp4');
socket.on('message', (raw, peer) => {
  let q;
  try { q = dns.decode(raw); } catch { return; }
  const question = q.questions[0];
  const answers = question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 60, data: '10.1.2.3' }] : [];
  setTimeout(() => socket.send(dns.encode({ type: 'response', id: q.id, flags: dns.RECURSION_AVAILABLE | dns.RECURSION_DESIRED, questions: q.questions, answers }), peer.port, peer.address), 100);
});
socket.bind(53, '127.0.0.1', () => console.log('ready'));
`;

describe('the system resolver under a burst of names, in a network namespace', () => {
  let server: ChildProcess | undefined;

  before(async () => {
    assertPrerequisites([{ program: 'ip', debianPackage: 'iproute2' }]);
    await run(IP, ['netns', 'add', NS]);
    await run(IP, ['-n', NS, 'link', 'set', 'lo', 'up']);
    mkdirSync(join('/etc/netns', NS), { recursive: true });
    writeFileSync(join('/etc/netns', NS, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:5 attempts:1\n');
    server = spawn(IP, ['netns', 'exec', NS, process.execPath, '-e', SLOW_SERVER], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      server?.stdout?.once('data', () => resolve());
      server?.once('exit', (code) => reject(new Error(`the slow DNS server exited (${code})`)));
    });
  });

  after(async () => {
    if (server?.pid !== undefined && server.exitCode === null) process.kill(server.pid, 'SIGKILL');
    await run(IP, ['netns', 'del', NS]).catch(() => undefined);
    rmSync(join('/etc/netns', NS), { recursive: true, force: true });
  });

  it(`${NAMES} names, four lookups at a time, 1 s timeout: every name ok, no dns_timeout`, async () => {
    const targets = Array.from({ length: NAMES }, (_, i) => `dns://n${i}.slow.test`);
    const args = ['netns', 'exec', NS, process.execPath, CLI_PATH, 'check', ...targets, '--timeout', '1s', '--deadline', '60s', '--format', 'json'];
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      execFile(IP, args, { env: cliEnv({ UV_THREADPOOL_SIZE: undefined }), timeout: 90_000, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, out, err) =>
        resolve({ stdout: out, stderr: err, code: error === null ? 0 : typeof error.code === 'number' ? error.code : null }),
      );
    });
    const report = JSON.parse(stdout) as Report;
    const counts: Record<string, number> = {};
    for (const result of report.results) {
      const reason = result.checks[0]?.reason ?? 'none';
      counts[reason] = (counts[reason] ?? 0) + 1;
    }
    assert.deepEqual(counts, { ok: NAMES }, `exit ${code}; stderr: ${stderr}`);
    assert.equal(code, 0);
  });
});
