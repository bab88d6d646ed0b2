// The deadline covers the whole command: IMDS, the access token and registry discovery run inside
// it, with at most a third of it, and the engine gets what is left. Stalled fakes on loopback
// (they accept and never answer) would otherwise add their own timeouts on top of --deadline.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import { describeRun, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import { startTcpServer, type Listener } from './helpers/listeners.js';

/**
 * What a command may take past its deadline: the engine's 250 ms fence, writing the report, and
 * the exit; plus slack for a machine shared with other tests. Stated in README (Deadline).
 */
const MARGIN_MS = 1_500;

describe('pre-run steps inside the deadline', () => {
  let stall: Listener;
  let stalls: Listener[];
  let dns: TestDnsServer;
  let dir: string;
  let config: string;
  before(async () => {
    stall = await startTcpServer(); // accepts, never speaks: discovery and IMDS stall on it
    stalls = await Promise.all([1, 2, 3, 4].map(() => startTcpServer()));
    dns = await startDnsServer({});
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-prerun-'));
    config = join(dir, 'amlprobe.yaml');
    // Four endpoints that each stall a full TLS timeout, one at a time: enough to fill any deadline.
    const endpoints = stalls.map((l, i) => `  - { id: stall-${i}, target: 'tls://127.0.0.1:${l.port}' }`).join('\n');
    await writeFile(config, `version: 1\nworkspace:\n  registries:\n    - { name: reg1, region: eastus }\nscenarios: [registry-private]\nendpoints:\n${endpoints}\n`);
  });
  after(async () => {
    await stall.close();
    await Promise.all(stalls.map((l) => l.close()));
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  const base = (): string[] => ['--config', config, '--no-system-resolver', '--dns-server', dns.server, '--concurrency', '1'];
  const stalledAzure = (): Record<string, string> => ({
    AMLPROBE_DISCOVERY_URL: `https://127.0.0.1:${stall.port}`,
    AMLPROBE_TOKEN: 'token-for-the-stalled-discovery-host',
    AMLPROBE_IMDS_URL: `http://127.0.0.1:${stall.port}/metadata/instance?api-version=2021-02-01`,
  });

  it('run --deadline 3s with stalled IMDS and discovery ends within the deadline', async () => {
    const run = await runCli(['run', ...base(), '--deadline', '3s', '--format', 'json'], { env: stalledAzure() });
    assert.equal(run.code, 1, describeRun(run));
    assert.ok(run.ms <= 3_000 + MARGIN_MS, `took ${run.ms} ms against --deadline 3s\n${describeRun(run)}`);
    const report = parseJsonOutput<Report>(run);
    const discovery = report.results.find((r) => r.id === 'registry-discovery-auth-reg1');
    // IMDS (1 s) may use up the 1 s share before the token is even asked for: either way the row says why.
    assert.ok(['discovery_no_token', 'discovery_unreachable'].includes(discovery?.reason ?? ''), JSON.stringify(discovery));
    assert.match(discovery?.message ?? '', /a third of the 3000 ms run deadline/);
    assert.ok(report.durationMs <= 3_000 + MARGIN_MS, `report says ${report.durationMs} ms`);
    assert.equal(report.deadlineHit, true);
  });

  it('healthcheck keeps its documented 10 s with stalled IMDS and discovery and a config deadline of 60 s', async () => {
    await writeFile(join(dir, 'long.yaml'), `${(await import('node:fs')).readFileSync(config, 'utf8')}settings:\n  deadline: 60s\n`);
    const run = await runCli(['healthcheck', ...base().map((a) => (a === config ? join(dir, 'long.yaml') : a))], { env: stalledAzure(), killAfterMs: 30_000 });
    assert.equal(run.code, 1, describeRun(run));
    assert.ok(run.ms <= 10_000 + MARGIN_MS, `took ${run.ms} ms against the 10 s healthcheck deadline\n${describeRun(run)}`);
    assert.match(run.stderr, /required endpoint\(s\) failed/);
  });
});
