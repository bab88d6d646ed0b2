// --workspace-json and --private-endpoints-json: saved Azure CLI output (test/fixtures/azure/) ->
// the workspace profile, the expected private addresses, and exit-2 errors that name the file and
// the odd field. Pure parsing and planning: no packet is sent here (see cli-azure-json.test.ts).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readPrivateEndpointJson } from '../src/azure/private-endpoint-json.js';
import { readWorkspaceJson } from '../src/azure/workspace-json.js';
import { isUsageError, UsageError } from '../src/errors.js';
import { applyPrivateEndpointExpectations, fqdnCovers, mergePrivateFqdns } from '../src/plan/private-endpoint-expectations.js';
import { buildProfile } from '../src/plan/profile.js';
import type { RunPlan } from '../src/engine/probe-to-report.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { RunSettings } from '../src/model/settings.js';
import type { WorkspaceProfile } from '../src/model/profile.js';
import { REPO_ROOT } from './helpers/cli.js';

const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'azure', name);
const WS = '3f2c8a91-6d4e-4b7a-9c1e-5a8b7d6e4f20';

/** The UsageError `fn` throws, as "where: message". */
function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isUsageError(error), `expected a UsageError, got ${String(error)}`);
    const e = error as UsageError;
    return `${e.where ?? ''}: ${e.message}`;
  }
  assert.fail('expected a UsageError, nothing was thrown');
}

/** The profile a workspace JSON file gives on its own, validated as the CLI does. */
function profileOf(file: string, flags: Partial<WorkspaceProfile> = {}) {
  return buildProfile({ flags, workspaceJson: readWorkspaceJson(file), env: {} });
}

describe('--workspace-json: az ml workspace show -> profile', () => {
  const cases: { file: string; profile: WorkspaceProfile }[] = [
    {
      file: 'workspace-show.json',
      profile: {
        cloud: 'public',
        region: 'eastus',
        workspaceName: 'contoso-ml',
        workspaceId: WS,
        storageAccounts: ['stcontosoml'],
        keyVault: 'kv-contoso-ml',
        containerRegistry: 'crcontosoml',
        privateEndpoints: true,
      },
    },
    {
      // ARM REST / az resource show: camelCase under properties, upper-case GUID, null registry,
      // public access enabled (says nothing), China cloud from the discovery URL.
      file: 'workspace-rest.json',
      profile: {
        cloud: 'china',
        region: 'chinaeast2',
        workspaceName: 'contoso-ml-cn',
        workspaceId: '52882c08-ead2-44aa-af65-08a75cf094bd',
        storageAccounts: ['stcontosomlcn'],
        keyVault: 'kv-contoso-ml-cn',
      },
    },
    // Partial: fills what it can; the cloud falls back to the default.
    { file: 'workspace-partial.json', profile: { cloud: 'public', region: 'westeurope', workspaceName: 'contoso-ml' } },
    // Only the ARM id (the name is its last segment) and a display-name location.
    { file: 'workspace-id-only.json', profile: { cloud: 'public', region: 'eastus', workspaceName: 'contoso-ml' } },
  ];
  for (const c of cases) {
    it(c.file, () => {
      const built = profileOf(fixture(c.file));
      assert.deepEqual(built.profile, c.profile);
      for (const field of Object.keys(c.profile)) {
        const expected = field === 'cloud' && c.profile.storageAccounts === undefined ? 'default' : 'workspace-json';
        assert.equal(built.origin[field], expected, field);
      }
    });
  }

  it('flags and config keys win over the file, the file over AMLPROBE_* variables', () => {
    const built = buildProfile({
      flags: { region: 'westus2' },
      config: { keyVault: 'kv-from-config' },
      workspaceJson: readWorkspaceJson(fixture('workspace-show.json')),
      env: { AMLPROBE_WORKSPACE_NAME: 'from-env', AMLPROBE_COMPUTE_INSTANCE: 'ci-from-env' },
    });
    assert.equal(built.profile.region, 'westus2');
    assert.equal(built.origin.region, 'flag');
    assert.equal(built.profile.keyVault, 'kv-from-config');
    assert.equal(built.origin.keyVault, 'config');
    assert.equal(built.profile.workspaceName, 'contoso-ml');
    assert.equal(built.origin.workspaceName, 'workspace-json');
    assert.equal(built.profile.computeInstance, 'ci-from-env');
    assert.equal(built.origin.computeInstance, 'env');
  });

  const errors: { file: string; message: RegExp }[] = [
    { file: 'workspace-bad-storage-id.json', message: /workspace-bad-storage-id\.json: 'storage_account' is not an ARM resource id: 'stcontosoml\.blob\.core\.windows\.net'/ },
    { file: 'workspace-storage-is-vault.json', message: /workspace-storage-is-vault\.json: 'storage_account' names a Microsoft\.KeyVault\/vaults resource, expected Microsoft\.Storage\/storageAccounts/ },
    { file: 'workspace-bad-region.json', message: /workspace-bad-region\.json 'location': 'east-us-2!' is not a valid region/ },
    { file: 'workspace-truncated.json', message: /--workspace-json: '.*workspace-truncated\.json' is not valid JSON at line \d+, column \d+: .*Is the file complete/ },
    { file: 'workspace-table-output.txt', message: /workspace-table-output\.txt' is not JSON: it starts with 'WARNING: Command group 'ml' is experimental'\. Save only the JSON/ },
    { file: 'workspace-list.json', message: /holds a list of 2 item\(s\).*az ml workspace show/ },
    { file: 'storage-account-show.json', message: /describes a Microsoft\.Storage\/storageAccounts resource, not an Azure ML workspace/ },
    { file: 'pe-workspace-show.json', message: /describes a Microsoft\.Network\/privateEndpoints resource.*use --private-endpoints-json/ },
    { file: 'workspace-unrelated.json', message: /holds none of the fields amlprobe reads from 'az ml workspace show'/ },
    { file: 'no-such-file.json', message: /--workspace-json: cannot read '.*no-such-file\.json': no such file/ },
  ];
  for (const c of errors) {
    it(`error: ${c.file}`, () => assert.match(usageError(() => profileOf(fixture(c.file))), c.message));
  }

  describe('encodings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-azure-json-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const json = JSON.stringify({ name: 'contoso-ml', location: 'eastus' });
    const table: { case: string; bytes: Buffer }[] = [
      { case: 'UTF-8 with BOM', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]) },
      // Windows PowerShell 5's `>` writes UTF-16 LE with a BOM.
      { case: 'UTF-16 LE with BOM (PowerShell redirection)', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]) },
      { case: 'UTF-16 BE with BOM', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(json, 'utf16le').swap16()]) },
    ];
    for (const c of table) {
      it(c.case, () => {
        const file = join(dir, `${c.case.replace(/\W+/g, '-')}.json`);
        writeFileSync(file, c.bytes);
        assert.deepEqual(profileOf(file).profile, { cloud: 'public', region: 'eastus', workspaceName: 'contoso-ml' });
      });
    }
    it('an empty file', () => {
      const file = join(dir, 'empty.json');
      writeFileSync(file, '\n');
      assert.match(usageError(() => readWorkspaceJson(file)), /empty\.json' is empty/);
    });
  });
});

describe('--private-endpoints-json: private FQDN -> expected addresses', () => {
  const mapping = (file: string): Record<string, string[]> =>
    Object.fromEntries(readPrivateEndpointJson(fixture(file)).map((r) => [r.fqdn, r.addresses]));
  const WORKSPACE_PE = {
    [`${WS}.workspace.eastus.api.azureml.ms`]: ['10.1.0.5'],
    [`${WS}.workspace.eastus.cert.api.azureml.ms`]: ['10.1.0.5'],
    [`ml-contoso-ml-eastus-${WS}.eastus.notebooks.azure.net`]: ['10.1.0.6'],
    '*.eastus.inference.ml.azure.com': ['10.1.0.7'],
  };
  const cases: { file: string; expected: Record<string, string[]> }[] = [
    { file: 'pe-workspace-show.json', expected: WORKSPACE_PE },
    { file: 'pe-workspace-rest.json', expected: WORKSPACE_PE },
    // list: the key vault endpoint uses a DNS zone group (customDnsConfigs empty): nothing from it.
    { file: 'pe-list.json', expected: { ...WORKSPACE_PE, 'stcontosoml.blob.core.windows.net': ['10.1.0.8'] } },
    { file: 'pe-dns-zone-group-list.json', expected: { 'kv-contoso-ml.privatelink.vaultcore.azure.net': ['10.1.0.9'] } },
    { file: 'nic-show.json', expected: { 'kv-contoso-ml.vault.azure.net': ['10.1.0.9'] } },
  ];
  for (const c of cases) it(c.file, () => assert.deepEqual(mapping(c.file), c.expected));

  it('records the endpoint and its group IDs', () => {
    const [first] = readPrivateEndpointJson(fixture('pe-list.json'));
    assert.match(first?.source ?? '', /^'pe-contoso-ml' in .*pe-list\.json$/);
    assert.deepEqual(first?.groupIds, ['amlworkspace']);
  });

  const errors: { file: string; message: RegExp }[] = [
    { file: 'pe-bad-ip.json', message: /pe-bad-ip\.json: 'customDnsConfigs\[2\]\.ipAddresses\[0\]' is not an IP address: '10\.1\.0\.256'/ },
    { file: 'pe-bad-fqdn.json', message: /pe-bad-fqdn\.json: 'customDnsConfigs\[1\]\.fqdn' is not a host name: 'https:\/\/contoso\.example\/'/ },
    { file: 'pe-custom-dns-not-list.json', message: /'customDnsConfigs' should be a list, got a object/ },
    { file: 'pe-zone-group-only.json', message: /'pe-kv-contoso-ml' carries no FQDN with an address.*dns-zone-group list.*az network nic show/ },
    { file: 'pe-truncated.json', message: /--private-endpoints-json: '.*pe-truncated\.json' is not valid JSON/ },
    { file: 'workspace-show.json', message: /workspace-show\.json: the file is not a private endpoint, DNS zone group or network interface/ },
  ];
  for (const c of errors) {
    it(`error: ${c.file}`, () => assert.match(usageError(() => readPrivateEndpointJson(fixture(c.file))), c.message));
  }

  it('merging: the same name from two files with other addresses is an error naming both endpoints', () => {
    const records = [...readPrivateEndpointJson(fixture('pe-workspace-show.json')), ...readPrivateEndpointJson(fixture('pe-workspace-other-vnet.json'))];
    assert.match(
      usageError(() => mergePrivateFqdns(records)),
      /'3f2c8a91-[^']+\.workspace\.eastus\.api\.azureml\.ms' maps to 10\.1\.0\.5 in 'pe-contoso-ml' .* but to 10\.2\.0\.5 in 'pe-contoso-ml-westeurope'/,
    );
  });

  it('merging: the same name and addresses twice (show + list) is one entry', () => {
    const records = [...readPrivateEndpointJson(fixture('pe-workspace-show.json')), ...readPrivateEndpointJson(fixture('pe-list.json'))];
    const merged = mergePrivateFqdns(records);
    assert.equal(merged.length, 5);
    assert.deepEqual(merged.find((m) => m.fqdn.startsWith(WS))?.addresses, ['10.1.0.5']);
  });

  it('wildcards cover names below them, not the zone itself', () => {
    const table: [string, string, boolean][] = [
      ['*.eastus.inference.ml.azure.com', 'scoring.eastus.inference.ml.azure.com', true],
      ['*.eastus.inference.ml.azure.com', 'a.b.eastus.inference.ml.azure.com', true],
      ['*.eastus.inference.ml.azure.com', 'eastus.inference.ml.azure.com', false],
      ['*.eastus.inference.ml.azure.com', 'scoring.westus.inference.ml.azure.com', false],
      ['*.eastus.inference.ml.azure.com', 'xeastus.inference.ml.azure.com', false],
      ['stcontosoml.blob.core.windows.net', 'stcontosoml.blob.core.windows.net', true],
    ];
    for (const [pattern, host, covers] of table) assert.equal(fqdnCovers(pattern, host), covers, `${pattern} vs ${host}`);
  });
});

describe('applyPrivateEndpointExpectations', () => {
  const endpoint = (id: string, host: string, expect: Endpoint['expect'] = {}): Endpoint => ({
    id, host, port: 443, protocol: 'https', path: '/', required: true, expect,
  });
  const settings = {} as RunSettings;

  it('sets expectations, adds uncovered names as DNS checks and shows uncovered wildcards', () => {
    const names = mergePrivateFqdns([
      ...readPrivateEndpointJson(fixture('pe-list.json')),
      ...readPrivateEndpointJson(fixture('pe-dns-zone-group-list.json')),
    ]);
    const plan: RunPlan = {
      settings,
      endpoints: [
        endpoint('api', `${WS}.workspace.eastus.api.azureml.ms`),
        // A privatelink name in the file matches the public name the catalog probes.
        endpoint('blob', 'stcontosoml.blob.core.windows.net'),
        endpoint('kv', 'kv-contoso-ml.privatelink.vaultcore.azure.net'),
        // An address list written in the config wins.
        endpoint('cert', `${WS}.workspace.eastus.cert.api.azureml.ms`, { addresses: ['10.9.9.9'] }),
        endpoint('other', 'login.microsoftonline.com'),
      ],
    };
    applyPrivateEndpointExpectations(plan, names);
    const byId = Object.fromEntries(plan.endpoints.map((e) => [e.id, e]));
    assert.deepEqual(byId['api']?.expect.addresses, ['10.1.0.5']);
    assert.deepEqual(byId['blob']?.expect.addresses, ['10.1.0.8']);
    assert.deepEqual(byId['kv']?.expect.addresses, ['10.1.0.9']);
    assert.deepEqual(byId['cert']?.expect.addresses, ['10.9.9.9']);
    assert.equal(byId['other']?.expect.addresses, undefined);
    const notebooks = byId[`private-endpoint:ml-contoso-ml-eastus-${WS}.eastus.notebooks.azure.net`];
    assert.deepEqual(
      { protocol: notebooks?.protocol, port: notebooks?.port, required: notebooks?.required, addresses: notebooks?.expect.addresses },
      { protocol: 'dns', port: 0, required: true, addresses: ['10.1.0.6'] },
    );
    assert.equal(plan.endpoints.length, 6, plan.endpoints.map((e) => e.id).join(', '));
    assert.deepEqual(plan.notProbed?.map((r) => [r.id, r.status, r.reason]), [['private-endpoint:*.eastus.inference.ml.azure.com', 'skip', 'informational']]);
    assert.match(plan.notProbed?.[0]?.message ?? '', /10\.1\.0\.7.*dns:\/\/NAME\.eastus\.inference\.ml\.azure\.com/);
  });

  it('a name under a wildcard gets its address; the wildcard is then covered', () => {
    const plan: RunPlan = { settings, endpoints: [endpoint('scoring', 'scoring.eastus.inference.ml.azure.com')] };
    applyPrivateEndpointExpectations(plan, mergePrivateFqdns(readPrivateEndpointJson(fixture('pe-workspace-show.json'))));
    assert.deepEqual(plan.endpoints[0]?.expect.addresses, ['10.1.0.7']);
    assert.equal(plan.notProbed, undefined);
  });
});
