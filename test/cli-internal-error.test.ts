// The exit-3 contract: a bug that escapes (thrown in a command, thrown in an event callback, a
// rejected promise nobody awaited) ends with exit 3 and exactly one line on stderr asking for a
// bug report; the stack only with AMLPROBE_DEBUG=1. The bug is planted in a real command through
// the test-only hook AMLPROBE_TEST_CRASH (src/cli/internal-error.ts).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { internalErrorLine } from '../src/cli/internal-error.js';
import { describeRun, runCli } from './helpers/cli.js';
import { startTcpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';

const LINE = /^amlprobe: internal error: TypeError: planted by AMLPROBE_TEST_CRASH=(throw|uncaught|rejection) second line of the message \(a bug in amlprobe: please report it with the command you ran; AMLPROBE_DEBUG=1 shows the stack\)\n$/;

describe('exit 3: one line asking for a bug report', { concurrency: 3 }, () => {
  let open: Listener;
  before(async () => {
    open = await startTcpServer();
  });
  after(async () => {
    await open?.close();
  });

  for (const how of ['throw', 'uncaught', 'rejection']) {
    it(`a bug planted as '${how}' in check: exit 3, one line, no stack`, async () => {
      const run = await runCli(['check', `tcp://127.0.0.1:${open.port}`, '--no-system-resolver', '--timeout', '2s'], { env: { AMLPROBE_TEST_CRASH: how } });
      assert.equal(run.code, 3, describeRun(run));
      assert.match(run.stderr, LINE, describeRun(run));
    });
  }

  it('AMLPROBE_DEBUG=1 adds the stack after the line', async () => {
    const run = await runCli(['catalog'], { offline: true, env: { AMLPROBE_TEST_CRASH: 'throw', AMLPROBE_DEBUG: '1' } });
    assert.equal(run.code, 3, describeRun(run));
    const [first, ...rest] = run.stderr.split('\n');
    assert.match(`${first}\n`, LINE);
    assert.match(rest.join('\n'), /^TypeError: planted by AMLPROBE_TEST_CRASH=throw\nsecond line of the message\n\s+at /);
  });

  it('the line is bounded and printable, whatever the message holds', () => {
    const line = internalErrorLine(new Error(`bad\r\nanswer \x1b[31m${'x'.repeat(1000)}`));
    assert.equal(line.split('\n').length, 2, 'one line and its newline');
    assert.doesNotMatch(line, /[\x00-\x09\x0b-\x1f]/);
    assert.ok(line.length < 500, `${line.length} characters`);
    assert.match(line, /^amlprobe: internal error: bad answer +\[31mx+\.\.\. \(a bug in amlprobe/);
    assert.match(internalErrorLine('a string thrown'), /^amlprobe: internal error: a string thrown \(/);
  });
});
