// Environment detection: IMDS through a loopback fake (which insists on the Metadata header), the
// compute instance's documented markers (.nbvm file, CI_* variables), and how a run reports what it
// learned and from where. The real IMDS address is never contacted: every URL here is a fake's, and
// runCli's environment sets AMLPROBE_IMDS_URL=off unless a test names its fake.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectComputeInstance } from '../src/azure/compute-instance.js';
import { queryImds } from '../src/azure/imds.js';
import type { Report } from '../src/model/report.js';
import { startImdsFake, startPlainFake } from './helpers/azure-fakes.js';
import type { Fake } from './helpers/azure-fakes.js';
import { runCli } from './helpers/cli.js';
import { closedUdpPort, startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';
import { startHttpServer } from './helpers/http-servers.js';

const COMPUTE = { location: 'westeurope', subscriptionId: '00000000-0000-0000-0000-00000000000a', resourceGroupName: 'rg-ml', name: 'vm-1', vmId: 'x' };
const dir = mkdtempSync(join(tmpdir(), 'amlprobe-env-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('IMDS', () => {
  let imds: Fake;
  before(async () => {
    imds = await startImdsFake(COMPUTE);
  });
  after(() => imds.close());

  it('reads location, subscription, resource group and name, sending Metadata: true', async () => {
    const outcome = await queryImds(`${imds.url}/metadata/instance?api-version=2021-02-01`);
    assert.deepEqual(outcome, { ok: true, facts: { location: 'westeurope', subscriptionId: COMPUTE.subscriptionId, resourceGroupName: 'rg-ml', name: 'vm-1' } });
    assert.equal(imds.requests.at(-1)?.headers.metadata, 'true');
    assert.equal(imds.requests.at(-1)?.headers['x-forwarded-for'], undefined, 'IMDS rejects X-Forwarded-For');
  });

  const failures: { case: string; start: () => Promise<{ url: string; close: () => Promise<void> }>; message: RegExp }[] = [
    { case: 'wrong path -> 404', start: async () => startImdsFake(COMPUTE), message: /IMDS answered 404/ },
    { case: 'not JSON', start: () => startPlainFake((_q, res) => res.end('<html>')), message: /other than JSON/ },
    { case: 'no compute section', start: () => startPlainFake((_q, res) => res.end('{"network":{}}')), message: /no compute section/ },
    { case: 'silent -> timeout', start: () => startPlainFake(() => undefined), message: /did not answer \(ETIMEDOUT\)/ },
    {
      case: 'refused',
      start: async () => {
        const s = await startHttpServer(() => undefined);
        await s.close();
        return { url: `http://127.0.0.1:${s.port}`, close: async () => undefined };
      },
      message: /did not answer \(ECONNREFUSED\)/,
    },
  ];
  for (const c of failures) {
    it(`never throws: ${c.case}`, async () => {
      const fake = await c.start();
      try {
        const path = c.case.startsWith('wrong path') ? '/other' : '/metadata/instance?api-version=2021-02-01';
        const outcome = await queryImds(`${fake.url}${path}`, 300);
        assert.equal(outcome.ok, false);
        assert.match(outcome.ok ? '' : outcome.message, c.message);
      } finally {
        await fake.close();
      }
    });
  }
});

describe('compute instance markers', () => {
  it('reads instance and region from .nbvm and the workspace from CI_WORKSPACE', () => {
    const nbvm = join(dir, 'nbvm');
    writeFileSync(nbvm, 'instance=ci-alice\ndomainsuffix=westeurope.instances.azureml.ms\n');
    assert.deepEqual(detectComputeInstance({ CI_WORKSPACE: 'ws-prod' }, nbvm), {
      instance: { value: 'ci-alice', source: nbvm },
      region: { value: 'westeurope', source: `${nbvm} (domainsuffix)` },
      workspaceName: { value: 'ws-prod', source: 'CI_WORKSPACE' },
    });
  });

  it('falls back to CI_NAME; nothing at all means not a compute instance', () => {
    assert.deepEqual(detectComputeInstance({ CI_NAME: 'ci-bob' }, join(dir, 'absent')), { instance: { value: 'ci-bob', source: 'CI_NAME' } });
    assert.equal(detectComputeInstance({}, join(dir, 'absent')), undefined);
  });
});

describe('run reports what it learned', () => {
  let imds: Fake;
  let dns: TestDnsServer;
  before(async () => {
    imds = await startImdsFake(COMPUTE);
    dns = await startDnsServer({});
  });
  after(async () => {
    await imds.close();
    await dns.close();
  });
  const base = () => ['run', '--scenario', 'studio', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms', '--deadline', '10s'];
  const imdsEnv = () => ({ AMLPROBE_IMDS_URL: `${imds.url}/metadata/instance?api-version=2021-02-01` });

  it('region from IMDS, workspace and instance from the compute instance, origins in JSON and the table header', async () => {
    const nbvm = join(dir, 'nbvm-run');
    writeFileSync(nbvm, 'instance=ci-carol\n');
    const env = { ...imdsEnv(), AMLPROBE_NBVM_FILE: nbvm, CI_WORKSPACE: 'ws-prod' };
    const [json, table, markdown] = await Promise.all([
      runCli([...base(), '--format', 'json'], { env }),
      runCli(base(), { env }),
      runCli([...base(), '--format', 'markdown'], { env }),
    ]);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(report.workspace?.profile.region, 'westeurope');
    assert.equal(report.workspace?.origin.region, 'imds');
    assert.equal(report.workspace?.profile.workspaceName, 'ws-prod');
    assert.equal(report.workspace?.origin.workspaceName, 'compute-instance');
    assert.equal(report.workspace?.origin.computeInstance, 'compute-instance');
    assert.match(table.stdout, /^Workspace: .*region westeurope/m);
    assert.match(table.stdout, /^Sources: .*compute instance computeInstance, workspaceName; IMDS region; default cloud/m);
    assert.match(markdown.stdout, /^- \*\*Sources:\*\* .*IMDS region/m);
  });

  it('inside Azure (IMDS answered), run also asks Azure DNS on its own; --no-azure-dns keeps it off', async () => {
    // The fake stands in for 168.63.129.16: AMLPROBE_AZURE_DNS_ADDRESS points there, never at the real one.
    const azureDns = await startDnsServer({ '.': { kind: 'records' } });
    try {
      const env = { ...imdsEnv(), AMLPROBE_AZURE_DNS_ADDRESS: azureDns.server };
      const [on, off] = await Promise.all([
        runCli([...base(), '--format', 'json'], { env }),
        runCli([...base(), '--no-azure-dns', '--format', 'json'], { env }),
      ]);
      const report = JSON.parse(on.stdout) as Report;
      assert.equal(report.settings.azureDns, azureDns.server);
      assert.equal(report.settings.azureDnsAuto, true);
      const roles = report.results.flatMap((r) => r.checks).flatMap((c) => (c.layer === 'dns' ? ((c.data as { direct?: { role?: string }[] }).direct ?? []) : []));
      assert.ok(roles.some((d) => d.role === 'azure'), 'no DNS answer came from the Azure DNS role');
      assert.ok(azureDns.queries.some((q) => q.name.endsWith('azureml.ms') || q.name.endsWith('azure.com')), 'Azure DNS was not asked');
      assert.equal((JSON.parse(off.stdout) as Report).settings.azureDns, undefined);
    } finally {
      await azureDns.close();
    }
  });

  it('Azure DNS switched on by detection that does not answer: a note, and the run goes on without it', async () => {
    const port = await closedUdpPort();
    const result = await runCli([...base(), '--format', 'json'], { env: { ...imdsEnv(), AMLPROBE_AZURE_DNS_ADDRESS: `127.0.0.1:${port}` } });
    assert.notEqual(result.code, 2, result.stderr);
    assert.match(result.stderr, /note: Azure DNS \(127\.0\.0\.1:\d+\) did not answer/);
    const report = JSON.parse(result.stdout) as Report;
    assert.equal(report.settings.azureDns, undefined);
  });

  it('a region given by flag wins and IMDS is not asked; --no-imds never asks', async () => {
    const asked = imds.requests.length;
    const [flagged, off] = await Promise.all([
      runCli([...base(), '--region', 'eastus', '--format', 'json'], { env: imdsEnv() }),
      runCli([...base(), '--no-imds', '--format', 'json'], { env: imdsEnv() }),
    ]);
    assert.equal((JSON.parse(flagged.stdout) as Report).workspace?.origin.region, 'flag');
    assert.equal((JSON.parse(off.stdout) as Report).workspace?.profile.region, undefined);
    assert.equal(imds.requests.length, asked);
  });
});

describe('IMDS never overrides the workspace region, and tells the cloud', () => {
  const dnsFakes: TestDnsServer[] = [];
  const fakes: Fake[] = [];
  after(async () => {
    await Promise.all([...fakes.map((f) => f.close()), ...dnsFakes.map((d) => d.close())]);
  });
  /** A run of the studio scenario with IMDS answering `compute`; returns the JSON report and stderr. */
  async function runWithImds(compute: Record<string, unknown>, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ report: Report; stderr: string; table: string }> {
    const imds = await startImdsFake(compute);
    const dns = await startDnsServer({});
    fakes.push(imds);
    dnsFakes.push(dns);
    const env = { AMLPROBE_IMDS_URL: `${imds.url}/metadata/instance?api-version=2021-02-01`, AMLPROBE_AZURE_DNS_ADDRESS: dns.server, ...extraEnv };
    const base = ['run', '--scenario', 'studio', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms', '--deadline', '10s', ...args];
    const [json, table] = await Promise.all([runCli([...base, '--format', 'json'], { env }), runCli(base, { env })]);
    assert.notEqual(json.code, 2, json.stderr);
    return { report: JSON.parse(json.stdout) as Report, stderr: json.stderr, table: table.stdout };
  }
  const workspaceJson = join(dir, 'workspace-eastus.json');
  writeFileSync(workspaceJson, JSON.stringify({ name: 'ws-east', location: 'eastus', id: '/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-east' }));

  it('IMDS in another region than the workspace JSON: the workspace region stays, and the run says so', async () => {
    const { report, stderr, table } = await runWithImds({ ...COMPUTE, location: 'westeurope' }, ['--workspace-json', workspaceJson]);
    assert.equal(report.workspace?.profile.region, 'eastus');
    assert.equal(report.workspace?.origin.region, 'workspace-json');
    const said = /IMDS places this machine in westeurope, but the workspace region is eastus \(from the workspace JSON\); the run uses eastus\..*seed 000/;
    assert.match(stderr, new RegExp(`amlprobe: note: ${said.source}`));
    assert.ok(report.workspace?.notes?.some((n) => said.test(n)), JSON.stringify(report.workspace?.notes));
    assert.match(table, /^Note: IMDS places this machine in westeurope/m);
  });

  it("IMDS in another region than the compute instance's markers: the markers win, with the note", async () => {
    const nbvm = join(dir, 'nbvm-cross-region');
    writeFileSync(nbvm, 'instance=ci-dave\ndomainsuffix=northeurope.instances.azureml.ms\n');
    const { report, stderr } = await runWithImds({ ...COMPUTE, location: 'westeurope' }, [], { AMLPROBE_NBVM_FILE: nbvm });
    assert.deepEqual([report.workspace?.profile.region, report.workspace?.origin.region], ['northeurope', 'compute-instance']);
    assert.match(stderr, /IMDS places this machine in westeurope, but the workspace region is northeurope \(from the compute instance's markers\)/);
  });

  it('IMDS alone: its region is used and the note says it is where this machine runs', async () => {
    const { report, stderr } = await runWithImds({ ...COMPUTE, location: 'westeurope' }, []);
    assert.deepEqual([report.workspace?.profile.region, report.workspace?.origin.region], ['westeurope', 'imds']);
    assert.match(stderr, /note: the workspace region westeurope comes from IMDS, which tells where this machine runs/);
  });

  const clouds: { case: string; compute: Record<string, unknown>; cloud: string; region: string; studio: string }[] = [
    { case: 'China (azEnvironment AzureChinaCloud)', compute: { ...COMPUTE, location: 'chinaeast2', azEnvironment: 'AzureChinaCloud' }, cloud: 'china', region: 'chinaeast2', studio: 'studio.ml.azure.cn' },
    { case: 'US Government (azEnvironment AzureUSGovernmentCloud)', compute: { ...COMPUTE, location: 'usgovvirginia', azEnvironment: 'AzureUSGovernmentCloud' }, cloud: 'usgov', region: 'usgovvirginia', studio: 'ml.azure.us' },
  ];
  for (const c of clouds) {
    it(`the cloud from IMDS: ${c.case}, probed with that cloud's names`, async () => {
      const { report } = await runWithImds(c.compute, []);
      assert.deepEqual([report.workspace?.profile.cloud, report.workspace?.origin.cloud], [c.cloud, 'imds']);
      assert.equal(report.workspace?.profile.region, c.region);
      assert.ok(report.results.some((r) => r.host === c.studio), report.results.map((r) => r.host).join(' '));
    });
  }

  it('a region from IMDS that the region list lacks (opened since) is used as given, with a note', async () => {
    const { report, stderr } = await runWithImds({ ...COMPUTE, location: 'mexiconorth' }, []);
    assert.deepEqual([report.workspace?.profile.region, report.workspace?.origin.region, report.workspace?.profile.cloud], ['mexiconorth', 'imds', 'public']);
    assert.match(stderr, /IMDS names the region mexiconorth, which amlprobe's region list does not have yet: used as Azure gave it, in Azure public cloud/);
    assert.ok(report.results.some((r) => r.host.endsWith('.workspace.mexiconorth.api.azureml.ms')), report.results.map((r) => r.host).join(' '));
  });

  it('a region from IMDS outside the given cloud is not used; the note says why', async () => {
    const { report, stderr } = await runWithImds({ ...COMPUTE, location: 'chinaeast2' }, ['--cloud', 'public']);
    assert.equal(report.workspace?.profile.region, undefined);
    assert.equal(report.workspace?.profile.cloud, 'public');
    assert.match(stderr, /IMDS names the region chinaeast2, a region of Azure operated by 21Vianet \(China\), but the cloud is Azure public cloud \(flag\)/);
  });
});
