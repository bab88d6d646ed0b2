// Every file the user names is read with a size cap (src/bounded-read.ts): a FIFO fed forever
// (what `--config /dev/zero` is) stops at the cap, a regular file over it is refused before it is
// read, and either is exit 2 naming the file and the limit. Big files are sparse: they cost no disk.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputTooLargeError, readFileCapped } from '../src/bounded-read.js';
import { describeRun, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';

const MiB = 1024 * 1024;

/** Asserts exit 2 with one line that names the file and the limit, and no stack. */
function assertTooLarge(run: CliResult, file: string, limit: string): void {
  const where = describeRun(run);
  assert.equal(run.code, 2, where);
  assert.match(run.stderr, /^amlprobe: error: /, where);
  assert.ok(run.stderr.includes(file), `the message names ${file}\n${where}`);
  assert.match(run.stderr, new RegExp(`larger than ${limit}, the most amlprobe reads`), where);
  assert.doesNotMatch(run.stderr, /\n\s+at /, where);
}

describe('input files are read with a size cap', { concurrency: 4 }, () => {
  let dir: string;
  const feeders: ChildProcess[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-input-limits-'));
  });
  after(async () => {
    for (const feeder of feeders) feeder.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A FIFO that a child process (`yes`) feeds until its reader goes away: an endless input. */
  function endlessFifo(name: string, line: string): string {
    const fifo = join(dir, name);
    execFileSync('mkfifo', [fifo]);
    const feeder = spawn('sh', ['-c', 'exec yes "$1" > "$2"', 'sh', line, fifo], { stdio: 'ignore' });
    feeders.push(feeder);
    return fifo;
  }

  function sparseFile(name: string, size: number): string {
    const path = join(dir, name);
    writeFileSync(path, '');
    truncateSync(path, size);
    return path;
  }

  it('--config fed forever through a FIFO: exit 2 at 4 MiB', async () => {
    const fifo = endlessFifo('config.fifo', '# comment');
    const run = await runCli(['catalog', '--config', fifo], { offline: true });
    assertTooLarge(run, fifo, '4 MiB');
  });

  it('--ca-file fed forever through a FIFO: exit 2 at 16 MiB', async () => {
    const fifo = endlessFifo('ca.fifo', 'not a certificate');
    const run = await runCli(['check', 'tcp://never-resolved.test:443', '--no-system-resolver', '--ca-file', fifo]);
    assertTooLarge(run, fifo, '16 MiB');
  });

  it('system files amlprobe reads on its own (resolv.conf, hosts, .nbvm) fed forever: the run still ends with its verdicts', async () => {
    // Not the user's input, so not exit 2: a file over 16 MiB reads as unreadable, like a missing one.
    const env = {
      AMLPROBE_RESOLV_CONF: endlessFifo('resolv.fifo', 'nameserver 127.0.0.1'),
      AMLPROBE_HOSTS_FILE: endlessFifo('hosts.fifo', '127.0.0.1 fed-forever.amlprobe.test'),
      AMLPROBE_NBVM_FILE: endlessFifo('nbvm.fifo', 'instance=ci-fed-forever'),
    };
    const run = await runCli(['check', 'dns://fed-forever.amlprobe.test', '--no-system-resolver', '--timeout', '1s', '--format', 'json'], { env, killAfterMs: 30_000 });
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(JSON.parse(run.stdout).results.length, 1, describeRun(run));
    assert.doesNotMatch(run.stderr, /\n\s+at /, describeRun(run));
  });

  const files: { case: string; size: number; limit: string; args: (file: string) => string[] }[] = [
    { case: '--config', size: 4 * MiB + 1, limit: '4 MiB', args: (f) => ['catalog', '--config', f] },
    { case: '--workspace-json', size: 4 * MiB + 1, limit: '4 MiB', args: (f) => ['catalog', '--workspace-json', f] },
    { case: '--private-endpoints-json', size: 64 * MiB + 1, limit: '64 MiB', args: (f) => ['check', '--no-system-resolver', '--private-endpoints-json', f] },
    { case: 'diff (old report)', size: 256 * MiB + 1, limit: '256 MiB', args: (f) => ['diff', f, f] },
  ];
  for (const c of files) {
    it(`${c.case}: a regular file one byte over ${c.limit} is refused before it is read`, async () => {
      const file = sparseFile(`${c.case.replace(/\W+/g, '-')}.big`, c.size);
      const run = await runCli(c.args(file), { offline: !c.args(file).includes('--no-system-resolver') });
      assertTooLarge(run, file, c.limit);
    });
  }

  it('readFileCapped: exactly the cap is read whole, one byte more is refused, also from a FIFO', async () => {
    const exact = join(dir, 'exact');
    writeFileSync(exact, 'x'.repeat(100));
    assert.equal(readFileCapped(exact, 100).length, 100);
    assert.throws(() => readFileCapped(exact, 99), (error: unknown) => error instanceof InputTooLargeError && error.limit === 99);
    // A FIFO has no size to check first: the cap holds while reading. (readFileCapped is
    // synchronous, so it runs in a child: this process must keep serving the other tests.)
    const fifo = endlessFifo('unit.fifo', 'y');
    const script = `import('${new URL('../src/bounded-read.js', import.meta.url).href}').then((m) => { try { m.readFileCapped(process.argv[1], 1000); } catch (e) { console.log(e.name, e.limit); } })`;
    const out = execFileSync(process.execPath, ['-e', script, fifo], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(out.trim(), 'InputTooLargeError 1000');
  });
});
