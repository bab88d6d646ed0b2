// --output onto what is not a plain file: a symbolic link is followed (the link stays a link, its
// target gets the report, atomically when it is a regular file, keeping its mode); a FIFO, a
// character device and a Unix socket are written through and stay what they are; a directory,
// also behind a link, is exit 2. All of them are created in the test's own temporary directory.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import { describeRun, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { startTcpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';

/** The catalog as JSON: a report that needs no network, written through the same output code. */
const catalogTo = (path: string): Promise<CliResult> => runCli(['catalog', '--format', 'json', '--output', path], { offline: true });

/** `cat FIFO` in a child process: what it read once the writer closed; killed if amlprobe never opens the FIFO. */
function readFifo(fifo: string): { text: Promise<string>; stop: () => void } {
  const child = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { text: new Promise((resolve) => child.once('close', () => resolve(text))), stop: () => void child.kill() };
}

describe('cli: --output onto links, FIFOs, devices, sockets and directories', { concurrency: 4 }, () => {
  let dir: string;
  let open: Listener;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-cli-special-'));
    open = await startTcpServer();
  });
  after(async () => {
    await open?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a symbolic link to a regular file: the link stays, the target gets the report with its mode kept', async () => {
    const out = await mkdtemp(join(dir, 'link-file-'));
    const target = join(out, 'real.json');
    writeFileSync(target, '{"stale": true}\n');
    chmodSync(target, 0o640);
    symlinkSync('real.json', join(out, 'link.json'));
    const run = await catalogTo(join(out, 'link.json'));
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(lstatSync(join(out, 'link.json')).isSymbolicLink(), 'the link is still a link');
    assert.equal(statSync(target).mode & 0o777, 0o640, 'the replaced file keeps its mode');
    assert.ok((JSON.parse(readFileSync(target, 'utf8')) as { rows: unknown[] }).rows.length > 20);
    assert.deepEqual(readdirSync(out).sort(), ['link.json', 'real.json'], 'no temporary file left behind');
  });

  it('a dangling symbolic link: its target is created, the link stays', async () => {
    const out = await mkdtemp(join(dir, 'link-dangling-'));
    symlinkSync('later.json', join(out, 'link.json'));
    const run = await catalogTo(join(out, 'link.json'));
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(lstatSync(join(out, 'link.json')).isSymbolicLink());
    JSON.parse(readFileSync(join(out, 'later.json'), 'utf8'));
  });

  for (const viaLink of [false, true]) {
    it(`a FIFO${viaLink ? ' behind a symbolic link' : ''}: written through to its reader, still a FIFO`, async () => {
      const out = await mkdtemp(join(dir, 'fifo-'));
      const fifo = join(out, 'report.fifo');
      execFileSync('mkfifo', [fifo]);
      if (viaLink) symlinkSync(fifo, join(out, 'link'));
      const reader = readFifo(fifo);
      try {
        const run = await catalogTo(viaLink ? join(out, 'link') : fifo);
        assert.equal(run.code, 0, describeRun(run));
        assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is not replaced by a regular file');
        if (viaLink) assert.ok(lstatSync(join(out, 'link')).isSymbolicLink());
        assert.ok((JSON.parse(await reader.text) as { rows: unknown[] }).rows.length > 20);
      } finally {
        reader.stop();
      }
    });
  }

  it('a character device (a null device made with mknod here): written through, still a device', async () => {
    const out = await mkdtemp(join(dir, 'device-'));
    const device = join(out, 'null');
    execFileSync('mknod', [device, 'c', '1', '3']);
    const run = await catalogTo(device);
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(lstatSync(device).isCharacterDevice(), 'the device is not replaced by a regular file');
    assert.deepEqual(readdirSync(out), ['null']);
  });

  it('a Unix socket: the report arrives over a connection, the socket file stays', async () => {
    const out = await mkdtemp(join(dir, 'socket-'));
    const path = join(out, 'report.sock');
    let received = '';
    const server = createServer((socket) => socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk)));
    const ended = new Promise<void>((resolve) => server.on('connection', (socket) => socket.on('end', resolve)));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const run = await runCli(['check', `tcp://127.0.0.1:${open.port}`, '--no-system-resolver', '--timeout', '500ms', '--format', 'json', '--output', path]);
      assert.equal(run.code, 0, describeRun(run));
      assert.ok(lstatSync(path).isSocket(), 'the socket is not replaced by a regular file');
      await ended;
      assert.deepEqual((JSON.parse(received) as Report).results.map((r) => r.reason), ['ok']);
    } finally {
      server.close();
    }
  });

  it('a symbolic link to a directory: exit 2 before anything is written', async () => {
    const out = await mkdtemp(join(dir, 'link-dir-'));
    mkdirSync(join(out, 'reports'));
    symlinkSync('reports', join(out, 'link'));
    const run = await catalogTo(join(out, 'link'));
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^amlprobe: error: --output: cannot write the report to '.*link': it is a directory; name a file\.\n$/);
    assert.deepEqual(readdirSync(join(out, 'reports')), []);
  });

  it('the same file named twice through a link is caught as one file', async () => {
    const out = await mkdtemp(join(dir, 'twice-'));
    writeFileSync(join(out, 'a.json'), '{}\n');
    symlinkSync('a.json', join(out, 'b.json'));
    const run = await runCli(['check', 'tcp://never-resolved.test:443', '--no-system-resolver', '-o', join(out, 'a.json'), '-o', join(out, 'b.json')]);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /b\.json': named twice \(as '.*a\.json'\)/);
  });
});
