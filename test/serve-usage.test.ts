// `amlprobe serve`'s usage errors: every bad --listen, --interval or stray flag or target is exit 2
// with a sentence naming it, before any probe; the listen address parser and label escaping.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Flags } from '../src/cli/args.js';
import { serveOptions } from '../src/cli/serve-command.js';
import { isUsageError } from '../src/errors.js';
import { escapeLabelValue } from '../src/report/prometheus.js';
import { parseListenAddress } from '../src/serve/listen-address.js';
import { describeRun, runCli } from './helpers/cli.js';
import { startTcpServer } from './helpers/listeners.js';
import { configYaml } from './helpers/serve-config.js';
import { writeConfig } from './helpers/serve-process.js';

describe('serve: usage errors are exit 2 before any probe', { concurrency: true, timeout: 120_000 }, () => {
  // Validation of serve's own flags, table-driven in process (each is a UsageError, i.e. exit 2);
  // the CLI cases below show the exit code and message end to end.
  const cases: { case: string; flags: Partial<Flags>; message: RegExp }[] = [
    { case: 'host name', flags: { listen: 'example.com:9464' }, message: /--listen 'example.com:9464': .*not an IP address/ },
    { case: 'port alone', flags: { listen: '9464' }, message: /port alone/ },
    { case: 'port too big', flags: { listen: '127.0.0.1:70000' }, message: /from 0 to 65535/ },
    { case: 'IPv6 without brackets', flags: { listen: '::1:9464' }, message: /not HOST:PORT|brackets/ },
    { case: 'not IPv6 in brackets', flags: { listen: '[127.0.0.1]:9464' }, message: /not an IPv6 address/ },
    { case: 'bad interval', flags: { interval: 'soon' }, message: /--interval 'soon'/ },
    { case: 'interval too short', flags: { interval: '10ms' }, message: /shorter than 100 ms/ },
    { case: '--output', flags: { output: ['x.json'] }, message: /serve writes no report file/ },
  ];
  for (const c of cases) {
    it(`serveOptions: ${c.case}`, () => {
      assert.throws(() => serveOptions(c.flags as Flags), (error: unknown) => isUsageError(error) && c.message.test(error.message));
    });
  }
  it('serveOptions: defaults are 60 s and 127.0.0.1:9464', () => {
    assert.deepEqual(serveOptions({} as Flags, {}), { intervalMs: 60_000, listen: { host: '127.0.0.1', port: 9464 }, statePath: undefined });
  });

  let config: ReturnType<typeof writeConfig>;
  before(() => {
    config = writeConfig(configYaml([{ id: 'x', target: 'tcp://127.0.0.1:1' }]));
  });
  after(() => config.remove());
  const cliCases: { case: string; args: string[]; message: RegExp }[] = [
    { case: 'cli: bad --listen', args: ['--listen', 'example.com:9464'], message: /^amlprobe: error: --listen 'example.com:9464': .*not an IP address/ },
    { case: 'cli: address not on this machine', args: ['--listen', '192.0.2.1:0'], message: /not on any interface/ },
    { case: 'cli: a target', args: ['tcp://127.0.0.1:1'], message: /serve takes no targets/ },
  ];
  for (const c of cliCases) {
    it(c.case, async () => {
      const run = await runCli(['serve', '--config', config.path, '--no-system-resolver', ...c.args], { killAfterMs: 30_000 });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, c.message);
    });
  }

  it('port in use', async () => {
    const busy = await startTcpServer();
    try {
      const run = await runCli(['serve', '--config', config.path, '--no-system-resolver', '--listen', `127.0.0.1:${busy.port}`], { killAfterMs: 30_000 });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busy.port}: the port is already in use`));
    } finally {
      await busy.close();
    }
  });

  it('parseListenAddress accepts IPv4, bracketed IPv6, localhost and the default', () => {
    assert.deepEqual(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
    assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListenAddress('localhost:9464'), { host: 'localhost', port: 9464 });
  });

  it('escapeLabelValue escapes backslash, quote and newline, and nothing else', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd é'), 'a\\\\b\\"c\\nd é');
  });
});
