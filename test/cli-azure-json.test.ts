// --workspace-json and --private-endpoints-json as a user runs them: saved Azure CLI output in, a
// report out. Names resolve only through a test DNS server on 127.0.0.1; every endpoint in these runs
// is DNS-only or fails at DNS, so no connection is ever attempted to the 10.x addresses in the files.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EndpointResult } from '../src/model/result.js';
import type { Report } from '../src/model/report.js';
import { describeRun, dnsFlags, parseJsonOutput, REPO_ROOT, runCli } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';

const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'azure', name);
const WS = '3f2c8a91-6d4e-4b7a-9c1e-5a8b7d6e4f20';
const API = `${WS}.workspace.eastus.api.azureml.ms`;
const CERT = `${WS}.workspace.eastus.cert.api.azureml.ms`;
const NOTEBOOKS = `ml-contoso-ml-eastus-${WS}.eastus.notebooks.azure.net`;
// Keeps amlprobe from asking IMDS even if a profile lacked the region (it does not here).
const ENV = { AMLPROBE_IMDS_URL: 'off' };

function resultFor(report: Report, id: string): EndpointResult {
  const found = report.results.find((r) => r.id === id);
  assert.ok(found, `no result '${id}'; results: ${report.results.map((r) => r.id).join(', ')}`);
  return found;
}

describe('cli: --private-endpoints-json and --workspace-json', { concurrency: true }, () => {
  let dns: TestDnsServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amlprobe-cli-azure-'));
    dns = await startDnsServer({
      // The public name CNAMEs into the privatelink zone, which answers the endpoint's address: pass.
      [API]: { kind: 'cname', target: `${WS}.workspace.eastus.privatelink.api.azureml.ms` },
      [`${WS}.workspace.eastus.privatelink.api.azureml.ms`]: { kind: 'records', a: ['10.1.0.5'] },
      // A stale A record left from an endpoint that was re-created with another address.
      [NOTEBOOKS]: { kind: 'records', a: ['10.1.0.99'] },
      // A privatelink CNAME whose target has no record (the endpoint's record is missing).
      [CERT]: { kind: 'cname', target: `${WS}.workspace.eastus.cert.privatelink.api.azureml.ms` },
      // The stale answer for the catalog run below.
      'stcontosoml.blob.core.windows.net': { kind: 'records', a: ['10.1.0.80'] },
    });
  });
  after(async () => {
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('config endpoints get the addresses; other private names are added as DNS checks', async () => {
    const config = join(dir, 'hand-made.yaml');
    writeFileSync(config, `version: 1\nendpoints:\n  - id: api\n    target: dns://${API}\n`);
    const run = await runCli(
      ['run', '--config', config, '--private-endpoints-json', fixture('pe-workspace-show.json'), ...dnsFlags(dns), '--timeout', '800ms', '--format', 'json'],
      // Generous: on a loaded machine node's start-up alone can take seconds; the run itself is bounded by --deadline.
      { env: ENV, killAfterMs: 60_000 },
    );
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);

    const api = resultFor(report, 'api');
    assert.deepEqual([api.status, api.reason], ['pass', 'ok'], describeRun(run));

    const notebooks = resultFor(report, `private-endpoint:${NOTEBOOKS}`);
    assert.deepEqual([notebooks.status, notebooks.layer, notebooks.reason, notebooks.required], ['fail', 'dns', 'unexpected_ip', true]);
    assert.match(notebooks.message, /got 10\.1\.0\.99, expected 10\.1\.0\.6/);

    const cert = resultFor(report, `private-endpoint:${CERT}`);
    assert.deepEqual([cert.status, cert.reason], ['fail', 'nxdomain']);
    assert.match(cert.message, /cert\.privatelink\.api\.azureml\.ms/);

    const wildcard = resultFor(report, 'private-endpoint:*.eastus.inference.ml.azure.com');
    assert.deepEqual([wildcard.status, wildcard.reason], ['skip', 'informational']);
    assert.equal(report.results.length, 4, report.results.map((r) => r.id).join(', '));
  });

  it('check: a target is held to its endpoint address, and the other private names get DNS checks', async () => {
    const run = await runCli(
      ['check', `dns://${API}`, '--private-endpoints-json', fixture('pe-workspace-show.json'), ...dnsFlags(dns), '--timeout', '800ms', '--format', 'json'],
      { env: ENV, killAfterMs: 60_000 },
    );
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    const api = resultFor(report, `dns://${API}`);
    assert.deepEqual([api.status, api.reason], ['pass', 'ok'], describeRun(run));
    assert.deepEqual(
      (api.checks[0]?.data as { addresses: { address: string }[] }).addresses.map((a) => a.address),
      ['10.1.0.5'],
    );
    assert.equal(resultFor(report, `private-endpoint:${NOTEBOOKS}`).reason, 'unexpected_ip');
    assert.equal(resultFor(report, `private-endpoint:${CERT}`).reason, 'nxdomain');
    assert.equal(resultFor(report, 'private-endpoint:*.eastus.inference.ml.azure.com').status, 'skip');
  });

  it('check with only --private-endpoints-json (no target) checks every private name; a config lends its settings', async () => {
    const config = join(dir, 'settings-only.yaml');
    writeFileSync(config, `version: 1\nsettings:\n  timeout: 800ms\n  dnsServers: ['${dns.server}']\n  systemResolver: false\nendpoints:\n  - id: api\n    target: dns://${API}\n`);
    const run = await runCli(['check', '--config', config, '--private-endpoints-json', fixture('pe-workspace-show.json'), '--no-system-resolver', '--format', 'json'], {
      env: ENV,
      killAfterMs: 60_000,
    });
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    assert.equal(report.settings.timeoutMs, 800);
    assert.deepEqual(report.settings.dnsServers, [dns.server]);
    assert.equal(resultFor(report, `private-endpoint:${NOTEBOOKS}`).reason, 'unexpected_ip');
    assert.ok(!report.results.some((r) => r.id === 'api'), 'the config\'s endpoints are not probed by check');
    assert.match(run.stderr, /'check' probes the targets on its command line, not the 1 endpoint\(s\) of .*settings-only\.yaml/);
  });

  it('catalog run: profile from the workspace JSON, a stale record on a catalog host is unexpected_ip', async () => {
    const run = await runCli(
      [
        'run', '--scenario', 'sdk-cli-client',
        '--workspace-json', fixture('workspace-show.json'),
        '--private-endpoints-json', fixture('pe-list.json'),
        ...dnsFlags(dns), '--timeout', '800ms', '--format', 'json',
      ],
      // Generous: on a loaded machine node's start-up alone can take seconds; the run itself is bounded by --deadline.
      { env: ENV, killAfterMs: 60_000 },
    );
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    assert.equal(report.workspace?.profile.region, 'eastus');
    assert.deepEqual(report.workspace?.profile.storageAccounts, ['stcontosoml']);
    for (const field of ['region', 'workspaceName', 'workspaceId', 'storageAccounts', 'keyVault', 'containerRegistry', 'privateEndpoints', 'cloud']) {
      assert.equal(report.workspace?.origin[field], 'workspace-json', field);
    }
    const blob = report.results.find((r) => r.host === 'stcontosoml.blob.core.windows.net');
    assert.ok(blob, `no blob row: ${report.results.map((r) => r.host).join(', ')}`);
    assert.deepEqual([blob.status, blob.layer, blob.reason], ['fail', 'dns', 'unexpected_ip']);
    assert.match(blob.message, /got 10\.1\.0\.80, expected 10\.1\.0\.8\b/);
    const api = report.results.find((r) => r.host === API);
    assert.ok(api, 'the catalog row of the workspace API host');
    // The catalog row carries the expectation (no extra DNS row for a covered name).
    assert.ok(!report.results.some((r) => r.id === `private-endpoint:${API}`));
  });

  const usage: { case: string; args: string[]; stderr: RegExp }[] = [
    {
      case: 'storage_account is a name, not an ARM id',
      args: ['--workspace-json', fixture('workspace-bad-storage-id.json')],
      stderr: /amlprobe: error: .*workspace-bad-storage-id\.json: 'storage_account' is not an ARM resource id: 'stcontosoml\.blob\.core\.windows\.net'/,
    },
    {
      case: 'a private endpoint file passed as the workspace',
      args: ['--workspace-json', fixture('pe-workspace-show.json')],
      stderr: /amlprobe: error: --workspace-json: .* describes a Microsoft\.Network\/privateEndpoints resource/,
    },
    {
      case: 'a private endpoint with an impossible address',
      args: ['--private-endpoints-json', fixture('pe-bad-ip.json')],
      stderr: /amlprobe: error: .*pe-bad-ip\.json: 'customDnsConfigs\[2\]\.ipAddresses\[0\]' is not an IP address: '10\.1\.0\.256'/,
    },
    {
      case: 'the same name at two addresses in two files',
      args: ['--private-endpoints-json', fixture('pe-workspace-show.json'), '--private-endpoints-json', fixture('pe-workspace-other-vnet.json')],
      stderr: /maps to 10\.1\.0\.5 in 'pe-contoso-ml' .* but to 10\.2\.0\.5 in 'pe-contoso-ml-westeurope'/,
    },
  ];
  for (const c of usage) {
    it(`exit 2: ${c.case}`, async () => {
      const run = await runCli(['run', ...c.args], { offline: true, env: ENV });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, c.stderr);
      assert.equal(run.stdout, '');
    });
  }

  it('config keys workspace.workspaceJson and privateEndpointsJson, relative to the config file', async () => {
    const sub = mkdtempSync(join(dir, 'cfg-'));
    copyFileSync(fixture('workspace-partial.json'), join(sub, 'ws.json'));
    copyFileSync(fixture('pe-bad-ip.json'), join(sub, 'pe.json'));
    const config = join(sub, 'amlprobe.yaml');
    writeFileSync(config, 'version: 1\nworkspace:\n  workspaceJson: ws.json\n  privateEndpointsJson: [pe.json]\n');
    // The PE file is read (and refused) before any probe: proof the key is wired, with no packet sent.
    const bad = await runCli(['run', '--config', config], { offline: true, env: ENV });
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, /pe\.json: 'customDnsConfigs\[2\]\.ipAddresses\[0\]' is not an IP address/);
    const shown = await runCli(['catalog', '--config', config, '--format', 'json'], { offline: true, env: ENV });
    assert.equal(shown.code, 0, describeRun(shown));
    const doc = parseJsonOutput<{ profile: { region?: string; workspaceName?: string } }>(shown);
    assert.deepEqual([doc.profile.region, doc.profile.workspaceName], ['westeurope', 'contoso-ml']);
  });
});
