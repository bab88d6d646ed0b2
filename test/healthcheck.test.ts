// `amlprobe healthcheck` probing a config (exit 0 silent, exit 1 with one line naming the failing
// required endpoints) and its deadline, against real loopback listeners. The --serve-state mode,
// which probes nothing, is in serve-state.test.ts.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeRun, runCli } from './helpers/cli.js';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';
import { configYaml } from './helpers/serve-config.js';
import { writeConfig } from './helpers/serve-process.js';

describe('healthcheck', { concurrency: true, timeout: 120_000 }, () => {
  let open: Listener;
  let closed: number;
  before(async () => {
    open = await startTcpServer();
    closed = await closedTcpPort();
  });
  after(() => open.close());

  const cases: { case: string; endpoints: (o: number, c: number) => { id: string; target: string; required?: boolean }[]; code: number; stderr: RegExp }[] = [
    { case: 'all required pass: exit 0, silent', endpoints: (o) => [{ id: 'a', target: `tcp://127.0.0.1:${o}` }], code: 0, stderr: /^$/ },
    {
      case: 'only an optional endpoint fails: exit 0, silent',
      endpoints: (o, c) => [
        { id: 'a', target: `tcp://127.0.0.1:${o}` },
        { id: 'b', target: `tcp://127.0.0.1:${c}`, required: false },
      ],
      code: 0,
      stderr: /^$/,
    },
    {
      case: 'a required endpoint fails: exit 1, one line naming it',
      endpoints: (o, c) => [
        { id: 'a', target: `tcp://127.0.0.1:${o}` },
        { id: 'db', target: `tcp://127.0.0.1:${c}` },
      ],
      code: 1,
      stderr: /^amlprobe healthcheck: 1 required endpoint\(s\) failed: db \(tcp:\/\/127\.0\.0\.1:\d+\): tcp tcp_refused: [^\n]*\n$/,
    },
  ];
  for (const c of cases) {
    it(c.case, async (t) => {
      const config = writeConfig(configYaml(c.endpoints(open.port, closed)));
      t.after(() => config.remove());
      // The deadline counts from the command's start (loading included): 10 s, not 5 x 500 ms, so
      // four CLIs starting at once on a busy machine still reach their probes.
      const run = await runCli(['healthcheck', '--config', config.path, '--no-system-resolver', '--deadline', '10s']);
      assert.equal(run.code, c.code, describeRun(run));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, c.stderr);
    });
  }

  it('--deadline bounds a run that would hang: exit 1 well before the layer timeout', async (t) => {
    const silent = await startTcpServer();
    const config = writeConfig(configYaml([{ id: 'stuck', target: `tls://127.0.0.1:${silent.port}` }], '30s'));
    t.after(async () => {
      await silent.close();
      config.remove();
    });
    const run = await runCli(['healthcheck', '--config', config.path, '--no-system-resolver', '--deadline', '700ms', '--timeout', '600ms']);
    assert.equal(run.code, 1, describeRun(run));
    // On a busy machine the 700 ms (counted from the command's start) may end before any layer starts.
    assert.match(run.stderr, /stuck .*(dns|tcp|tls) (tls_timeout|deadline)/);
    assert.ok(run.ms < 20_000, `took ${run.ms} ms`);
  });

  it('without --deadline, a config asking for 30 s layer timeouts is cut to the 10 s healthcheck deadline', async (t) => {
    const silent = await startTcpServer();
    const config = writeConfig(configYaml([{ id: 'stuck', target: `tls://127.0.0.1:${silent.port}` }], '30s'));
    t.after(async () => {
      await silent.close();
      config.remove();
    });
    const run = await runCli(['healthcheck', '--config', config.path, '--no-system-resolver'], { killAfterMs: 40_000 });
    assert.equal(run.code, 1, describeRun(run));
    // On a busy machine the 700 ms (counted from the command's start) may end before any layer starts.
    assert.match(run.stderr, /stuck .*(dns|tcp|tls) (tls_timeout|deadline)/);
    assert.ok(run.ms >= 9000 && run.ms < 25_000, `took ${run.ms} ms; expected about 10 s`);
  });
});
