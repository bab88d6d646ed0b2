// Managed virtual networks (issue 18): the workspace JSON in both documented shapes (CLI and ARM)
// for the three isolation modes and for pending rules, and the plan they make: canaries that must
// stay blocked, FQDN rules that must answer, private endpoints whose names must be private,
// findings for what is not active yet, and the managed-network scenario instead of the compute VNet's.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readWorkspaceJson } from '../src/azure/workspace-json.js';
import { UsageError } from '../src/errors.js';
import { buildRunPlan } from '../src/plan/build-run-plan.js';
import type { ResolvedPlan } from '../src/plan/run-plan.js';
import { REPO_ROOT } from './helpers/cli.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'azure', 'managed-network');
const fixture = (name: string): string => join(FIXTURES, name);

async function planFor(profile: Record<string, unknown>, settings: Record<string, unknown> = {}): Promise<ResolvedPlan> {
  return buildRunPlan({ settings, profile, learning: { noImds: true, noDiscovery: true } }, {});
}

const byId = (plan: ResolvedPlan, id: string) => plan.endpoints.find((e) => e.id === id);
const notProbed = (plan: ResolvedPlan, id: string) => plan.notProbed.find((r) => r.id === id);

describe('managed network: --workspace-json in the CLI and ARM shapes', () => {
  for (const shape of ['cli', 'arm']) {
    it(`${shape}: reads the isolation mode, the network status and every rule`, () => {
      const approved = readWorkspaceJson(fixture(`${shape}-approved-only.json`));
      assert.equal(approved.values.managedNetwork, 'allow-only-approved-outbound');
      assert.equal(approved.managedNetwork?.status, 'Active');
      const rules = approved.managedNetwork?.rules ?? [];
      assert.equal(rules.length, 16);
      assert.deepEqual(
        rules.filter((r) => r.type === 'fqdn').map((r) => [r.name, r.destination, r.status]),
        [['allow-pypi', 'pypi.org', 'Active'], ['allow-pythonhosted', '*.pythonhosted.org', 'Active']],
      );
      const blob = rules.find((r) => r.name === '__SYS_PE_stcontosoml_blob');
      assert.equal(blob?.type, 'private_endpoint');
      assert.equal(blob?.subresource, 'blob');
      assert.match(blob?.destination ?? '', /storageAccounts\/stcontosoml$/);
      const udp = rules.find((r) => r.name === '__SYS_ST_AzureMachineLearning_UDP');
      assert.deepEqual([udp?.type, udp?.destination, udp?.protocol, udp?.portRanges], ['service_tag', 'AzureMachineLearning', 'UDP', '5831']);

      assert.equal(readWorkspaceJson(fixture(`${shape}-internet-outbound.json`)).values.managedNetwork, 'allow-internet-outbound');
      // Disabled is the customer's own VNet: planned as no managed network at all.
      assert.equal(readWorkspaceJson(fixture(`${shape}-disabled.json`)).values.managedNetwork, undefined);
      const pending = readWorkspaceJson(fixture(`${shape}-pending.json`));
      assert.equal(pending.managedNetwork?.status, 'Inactive');
      assert.deepEqual(pending.managedNetwork?.rules.filter((r) => r.status === 'Inactive').map((r) => r.name), ['partner-data-blob', 'allow-github']);
    });
  }

  it('reads the same rules from both shapes', () => {
    const strip = (file: string) => readWorkspaceJson(fixture(file)).managedNetwork?.rules.map((r) => ({ ...r, category: r.category?.toLowerCase().replace('_', '') }));
    assert.deepEqual(strip('cli-approved-only.json'), strip('arm-approved-only.json'));
    assert.deepEqual(strip('cli-pending.json'), strip('arm-pending.json'));
  });

  it('reads the workspaces/managedNetworks resource, naming the workspace from its id', () => {
    const child = readWorkspaceJson(fixture('arm-managed-network-resource.json'));
    assert.equal(child.values.workspaceName, 'contoso-ml');
    assert.equal(child.values.managedNetwork, 'allow-only-approved-outbound');
  });

  it('refuses an isolation mode that does not exist, naming where', async () => {
    await assert.rejects(planFor({ managedNetwork: 'closed' }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.where, '--managed-network');
      assert.match(error.message, /not a managed network isolation mode: use disabled, allow-internet-outbound, allow-only-approved-outbound/);
      return true;
    });
  });
});

describe('managed network: the plan', () => {
  for (const shape of ['cli', 'arm']) {
    it(`${shape} approved only: canaries blocked unless an FQDN rule allows them, FQDN rules open, private endpoints private`, async () => {
      const plan = await planFor({ workspaceJson: fixture(`${shape}-approved-only.json`) });
      // pypi.org and *.pythonhosted.org are allowed by the workspace's own rules: not canaries.
      assert.equal(byId(plan, 'canary-package-index'), undefined);
      assert.equal(byId(plan, 'canary-package-files'), undefined);
      for (const id of ['canary-code-host', 'canary-public-storage']) {
        const canary = byId(plan, id);
        assert.ok(canary, id);
        assert.deepEqual([canary.expect.blocked, canary.required, canary.protocol, canary.port], [true, true, 'https', 443]);
      }
      const pypi = byId(plan, 'fqdn-rule:allow-pypi');
      assert.deepEqual([pypi?.host, pypi?.expect.blocked, pypi?.required], ['pypi.org', undefined, true]);
      assert.equal(notProbed(plan, 'fqdn-rule:allow-pythonhosted')?.reason, 'informational');
      // The managed network's private endpoints: catalog rows on those names must resolve privately,
      // and a name no row covers gets a DNS check.
      assert.equal(byId(plan, 'storage-blob:443')?.expect.private, true);
      assert.equal(byId(plan, 'keyvault:443')?.expect.private, true);
      assert.equal(byId(plan, 'acr:443')?.expect.private, true);
      assert.equal(byId(plan, 'storage-file-https:443')?.expect.private, true);
      assert.equal(byId(plan, 'storage-blob:443')?.expect.privateSource, 'managed-network');
      const queue = byId(plan, 'managed-network-pe:stcontosoml.queue.core.windows.net');
      assert.deepEqual([queue?.expect.private, queue?.expect.privateSource, queue?.expect.privateZone], [true, 'managed-network', 'privatelink.queue.core.windows.net']);
      // The managed-network scenario replaces the compute VNet's; its customer-VNet rows say they do not apply.
      assert.equal(byId(plan, 'storage-queue:443'), undefined);
      assert.ok(byId(plan, 'tundra:5831'));
      assert.match(notProbed(plan, 'managed-no-inbound-44224')?.message ?? '', /does not apply in a managed virtual network/i);
      assert.equal(plan.notProbed.filter((r) => r.reason === 'outbound_rule_inactive' || r.reason === 'managed_network_not_provisioned').length, 0);
    });
  }

  it('internet outbound: no canaries; the private endpoints still make their names private', async () => {
    const plan = await planFor({ workspaceJson: fixture('arm-internet-outbound.json') });
    assert.equal(plan.endpoints.filter((e) => e.expect.blocked === true).length, 0);
    assert.equal(byId(plan, 'storage-blob:443')?.expect.private, true);
    assert.ok(byId(plan, 'tundra:5831'));
  });

  it('disabled: the customer VNet plan, with no managed-network rows or findings', async () => {
    const plan = await planFor({ workspaceJson: fixture('cli-disabled.json') });
    assert.ok(byId(plan, 'storage-queue:443'), 'compute-no-public-ip is probed');
    assert.equal(plan.endpoints.filter((e) => e.expect.blocked === true).length, 0);
    assert.equal(notProbed(plan, 'managed-no-inbound-44224'), undefined);
    assert.equal(notProbed(plan, 'managed-network:status'), undefined);
  });

  it('pending rules and an unprovisioned network are findings with the documented fix', async () => {
    for (const shape of ['cli', 'arm']) {
      const plan = await planFor({ workspaceJson: fixture(`${shape}-pending.json`) });
      const status = notProbed(plan, 'managed-network:status');
      assert.deepEqual([status?.status, status?.reason], ['warn', 'managed_network_not_provisioned']);
      assert.match(status?.meta?.remediation ?? '', /provision-network/);
      const partner = notProbed(plan, 'managed-network:rule:partner-data-blob');
      assert.deepEqual([partner?.status, partner?.reason], ['warn', 'outbound_rule_inactive']);
      assert.match(partner?.meta?.remediation ?? '', /Approve the private endpoint connection/);
      // An inactive rule allows nothing: github.com stays a canary, the partner account is not expected private.
      assert.equal(byId(plan, 'canary-code-host')?.expect.blocked, true);
      assert.equal(plan.endpoints.some((e) => e.host.startsWith('stpartnerdata.')), false);
    }
  });

  it('--expect-private leaves the canaries alone: they are public names by design', async () => {
    const plan = await planFor({ managedNetwork: 'allow-only-approved-outbound' }, { expectPrivate: true });
    const canaries = plan.endpoints.filter((e) => e.expect.blocked === true);
    assert.equal(canaries.length, 4);
    assert.deepEqual(canaries.filter((e) => e.expect.private === true).map((e) => e.id), []);
    assert.equal(byId(plan, 'entra-login:443')?.expect.private, true, 'every other endpoint gets it');
  });

  it('--managed-network alone (no file) adds every canary; the flag wins over the file', async () => {
    const plan = await planFor({ managedNetwork: 'allow-only-approved-outbound' });
    assert.deepEqual(
      plan.endpoints.filter((e) => e.expect.blocked === true).map((e) => e.host).sort(),
      ['azureopendatastorage.blob.core.windows.net', 'files.pythonhosted.org', 'github.com', 'pypi.org'],
    );
    const overridden = await planFor({ managedNetwork: 'allow-internet-outbound', workspaceJson: fixture('cli-approved-only.json') });
    assert.equal(overridden.endpoints.filter((e) => e.expect.blocked === true).length, 0);
    assert.equal(overridden.workspace?.origin.managedNetwork, 'flag');
  });
});
