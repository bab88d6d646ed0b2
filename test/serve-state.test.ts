// serve's state file and `healthcheck --serve-state`, the container image's HEALTHCHECK: a real
// serve writes the file as a required listener goes up, down and up; the healthcheck follows it
// without probing (it answers even when planning would refuse the environment); no file is a
// one-shot container (exit 0); stale, corrupt or foreign files are exit 1; a state file that
// cannot be written is said once and serve goes on.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVE_STATE_KIND } from '../src/serve/state-file.js';
import type { ServeStateFile } from '../src/serve/state-file.js';
import { judgeServeState, STALE_SLACK_MS } from '../src/serve/state-verdict.js';
import { describeRun, runCli } from './helpers/cli.js';
import { FlappingListener } from './helpers/flapping-listener.js';
import { closedTcpPort } from './helpers/listeners.js';
import { startServe, waitFor, writeConfig } from './helpers/serve-process.js';

/** A fresh temporary directory, removed by the test. */
function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-serve-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const healthcheck = (path: string, env: Record<string, string> = {}) => runCli(['healthcheck', '--serve-state', path], { offline: true, env });

/** A state as serve writes it, ended `agoMs` ago. */
function state(nowMs: number, agoMs: number | undefined, requiredFailed = 0): ServeStateFile {
  return {
    kind: SERVE_STATE_KIND, version: 1, pid: 4242, startedAtMs: nowMs - 3_600_000, intervalMs: 60_000, deadlineMs: 15_000, runs: 7,
    ...(agoMs === undefined ? {} : { lastRun: { endedAtMs: nowMs - agoMs, durationMs: 900, requiredFailed, failing: requiredFailed > 0 ? ['db (tcp://10.0.0.5:5432): tcp tcp_refused: refused\u001b[31m'] : [] } }),
  };
}

describe('serve state file and healthcheck --serve-state', { concurrency: true, timeout: 120_000 }, () => {
  it('follows a real serve: healthy, then the failing required endpoint named, then healthy again', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'state', 'serve-state.json');
    const listener = new FlappingListener(await closedTcpPort());
    await listener.up();
    const config = writeConfig(`version: 1\nsettings:\n  timeout: 1s\nendpoints:\n  - { id: flapping, target: "tcp://127.0.0.1:${listener.port}" }\n`);
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '200ms', '--serve-state', path]);
    t.after(async () => {
      await serve.stop();
      await listener.down();
      config.remove();
    });
    assert.match(serve.stderr(), new RegExp(`state in ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const until = (code: number, what: string) =>
      waitFor(what, async () => {
        const run = await healthcheck(path);
        return run.code === code ? run : undefined;
      }, 20_000);
    const healthy = await until(0, 'a healthy state');
    assert.deepEqual([healthy.stdout, healthy.stderr], ['', ''], describeRun(healthy));
    const written = JSON.parse(readFileSync(path, 'utf8')) as ServeStateFile;
    assert.equal(written.kind, SERVE_STATE_KIND);
    assert.equal(written.pid, serve.child.pid);
    assert.equal(written.intervalMs, 200);
    assert.ok(written.runs >= 1 && written.lastRun !== undefined);
    await listener.down();
    const failing = await until(1, 'the failure in the state');
    assert.match(failing.stderr, /^amlprobe healthcheck: 1 required endpoint\(s\) failed in serve's last run: flapping \(tcp:\/\/127\.0\.0\.1:\d+\): tcp tcp_refused: [^\n]*\n$/, describeRun(failing));
    await listener.up();
    await until(0, 'healthy again');
  });

  it('probes nothing: it answers where planning would refuse the environment (a bad AMLPROBE_REGION)', async (t) => {
    const path = join(tempDir(t), 'serve-state.json');
    writeFileSync(path, JSON.stringify(state(Date.now(), 1000)));
    const planned = await runCli(['healthcheck', '--no-system-resolver'], { env: { AMLPROBE_REGION: 'not a region!' } });
    assert.equal(planned.code, 2, `the probing healthcheck should refuse the region: ${describeRun(planned)}`);
    const run = await healthcheck(path, { AMLPROBE_REGION: 'not a region!' });
    assert.equal(run.code, 0, describeRun(run));
  });

  it('no state file: not a serve container (a one-shot run or lab), exit 0 with one line', async (t) => {
    const path = join(tempDir(t), 'absent.json');
    const run = await healthcheck(path);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, `amlprobe healthcheck: no serve state at ${path}: no 'amlprobe serve' runs here (a one-shot run or lab); nothing to check\n`);
  });

  const unusable = [
    { case: 'not JSON', text: '{"kind": "amlprobe-serve-st', error: /cannot use .*: not JSON$/ },
    { case: 'some other JSON', text: '{"results": []}', error: /not an amlprobe serve state file/ },
    { case: 'another version', text: JSON.stringify({ ...state(0, 0), version: 2 }), error: /state file version 2/ },
    { case: 'a stale state (serve stuck)', text: JSON.stringify(state(Date.now(), 60_000 + 15_000 + STALE_SLACK_MS + 5000)), error: /last run ended 11\d s ago; serve runs every 60 s with a 15 s deadline: is it stuck\?$/ },
  ];
  for (const c of unusable) {
    it(`exit 1 for ${c.case}`, async (t) => {
      const path = join(tempDir(t), 'serve-state.json');
      writeFileSync(path, c.text);
      const run = await healthcheck(path);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr.trim(), c.error);
    });
  }

  it('judgeServeState: fresh or stale, starting, failing (control characters made visible)', () => {
    const now = 10_000_000;
    assert.deepEqual(judgeServeState(state(now, 1000), now), { healthy: true });
    assert.deepEqual(judgeServeState(state(now, 60_000 + 15_000 + STALE_SLACK_MS - 1000), now), { healthy: true });
    assert.equal(judgeServeState(state(now, 60_000 + 15_000 + STALE_SLACK_MS + 1000), now).healthy, false);
    const failing = judgeServeState(state(now, 1000, 12), now);
    assert.equal(failing.healthy, false);
    assert.match(failing.message ?? '', /^12 required endpoint\(s\) failed in serve's last run: db \(tcp:\/\/10\.0\.0\.5:5432\): tcp tcp_refused: refused\\x1b\[31m; and 11 more$/);
    const starting = { ...state(now, undefined), startedAtMs: now - 5000 };
    assert.deepEqual(judgeServeState(starting, now), { healthy: false, message: 'serve (pid 4242) started 5 s ago: no run finished yet' });
    assert.match(judgeServeState({ ...starting, startedAtMs: now - 600_000 }, now).message ?? '', /started 600 s ago and has not finished a run/);
  });

  it('--serve-state with probe options is exit 2: it probes nothing', async (t) => {
    const run = await runCli(['healthcheck', '--serve-state', join(tempDir(t), 's.json'), '--config', 'x.yaml'], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--config has no effect/);
  });

  it('serve takes AMLPROBE_SERVE_STATE; a file it cannot write is said once and serve goes on', async (t) => {
    const dir = tempDir(t);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const config = writeConfig(`version: 1\nsettings:\n  timeout: 1s\nendpoints:\n  - { id: x, target: "tcp://127.0.0.1:${await closedTcpPort()}" }\n`);
    const serve = await startServe(['--config', config.path, '--no-system-resolver', '--interval', '100ms'], 30_000, { AMLPROBE_SERVE_STATE: join(blocker, 'state.json') });
    t.after(async () => {
      await serve.stop();
      config.remove();
    });
    await waitFor(`three runs; stderr: ${serve.stderr()}`, async () => (/run 3:/.test(serve.stderr()) ? true : undefined), 20_000).catch((e: unknown) => assert.fail(`${String(e)}: ${serve.stderr()}`));
    const warnings = serve.stderr().split('\n').filter((l) => l.includes('cannot write the state file'));
    assert.equal(warnings.length, 1, serve.stderr());
    assert.match(warnings[0]!, /a-file\/state\.json \((ENOTDIR|EEXIST)\)/);
  });
});
