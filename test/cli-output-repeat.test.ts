// Repeatable --output: one probe run writes several reports, each in the format its extension
// names (or --format for a single file without one), "wrote PATH" on stderr per file; conflicts,
// the same file twice and an output whose format cannot be told are exit 2 before any probe.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import { describeRun, runCli } from './helpers/cli.js';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';

describe('cli: repeatable --output', { concurrency: 4 }, () => {
  let open: Listener;
  let closed: number;
  let dir: string;
  before(async () => {
    open = await startTcpServer();
    closed = await closedTcpPort();
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-cli-outputs-'));
  });
  after(async () => {
    await open?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const targets = (): string[] => [`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closed}`];
  const probeFlags = ['--no-system-resolver', '--timeout', '500ms'];

  it('check -o a.json -o a.html -o a.md -o a.xml -o a.txt: one run, five reports in their formats', async () => {
    const out = await mkdtemp(join(dir, 'five-'));
    const names = ['a.json', 'a.html', 'a.md', 'a.xml', 'a.txt'];
    const run = await runCli(['check', ...targets(), ...probeFlags, ...names.flatMap((n) => ['--output', join(out, n)])]);
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, names.map((n) => `amlprobe: wrote ${join(out, n)}\n`).join(''));
    assert.deepEqual(readdirSync(out).sort(), [...names].sort(), 'no temporary file left behind');
    const read = (name: string): string => readFileSync(join(out, name), 'utf8');
    const report = JSON.parse(read('a.json')) as Report;
    assert.deepEqual(report.results.map((r) => r.reason), ['ok', 'tcp_refused']);
    assert.match(read('a.html'), /^<!DOCTYPE html>/i);
    assert.match(read('a.md'), /^\|.*endpoint.*\|/im);
    assert.match(read('a.xml'), /<testsuites[\s>]/);
    assert.match(read('a.txt'), /^2 endpoints: 1 pass, 1 fail/m);
    // The same run: every report carries the same start time.
    assert.ok(read('a.html').includes(report.startedAt), 'the HTML report is of the same run as the JSON one');
    // And the same causes: the refused port is the one cause, named alike in every text format.
    const [cause, ...others] = report.causes ?? [];
    assert.ok(cause !== undefined && others.length === 0, JSON.stringify(report.causes));
    assert.deepEqual(cause.endpoints, [report.results[1]?.id]);
    assert.ok(read('a.txt').startsWith(`What to fix first (1 cause):\n  1. ${cause.summary}`), read('a.txt'));
    assert.ok(read('a.md').includes(`## What to fix first\n\n1. ${cause.summary}`), read('a.md'));
    assert.ok(read('a.html').includes(`<li data-cause="${cause.id}"><p class="c-summary">${cause.summary}`), 'the HTML lists the cause');
  });

  it('--format applies to a single --output without a known extension', async () => {
    const out = await mkdtemp(join(dir, 'format-'));
    const file = join(out, 'report');
    const run = await runCli(['check', targets()[0] ?? '', ...probeFlags, '--format', 'json', '--output', file]);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stderr, `amlprobe: wrote ${file}\n`);
    assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as Report).results.map((r) => r.reason), ['ok']);
  });

  it('--format json plus extensions that agree, and a file without one: all JSON', async () => {
    const out = await mkdtemp(join(dir, 'agree-'));
    const run = await runCli(['check', targets()[0] ?? '', ...probeFlags, '-f', 'json', '-o', join(out, 'one.json'), '-o', join(out, 'two')]);
    assert.equal(run.code, 0, describeRun(run));
    for (const name of ['one.json', 'two']) JSON.parse(readFileSync(join(out, name), 'utf8'));
  });

  const refusals: { case: string; args: (out: string) => string[]; says: RegExp }[] = [
    { case: 'an extension that disagrees with --format', args: (out) => ['--format', 'json', '--output', join(out, 'r.html')], says: /extension means html but --format says json/ },
    { case: 'the same file twice', args: (out) => ['-o', join(out, 'r.json'), '-o', join(out, '.', 'r.json')], says: /named twice/ },
    { case: 'several outputs, one without a known extension', args: (out) => ['-o', join(out, 'r.json'), '-o', join(out, 'r.jsn')], says: /r\.jsn'.*each names its format by its extension: \.json \(json\)/ },
    { case: 'an unknown --format', args: (out) => ['--format', 'yaml', '-o', join(out, 'r')], says: /unknown format 'yaml'/ },
  ];
  for (const c of refusals) {
    it(`exit 2 before any probe: ${c.case}`, async () => {
      const out = await mkdtemp(join(dir, 'refused-'));
      // A name no resolver may ever be asked about: a probe would fail the test by its reason, not by exit 2.
      const run = await runCli(['check', 'tcp://never-resolved.test:443', ...probeFlags, ...c.args(out)]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, /^amlprobe: error: --output: |^amlprobe: error: --format: /, describeRun(run));
      assert.match(run.stderr, c.says, describeRun(run));
      assert.deepEqual(readdirSync(out), [], 'nothing written');
    });
  }

  it('catalog and diff write one report: a second --output is exit 2', async () => {
    const out = await mkdtemp(join(dir, 'catalog-'));
    const run = await runCli(['catalog', '-o', join(out, 'a.csv'), '-o', join(out, 'b.csv')], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /'catalog' writes one report; give --output once/);
    assert.deepEqual(readdirSync(out), []);
  });

  it('lab -o lab.json -o lab.txt: the lab verdict rides in the JSON, the banner in the table', async () => {
    const out = await mkdtemp(join(dir, 'lab-'));
    const run = await runCli(['lab', '-o', join(out, 'lab.json'), '-o', join(out, 'lab.txt')], { offline: true, killAfterMs: 60_000 });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `amlprobe: wrote ${join(out, 'lab.json')}\namlprobe: wrote ${join(out, 'lab.txt')}\n`);
    const doc = JSON.parse(readFileSync(join(out, 'lab.json'), 'utf8')) as { lab?: unknown };
    assert.ok(doc.lab, 'the lab verdict in the JSON report');
    assert.match(readFileSync(join(out, 'lab.txt'), 'utf8'), /^amlprobe lab: a simulated secured workspace/);
  });
});
