// --quiet (the verdict line alone) and --verbose (each layer's time and each resolver's answer under
// every row), on real loopback peers and a test DNS server.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeRun, dnsFlags, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import { closedTcpPort, startTcpServer, type Listener } from './helpers/listeners.js';

describe('cli: --quiet and --verbose', () => {
  let dns: TestDnsServer;
  let tcp: Listener;
  let closed: number;
  before(async () => {
    dns = await startDnsServer({ 'open.test': { kind: 'records', a: ['127.0.0.1'] } });
    tcp = await startTcpServer();
    closed = await closedTcpPort();
  });
  after(async () => {
    await Promise.all([dns?.close(), tcp?.close()]);
  });

  it('--quiet prints the verdict line alone, and the exit code says the rest', async () => {
    const [pass, fail] = await Promise.all([
      runCli(['check', `tcp://open.test:${tcp.port}`, ...dnsFlags(dns), '--quiet']),
      runCli(['check', `tcp://open.test:${tcp.port}`, `tcp://127.0.0.1:${closed}`, ...dnsFlags(dns), '-q']),
    ]);
    assert.equal(pass.code, 0, describeRun(pass));
    assert.match(pass.stdout, /^1 endpoint: 1 pass, 0 fail, 0 warn, 0 skip in \d+(\.\d+)? (ms|s)\n$/);
    assert.equal(pass.stderr, '');
    assert.equal(fail.code, 1, describeRun(fail));
    assert.match(fail.stdout, /^2 endpoints: 1 pass, 1 fail \(1 required\), 0 warn, 0 skip in [^\n]+\n$/);
  });

  it('--quiet with a report format on stdout, or with --verbose, is a usage error before any probe', async () => {
    const [json, both] = await Promise.all([
      runCli(['check', `tcp://127.0.0.1:${tcp.port}`, '--no-system-resolver', '--quiet', '--format', 'json']),
      runCli(['check', `tcp://127.0.0.1:${tcp.port}`, '--no-system-resolver', '--quiet', '--verbose']),
    ]);
    assert.equal(json.code, 2, describeRun(json));
    assert.match(json.stderr, /^amlprobe: error: --quiet: .*add --output FILE/);
    assert.equal(both.code, 2, describeRun(both));
    assert.match(both.stderr, /choose one/);
  });

  it('--verbose shows, under a row that passed, each layer time and each resolver answer', async () => {
    const [plain, verbose] = await Promise.all([
      runCli(['check', `tcp://open.test:${tcp.port}`, ...dnsFlags(dns)]),
      runCli(['check', `tcp://open.test:${tcp.port}`, ...dnsFlags(dns), '--verbose']),
    ]);
    assert.equal(verbose.code, 0, describeRun(verbose));
    const lines = verbose.stdout.split('\n');
    const row = lines.findIndex((l) => l.startsWith('✓  tcp://open.test'));
    assert.ok(row >= 0, verbose.stdout);
    assert.match(lines[row + 1] ?? '', /^ {4}time: dns \d+ ms, tcp \d+ ms \(endpoint \d+ ms\)$/);
    assert.match(verbose.stdout, new RegExp(`^ {4}dns ${dns.server.replace(/\./g, '\\.')} \\(udp\\): 127\\.0\\.0\\.1$`, 'm'));
    // Without it, a passed row has no lines under it.
    assert.doesNotMatch(plain.stdout, /^ {4}time:/m);
  });
});
