// Expected-blocked endpoints (issue 18): `check --expect-blocked TARGET` and `expect: blocked` in a
// config, against real loopback peers and a test DNS server. A block at any layer passes as
// blocked_as_expected naming the layer; a connection that gets through fails as unexpectedly_open;
// an inconclusive failure (the resolver itself silent) keeps its own verdict.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import type { EndpointResult } from '../src/model/result.js';
import { describeRun, dnsFlags, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.js';
import { startHttpServer, type TestServer } from './helpers/http-servers.js';
import { closedTcpPort, startTcpServer, type Listener } from './helpers/listeners.js';
import { blockedVerdict } from '../src/blocked-verdict.js';
import { decide } from '../src/verdict.js';
import type { LayerResult } from '../src/model/result.js';

function only(report: Report, host: string): EndpointResult {
  const found = report.results.filter((r) => r.host === host);
  assert.equal(found.length, 1, `one result for ${host}: ${report.results.map((r) => r.host).join(', ')}`);
  return found[0]!;
}

describe('expected-blocked endpoints', () => {
  let dns: TestDnsServer;
  let open: Listener;
  let denier: TestServer;
  let storage: TestServer;
  let closed: number;
  let dir: string;

  before(async () => {
    dns = await startDnsServer({
      'open.canary.test': { kind: 'records', a: ['127.0.0.1'] },
      'closed.canary.test': { kind: 'records', a: ['127.0.0.1'] },
      'denied.canary.test': { kind: 'records', a: ['127.0.0.1'] },
      'storage.canary.test': { kind: 'records', a: ['127.0.0.1'] },
      'gone.canary.test': { kind: 'rcode', rcode: 'NXDOMAIN' },
      'silent.canary.test': { kind: 'silent' },
    });
    open = await startTcpServer();
    closed = await closedTcpPort();
    // Azure Firewall answers a denied plain-HTTP request itself, with status 470.
    denier = await startHttpServer((_req, res) => {
      res.writeHead(470, { 'content-type': 'text/plain' });
      res.end('Action: Deny. Reason: No rule matched. Proceeding with default action.');
    });
    // Azure Storage refusing this client by its own network rules: the request got there.
    storage = await startHttpServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthorizationFailure' });
      res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.\nRequestId:0b6d</Message></Error>');
    });
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-blocked-'));
  });
  after(async () => {
    await Promise.all([dns.close(), open.close(), denier.close(), storage.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function check(args: string[], code: number): Promise<Report> {
    const run = await runCli(['check', ...args, ...dnsFlags(dns), '--timeout', '1s', '--format', 'json']);
    assert.equal(run.code, code, describeRun(run));
    return parseJsonOutput<Report>(run);
  }

  it('fails a destination that answers as unexpectedly_open: an exfiltration path is open', async () => {
    const report = await check(['--expect-blocked', `tcp://open.canary.test:${open.port}`], 1);
    const result = only(report, 'open.canary.test');
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, 'unexpectedly_open');
    assert.equal(result.layer, 'tcp');
    assert.match(result.message, /exfiltration path is open/);
  });

  it('passes a refused connection as blocked_as_expected at the tcp layer', async () => {
    const report = await check(['--expect-blocked', `tcp://closed.canary.test:${closed}`], 0);
    const result = only(report, 'closed.canary.test');
    assert.deepEqual([result.status, result.reason, result.layer], ['pass', 'blocked_as_expected', 'tcp']);
    assert.match(result.message, /blocked at the tcp layer/);
  });

  it('passes NXDOMAIN as blocked at the dns layer', async () => {
    const report = await check(['--expect-blocked', 'https://gone.canary.test'], 0);
    const result = only(report, 'gone.canary.test');
    assert.deepEqual([result.status, result.reason, result.layer], ['pass', 'blocked_as_expected', 'dns']);
  });

  it("passes a firewall's HTTP deny page (470) as blocked at the http layer", async () => {
    const report = await check(['--expect-blocked', `http://denied.canary.test:${denier.port}/`], 0);
    const result = only(report, 'denied.canary.test');
    assert.deepEqual([result.status, result.reason, result.layer], ['pass', 'blocked_as_expected', 'http']);
  });

  it("fails a destination whose own firewall answered (service_firewall_denied) as unexpectedly_open: the network let it through", async () => {
    const report = await check(['--expect-blocked', `http://storage.canary.test:${storage.port}/`], 1);
    const result = only(report, 'storage.canary.test');
    assert.deepEqual([result.status, result.reason, result.layer], ['fail', 'unexpectedly_open', 'http']);
    assert.equal(result.checks.find((c) => c.layer === 'http')?.reason, 'service_firewall_denied');
  });

  it('keeps an inconclusive failure (the resolver silent) as it is', async () => {
    const report = await check(['--expect-blocked', `tcp://silent.canary.test:${open.port}`], 1);
    const result = only(report, 'silent.canary.test');
    assert.equal(result.status, 'fail');
    assert.equal(result.reason, 'dns_timeout');
  });

  it('mixes targets that must answer with targets that must be blocked, and refuses one given both ways', async () => {
    const report = await check([`tcp://open.canary.test:${open.port}`, '--expect-blocked', `tcp://closed.canary.test:${closed}`], 0);
    assert.deepEqual(report.results.map((r) => [r.host, r.status, r.reason]).sort(), [
      ['closed.canary.test', 'pass', 'blocked_as_expected'],
      ['open.canary.test', 'pass', 'ok'],
    ]);
    const both = await runCli(['check', `tcp://open.canary.test:${open.port}`, '--expect-blocked', `tcp://open.canary.test:${open.port}`, ...dnsFlags(dns)]);
    assert.equal(both.code, 2, describeRun(both));
    assert.match(both.stderr, /both as a target that must answer and as one that must be blocked/);
  });

  it('reads expect: blocked (and expect: {blocked: true}) from a config', async () => {
    const config = join(dir, 'blocked.yaml');
    await writeFile(
      config,
      [
        'version: 1',
        'endpoints:',
        `  - target: tcp://open.canary.test:${open.port}`,
        '    expect: blocked',
        `  - target: tcp://closed.canary.test:${closed}`,
        '    expect: { blocked: true }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', '--config', config, ...dnsFlags(dns), '--timeout', '1s', '--format', 'json']);
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    assert.equal(only(report, 'open.canary.test').reason, 'unexpectedly_open');
    assert.equal(only(report, 'closed.canary.test').reason, 'blocked_as_expected');
    await writeFile(config, `version: 1\nendpoints:\n  - target: tcp://open.canary.test:${open.port}\n    expect: closed\n`);
    const bad = await runCli(['run', '--config', config, ...dnsFlags(dns)]);
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, /the word blocked/);
  });
});

describe('the blocked verdict rule', () => {
  it('an earlier warning (a TLS-inspecting middlebox) does not close a path the last layer got through', () => {
    const checks: LayerResult[] = [
      { layer: 'dns', status: 'pass', reason: 'ok', ms: 1, message: '198.51.100.9' },
      { layer: 'tcp', status: 'pass', reason: 'ok', ms: 1, message: 'connected' },
      { layer: 'tls', status: 'warn', reason: 'tls_inspected', ms: 1, message: 'inspected' },
      { layer: 'http', status: 'pass', reason: 'ok', ms: 1, message: 'HTTP 200' },
    ];
    const endpoint = { id: 'c', host: 'pypi.org', port: 443, protocol: 'https' as const, path: '/', required: true, expect: { blocked: true } };
    const verdict = blockedVerdict(endpoint, decide(checks), checks);
    assert.deepEqual([verdict.status, verdict.reason, verdict.layer], ['fail', 'unexpectedly_open', 'http']);
  });
});
