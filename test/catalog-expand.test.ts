// Catalog loading and expansion against small fixture scenarios (test/fixtures/catalog/), the
// notebooks label rule, and every `amlprobe catalog` output format. One test at the end checks that
// the real probes/ catalog expands for every cloud.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isUsageError, UsageError } from '../src/errors.js';
import { expandCatalog, type CatalogExpansion } from '../src/plan/catalog-expand.js';
import { defaultCatalogDir, defaultSchemaPath, loadCatalog } from '../src/plan/catalog-load.js';
import { packageRoot } from '../src/package-root.js';
import { CLOUD_NAMES } from '../src/azure/clouds.js';
import { DNS_LABEL_MAX, notebooksLabel } from '../src/plan/notebooks-label.js';
import { buildProfile } from '../src/plan/profile.js';
import { renderCatalog } from '../src/report/catalog-formats.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { WorkspaceProfile } from '../src/model/profile.js';

const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'catalog');
// The fixtures are validated against the real schema, so they also check the row contract itself.
const SCHEMA = defaultSchemaPath();
const GUID = '52882c08-ead2-44aa-af65-08a75cf094bd';

const good = () => loadCatalog(join(FIXTURES, 'good'), SCHEMA);

const full = (extra: WorkspaceProfile = {}): WorkspaceProfile => ({
  cloud: 'public',
  region: 'eastus',
  workspaceName: 'mlws',
  workspaceId: GUID,
  storageAccounts: ['mlwsstorage'],
  keyVault: 'mlws-kv',
  containerRegistry: 'mlwsacr01',
  computeInstance: 'ci-dev',
  registries: [{ name: 'shared', region: 'westeurope', id: '11111111-2222-3333-4444-555555555555' }],
  ...extra,
});

function endpoint(x: CatalogExpansion, id: string): Endpoint {
  const found = x.endpoints.find((e) => e.id === id);
  assert.ok(found, `no endpoint ${id}; have ${x.endpoints.map((e) => e.id).join(', ')}`);
  return found;
}

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    assert.ok(isUsageError(error), `expected a UsageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a UsageError, nothing was thrown');
}

describe('loadCatalog', () => {
  it('reads every scenario file, sorted, with the line of each row', () => {
    const scenarios = good();
    assert.deepEqual(scenarios.map((s) => s.scenario), ['compute', 'registry', 'workspace-core']);
    const core = scenarios[2]!;
    assert.match(core.endpoints[0]!.at ?? '', /workspace-core\.yaml:7$/);
    assert.equal(core.endpoints.find((r) => r.id === 'tundra')?.condition, 'compute instance management traffic');
  });

  // Each case: a fixture directory, the file:line the error must point at, and what it must say.
  const cases = [
    { case: 'YAML syntax error', dir: 'bad-yaml', where: /broken\.yaml:\d+:\d+$/, message: /invalid YAML/ },
    { case: 'row without host', dir: 'bad-schema', where: /missing-host\.yaml:19$/, message: /endpoints\.1: missing key 'host'/ },
    { case: 'scenario name differs from file name', dir: 'bad-name', where: /actual-name\.yaml:1$/, message: /'other-name' must match its file name 'actual-name'/ },
    { case: 'same id twice in a file', dir: 'bad-duplicate', where: /dup\.yaml:19$/, message: /'same' is used twice in this file \(first at line 6\)/ },
    { case: 'same id, different endpoint, two files', dir: 'bad-conflict', where: /b\.yaml:6$/, message: /'shared-id' is also defined at .*a\.yaml:6 with a different host/ },
  ];
  for (const c of cases) {
    it(`rejects: ${c.case}`, () => {
      const error = usageErrorOf(() => loadCatalog(join(FIXTURES, c.dir), SCHEMA));
      assert.match(error.where ?? '', c.where);
      assert.match(error.message, c.message);
    });
  }

  it('names the schema file when it cannot be read', () => {
    const error = usageErrorOf(() => loadCatalog(join(FIXTURES, 'good'), join(FIXTURES, 'no-such-schema.json')));
    assert.match(error.where ?? '', /no-such-schema\.json$/);
  });
});

describe('notebooksLabel', () => {
  const id = GUID;
  it('keeps the documented 21Vianet example whole (62 characters)', () => {
    const built = notebooksLabel('mype-pltest', 'chinaeast2', id);
    assert.equal(built.label, `ml-mype-pltest-chinaeast2-${id}`);
    assert.equal(built.label.length, 62);
    assert.equal(built.truncated, false);
  });

  // Fixed part: "ml-" + "-" + region + "-" + 36-character GUID = 41 + region length.
  const cases = [
    { case: 'short name', name: 'ws', region: 'eastus', nameUsed: 'ws', truncated: false },
    { case: 'exactly 63 with eastus', name: 'a'.repeat(63 - 41 - 6), region: 'eastus', nameUsed: 'a'.repeat(16), truncated: false },
    { case: 'one over 63 with eastus', name: 'b'.repeat(17), region: 'eastus', nameUsed: 'b'.repeat(16), truncated: true },
    // The cut is character-exact, so it may leave a trailing hyphen ("ml-long--..."); the docs say no more.
    { case: '33-character name, long region', name: 'long-workspace-name-for-testing-x', region: 'australiacentral2', nameUsed: 'long-', truncated: true },
    { case: 'documented US Gov name, cut at 63', name: 'mype-pltest', region: 'usgovvirginia', nameUsed: 'mype-plte', truncated: true },
    { case: 'upper-case input', name: 'MyWS', region: 'EastUS', nameUsed: 'myws', truncated: false },
  ];
  for (const c of cases) {
    it(c.case, () => {
      const built = notebooksLabel(c.name, c.region, id.toUpperCase());
      assert.equal(built.nameUsed, c.nameUsed);
      assert.equal(built.truncated, c.truncated);
      assert.equal(built.label, `ml-${c.nameUsed}-${c.region.toLowerCase()}-${id}`);
      assert.ok(built.label.length <= DNS_LABEL_MAX, `${built.label.length} > 63`);
    });
  }

  it('refuses a region so long that no label can fit', () => {
    const error = usageErrorOf(() => notebooksLabel('ws', 'r'.repeat(30), id));
    assert.equal(error.where, '--region');
  });

  it('notes the cut in the expanded endpoint', () => {
    const x = expandCatalog(good(), full({ workspaceName: 'a-very-long-workspace-name-0001', region: 'southeastasia' }), { scenarios: ['workspace-core'] });
    const nb = endpoint(x, 'notebooks:443');
    assert.equal(nb.host.split('.')[0]!.length, 63);
    assert.match(nb.meta?.note ?? '', /cut to 'a-very-lo' .*privateLinkConnectionProperties/);
  });
});

describe('expandCatalog per cloud and region', () => {
  const cases = [
    { cloud: 'public', region: 'eastus', api: `${GUID}.workspace.eastus.api.azureml.ms`, nb: 'eastus.notebooks.azure.net', login: 'login.microsoftonline.com', acr: 'mlwsacr01.azurecr.io', blob: 'mlwsstorage.blob.core.windows.net' },
    { cloud: 'public', region: 'westeurope', api: `${GUID}.workspace.westeurope.api.azureml.ms`, nb: 'westeurope.notebooks.azure.net', login: 'login.microsoftonline.com', acr: 'mlwsacr01.azurecr.io', blob: 'mlwsstorage.blob.core.windows.net' },
    { cloud: 'china', region: 'chinaeast2', api: `${GUID}.workspace.chinaeast2.api.ml.azure.cn`, nb: 'chinaeast2.notebooks.chinacloudapi.cn', login: 'login.chinacloudapi.cn', acr: undefined, blob: 'mlwsstorage.blob.core.chinacloudapi.cn' },
    { cloud: 'usgov', region: 'usgovvirginia', api: `${GUID}.workspace.usgovvirginia.api.ml.azure.us`, nb: 'usgovvirginia.notebooks.usgovcloudapi.net', login: 'login.microsoftonline.us', acr: 'mlwsacr01.azurecr.us', blob: 'mlwsstorage.blob.core.usgovcloudapi.net' },
  ] as const;
  for (const c of cases) {
    it(`${c.cloud} ${c.region}`, () => {
      const x = expandCatalog(good(), full({ cloud: c.cloud, region: c.region }), {});
      assert.equal(endpoint(x, 'aml-api:443').host, c.api);
      assert.equal(endpoint(x, 'aml-api:443').meta?.privateDnsZone, `privatelink.${c.api.split('.').slice(3).join('.')}`);
      assert.equal(endpoint(x, 'notebooks:443').host, `ml-mlws-${c.region}-${GUID}.${c.nb}`);
      assert.equal(endpoint(x, 'entra-login:443').host, c.login);
      assert.equal(endpoint(x, 'storage-blob:443').host, c.blob);
      assert.equal(endpoint(x, 'storage-blob:443').meta?.serviceTag, `Storage.${c.region}`);
      assert.equal(endpoint(x, 'tundra:5831').host, `${c.region}.tundra.azureml.${c.cloud === 'public' ? 'ms' : c.cloud === 'china' ? 'cn' : 'us'}`);
      // The ACR row is restricted to public and usgov: in 21Vianet it is dropped, not reported.
      const acr = x.endpoints.find((e) => e.id === 'workspace-acr:443');
      assert.equal(acr?.host, c.acr);
      assert.equal(x.rows.some((r) => r.id === 'workspace-acr'), c.acr !== undefined);
      assert.deepEqual(x.missing, []);
      for (const e of x.endpoints) assert.doesNotMatch(e.host, /[{}A-Z]/, e.id);
    });
  }

  it('expands cloud values that hold {region} (AKS API server suffix)', () => {
    const labels = CLOUD_NAMES.map((cloud) => expandCatalog(good(), full({ cloud, region: 'r1' }), {}).notProbed.find((n) => n.id === 'aks-api')?.label);
    assert.deepEqual(labels, ['*.hcp.r1.azmk8s.io', '*.hcp.r1.cx.prod.service.azk8s.cn', '*.hcp.r1.cx.aks.containerservice.azure.us']);
  });

  it('never guesses a name no source documents: the 21Vianet monitor zone is shown as absent', () => {
    const x = expandCatalog(good(), full({ cloud: 'china', region: 'chinanorth3' }), {});
    const ai = endpoint(x, 'app-insights:443');
    assert.equal(ai.host, 'dc.applicationinsights.azure.cn');
    assert.equal(ai.meta?.privateDnsZone, undefined);
    assert.match(ai.meta?.note ?? '', /No stored source names the private DNS zone for Azure operated by 21Vianet/);
  });
});

describe('expandCatalog endpoints', () => {
  it('maps probe kinds to protocols, paths, ports and ids', () => {
    const x = expandCatalog(good(), full(), {});
    const cases: [string, Partial<Endpoint>][] = [
      ['aml-api:443', { protocol: 'https', path: '/', port: 443, required: true }],
      ['aml-api-dns', { protocol: 'dns', path: '', port: 0, required: true }],
      ['tundra:5831', { protocol: 'udp', path: '', port: 5831, required: false }],
      ['entra-login:80', { protocol: 'tcp', path: '', port: 80 }],
      ['entra-login:443', { protocol: 'tcp', path: '', port: 443 }],
      ['workspace-acr:443', { protocol: 'tls', path: '', port: 443 }],
      ['compute-instance:443', { protocol: 'wss', path: '/', host: 'ci-dev.eastus.instances.azureml.ms' }],
    ];
    for (const [id, expected] of cases) {
      const e = endpoint(x, id);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(e[key as keyof Endpoint], value, `${id}.${key}`);
    }
    assert.equal(new Set(x.endpoints.map((e) => e.id)).size, x.endpoints.length, 'ids are unique');
  });

  it('puts the condition of a conditional row in meta.note and makes it not required', () => {
    const tundra = endpoint(expandCatalog(good(), full(), {}), 'tundra:5831');
    assert.equal(tundra.required, false);
    assert.match(tundra.meta?.note ?? '', /^Needed when: compute instance management traffic\. Sources disagree: /);
  });

  it('expects private addresses only where the row says so and private endpoints are not switched off', () => {
    const on = expandCatalog(good(), full(), {});
    assert.equal(endpoint(on, 'aml-api:443').expect.private, true);
    assert.equal(endpoint(on, 'entra-login:443').expect.private, false);
    const off = expandCatalog(good(), full({ privateEndpoints: false }), {});
    assert.ok(off.endpoints.every((e) => e.expect.private === false));
  });

  it('expands a row once per storage account when several are given', () => {
    const x = expandCatalog(good(), full({ storageAccounts: ['one11', 'two22'] }), { scenarios: ['workspace-core'] });
    assert.deepEqual(
      x.endpoints.filter((e) => e.id.startsWith('storage-blob')).map((e) => [e.id, e.host]),
      [
        ['storage-blob@one11:443', 'one11.blob.core.windows.net'],
        ['storage-blob@two22:443', 'two22.blob.core.windows.net'],
      ],
    );
  });

  it('lower-cases upper-case input all the way to the host names', () => {
    const { profile } = buildProfile({
      flags: { region: 'WestEurope', workspaceId: GUID.toUpperCase(), workspaceName: 'MLWS', storageAccounts: ['MLWSSTORAGE'] },
      env: { AMLPROBE_CLOUD: 'AzureCloud' },
    });
    const x = expandCatalog(good(), profile, { scenarios: ['WORKSPACE-CORE'] });
    assert.equal(endpoint(x, 'aml-api:443').host, `${GUID}.workspace.westeurope.api.azureml.ms`);
    assert.equal(endpoint(x, 'notebooks:443').host, `ml-mlws-westeurope-${GUID}.westeurope.notebooks.azure.net`);
    assert.equal(endpoint(x, 'storage-blob:443').host, 'mlwsstorage.blob.core.windows.net');
  });
});

describe('expandCatalog rows it cannot probe', () => {
  it('lists each missing profile value once, with its flag and the rows that need it', () => {
    const x = expandCatalog(good(), { cloud: 'public', region: 'eastus' }, {});
    assert.deepEqual(
      x.missing.map((m) => [m.field, m.flag, m.neededBy]),
      [
        ['workspaceName', '--workspace-name NAME', ['notebooks']],
        ['workspaceId', '--workspace-id GUID', ['aml-api', 'aml-api-dns', 'notebooks']],
        ['storageAccounts', '--storage-account NAME', ['storage-blob']],
        ['keyVault', '--key-vault NAME', ['keyvault']],
        ['containerRegistry', '--container-registry NAME', ['workspace-acr']],
        ['computeInstance', '--compute-instance NAME', ['compute-instance']],
        ['registries', '--registry NAME[@REGION]', ['registry-private', 'registry-discovery']],
      ],
    );
    const blob = x.notProbed.find((n) => n.id === 'storage-blob');
    assert.deepEqual(
      { reason: blob?.reason, label: blob?.label },
      { reason: 'needs_input', label: '*.blob.core.windows.net' },
    );
    assert.equal(blob?.message, 'needs a concrete host name: set --storage-account NAME (or workspace.storageAccounts in the config)');
    const api = x.notProbed.find((n) => n.id === 'aml-api');
    assert.equal(api?.label, '{workspaceId}.workspace.eastus.api.azureml.ms');
    assert.match(api?.message ?? '', /^needs the workspace ID: set --workspace-id GUID/);
  });

  it('asks only for the parts of the notebooks label that are unknown', () => {
    const x = expandCatalog(good(), full({ workspaceName: undefined }), { scenarios: ['workspace-core'] });
    assert.deepEqual(x.missing.map((m) => m.flag), ['--workspace-name NAME']);
    assert.match(x.notProbed.find((n) => n.id === 'notebooks')?.message ?? '', /needs the workspace name: set --workspace-name NAME/);
  });

  it('probes a wildcard through its documented well-known host, whatever the profile', () => {
    for (const profile of [full(), { cloud: 'usgov' as const }]) {
      const mcr = endpoint(expandCatalog(good(), profile, { scenarios: ['compute'] }), 'mcr-data:443');
      assert.equal(mcr.host, 'eastus.data.mcr.microsoft.com');
      assert.equal(mcr.label, '*.data.mcr.microsoft.com');
    }
  });

  it('probes a wildcard through the profile name when given, and asks for it when not', () => {
    const withAccount = endpoint(expandCatalog(good(), full(), {}), 'storage-blob:443');
    assert.equal(withAccount.host, 'mlwsstorage.blob.core.windows.net');
    assert.equal(withAccount.label, '*.blob.core.windows.net');
    const without = expandCatalog(good(), full({ storageAccounts: undefined }), {});
    assert.equal(without.endpoints.some((e) => e.id.startsWith('storage-blob')), false);
    assert.equal(without.notProbed.find((n) => n.id === 'storage-blob')?.reason, 'needs_input');
  });

  it('shows probe-none rows and inbound rules as informational, with how to verify them', () => {
    const x = expandCatalog(good(), full(), {});
    const py = x.notProbed.find((n) => n.id === 'pythonhosted');
    assert.deepEqual([py?.reason, py?.label], ['informational', '*.pythonhosted.org']);
    assert.equal(py?.message, 'not probed: pip download from a compute node (any package: the CDN name varies)');
    const inbound = x.notProbed.find((n) => n.id === 'inbound-aml-44224');
    assert.equal(inbound?.reason, 'informational');
    assert.equal(inbound?.label, 'AzureMachineLearning (service tag) -> compute subnet', 'prose is not lower-cased');
    assert.match(inbound?.message ?? '', /list-effective-nsg/);
    assert.deepEqual(x.missing, []);
  });

  it('does not probe a wildcard that has neither a well-known host nor a profile name', () => {
    // The schema forbids this shape; the expansion still refuses to probe "*.x" literally.
    const scenarios = good().map((s) => ({
      ...s,
      endpoints: s.endpoints.map((r) => (r.id === 'pythonhosted' ? { ...r, probe: 'https' as const, verify: undefined } : r)),
    }));
    const x = expandCatalog(scenarios, full(), { scenarios: ['compute'] });
    assert.equal(x.endpoints.some((e) => e.host.includes('*')), false);
    assert.match(x.notProbed.find((n) => n.id === 'pythonhosted')?.message ?? '', /no documented concrete name.*allow \*\.pythonhosted\.org as written/);
  });

  it('needs the registry ID from discovery for the private registry name', () => {
    const x = expandCatalog(good(), full({ registries: [{ name: 'shared', region: 'westeurope' }] }), { scenarios: ['registry'] });
    assert.equal(endpoint(x, 'registry-discovery:443').host, 'westeurope.api.azureml.ms');
    const priv = x.notProbed.find((n) => n.id === 'registry-private');
    assert.match(priv?.message ?? '', /registry shared's ID \(GUID\) comes from registry discovery/);
    const withId = expandCatalog(good(), full(), { scenarios: ['registry'] });
    assert.equal(endpoint(withId, 'registry-private:443').host, '11111111-2222-3333-4444-555555555555.registry.westeurope.privatelink.api.azureml.ms');
  });
});

describe('expandCatalog scenarios', () => {
  it('probes a row shared by several scenarios once, with the strongest requirement', () => {
    const both = expandCatalog(good(), full(), { scenarios: ['compute', 'workspace-core'] });
    const api = both.endpoints.filter((e) => e.id === 'aml-api:443');
    assert.equal(api.length, 1);
    assert.equal(api[0]!.meta?.scenario, 'compute, workspace-core');
    assert.equal(api[0]!.required, true, 'required in workspace-core beats optional in compute');
    assert.deepEqual(api[0]!.meta?.sources, ['train2024', 'dns2026']);
    const computeOnly = endpoint(expandCatalog(good(), full(), { scenarios: ['compute'] }), 'aml-api:443');
    assert.equal(computeOnly.required, false);
    assert.equal(computeOnly.meta?.note, 'Optional.');
  });

  it('rejects an unknown scenario with the valid names and a suggestion', () => {
    const error = usageErrorOf(() => expandCatalog(good(), full(), { scenarios: ['compte'] }));
    assert.equal(error.where, '--scenario');
    assert.match(error.message, /unknown scenario 'compte'; did you mean 'compute'\?/);
    assert.match(error.message, /Scenarios: compute, registry, workspace-core/);
  });

  it('fails loudly on an unknown placeholder, even in a row for another cloud', () => {
    const scenarios = loadCatalog(join(FIXTURES, 'bad-placeholder'), SCHEMA);
    const cases = [
      { scenario: 'typo', message: /typo\.yaml:\d+: unknown placeholder \{workspaceID\}.*did you mean 'workspaceId'/ },
      { scenario: 'typo-cloud', message: /unknown placeholder \{cloud\.logn\}.*did you mean 'login'/ },
    ];
    for (const c of cases) {
      assert.throws(
        () => expandCatalog(scenarios, full({ cloud: 'public' }), { scenarios: [c.scenario] }),
        (error: unknown) => error instanceof Error && !isUsageError(error) && c.message.test(error.message),
      );
    }
  });
});

/** A strict RFC 4180 parser, for checking that the CSV output reads back to the same fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"' && field === '') (quoted = true), i++;
    else if (c === ',') record.push(field), (field = ''), i++;
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (field = ''), (record = []), (i += 2);
    else {
      assert.ok(c !== '"' && c !== '\n' && c !== '\r', `bare ${JSON.stringify(c)} at ${i}`);
      (field += c), i++;
    }
  }
  assert.equal(field, '', 'the last record ends with CRLF');
  return records;
}

describe('renderCatalog', () => {
  const profile = full({ containerRegistry: undefined });
  const x = expandCatalog(good(), profile, {});

  it('table: fits the width asked, moving columns under the row and wrapping, never cutting a host', () => {
    const wide = renderCatalog(x, profile, 'table');
    assert.ok(Math.max(...wide.split('\n').map((l) => l.length)) > 100, 'the sample is wider than 100 columns');
    for (const width of [60, 80, 100]) {
      const text = renderCatalog(x, profile, 'table', width);
      const hosts = new Set(x.rows.map((r) => (r.probeHost === undefined ? r.host : `${r.host} (probe ${r.probeHost})`)));
      for (const line of text.split('\n')) {
        // Only a host, alone on its line, may be longer than the width.
        if (line.length > width) assert.ok(hosts.has(line.trim()), `${width}: ${line}`);
      }
      for (const row of x.rows) {
        assert.ok(text.includes(row.host), `${width}: ${row.host} whole`);
        assert.ok(text.includes(row.serviceTag ?? '-'), `${width}: ${row.id}'s service tag`);
      }
    }
  });

  it('table: profile line, missing inputs first, one line per row with its rule', () => {
    const text = renderCatalog(x, profile, 'table');
    const lines = text.split('\n');
    assert.match(lines[0]!, /^amlprobe catalog: Azure public cloud, region eastus, workspace mlws/);
    assert.ok(text.indexOf('--container-registry NAME: needed by 1 row (workspace-acr)') < text.indexOf('ID  '));
    assert.match(text, /^ID +HOST +PORTS +DIRECTION +REQUIREMENT +SERVICE TAG +PRIVATE DNS ZONE +STATUS$/m);
    assert.match(text, /^entra-login +login\.microsoftonline\.com +TCP 80, 443 +outbound +required +AzureActiveDirectory +- +probe tcp$/m);
    assert.match(text, /^storage-blob +\*\.blob\.core\.windows\.net \(probe mlwsstorage\.blob\.core\.windows\.net\) /m);
    assert.match(text, /^ {4}rule: +Allow inbound TCP 44224 from AzureMachineLearning/m);
    assert.match(text, new RegExp(`${x.rows.length} rows: `));
  });

  it('json: parses back with the rows, the profile and the missing inputs', () => {
    const doc = JSON.parse(renderCatalog(x, profile, 'json')) as { schemaVersion: number; profile: WorkspaceProfile; missing: unknown[]; rows: { id: string }[] };
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(doc.profile, JSON.parse(JSON.stringify(profile)));
    assert.deepEqual(doc.rows.map((r) => r.id), x.rows.map((r) => r.id));
    assert.deepEqual(doc.missing, [{ field: 'containerRegistry', flag: '--container-registry NAME', neededBy: ['workspace-acr'] }]);
  });

  it('csv: RFC 4180, reads back to the same fields, quotes commas, quotes and line breaks', () => {
    const text = renderCatalog(x, profile, 'csv');
    const records = parseCsv(text);
    const header = records[0]!;
    assert.deepEqual(header.slice(0, 4), ['id', 'host', 'probe_host', 'protocol']);
    assert.equal(records.length, x.rows.length + 1);
    assert.ok(records.every((r) => r.length === header.length), 'every record has every column');
    const byId = new Map(records.slice(1).map((r) => [r[0]!, Object.fromEntries(header.map((h, i) => [h, r[i]!]))]));
    assert.equal(byId.get('pythonhosted')?.rule, 'Allow "*.pythonhosted.org" on TCP 443,\nor mirror the packages inside the VNet.');
    assert.equal(byId.get('entra-login')?.rule, 'Allow AzureActiveDirectory on TCP 80, 443.');
    assert.equal(byId.get('storage-blob')?.probe_host, 'mlwsstorage.blob.core.windows.net');
    assert.equal(byId.get('workspace-acr')?.status, 'needs_input');
    assert.equal(byId.get('inbound-aml-44224')?.status, 'informational');
    assert.ok(text.includes('"Allow ""*.pythonhosted.org"" on TCP 443,\nor mirror'));
  });

  it('markdown: one table row per catalog row, with cell text escaped', () => {
    const text = renderCatalog(x, profile, 'markdown');
    const tableRows = text.split('\n').filter((l) => l.startsWith('| '));
    assert.equal(tableRows.length, x.rows.length + 2);
    assert.match(text, /\*\*Missing input\*\*/);
    assert.match(text, /\| `storage-blob` \| `\*\.blob\.core\.windows\.net` \(probe `mlwsstorage\.blob\.core\.windows\.net`\) \|/);
    // "<region>" would vanish as an HTML tag and "*" would start emphasis.
    assert.match(text, /Allow Storage\.&lt;region&gt; on TCP 443/);
    assert.match(text, /Allow "\\\*\.pythonhosted\.org" on TCP 443, or mirror/);
    for (const row of tableRows) assert.equal(row.split(/(?<!\\)\|/).length - 2, 10, row);
  });
});

describe('the real catalog in probes/', () => {
  const dir = defaultCatalogDir();
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  const skip = files.length === 0 ? 'probes/ has no scenario files yet' : !existsSync(defaultSchemaPath()) ? 'probes/catalog.schema.json does not exist yet' : false;

  it('loads, and every row expands for every cloud with and without a profile', { skip }, () => {
    const scenarios = loadCatalog();
    assert.ok(scenarios.length > 0);
    for (const cloud of CLOUD_NAMES) {
      const region = { public: 'eastus', china: 'chinaeast2', usgov: 'usgovvirginia' }[cloud];
      for (const profile of [full({ cloud, region }), { cloud }]) {
        const x = expandCatalog(scenarios, profile, {});
        for (const e of x.endpoints) assert.match(e.host, /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/, `${cloud} ${e.id}: ${e.host}`);
        assert.equal(new Set(x.endpoints.map((e) => e.id)).size, x.endpoints.length, `${cloud}: endpoint ids are unique`);
        for (const format of ['table', 'json', 'csv', 'markdown'] as const) assert.ok(renderCatalog(x, profile, format).length > 0);
      }
    }
  });
});

describe('21Vianet output names no AzureFrontDoor.FrontEnd (seeds 000/002: not needed there)', () => {
  const catalog = loadCatalog();
  it('no row of any format for China names the tag; the studio is still listed; public still names it', () => {
    const china: WorkspaceProfile = { cloud: 'china', region: 'chinaeast2' };
    const x = expandCatalog(catalog, china);
    for (const format of ['table', 'json', 'csv', 'markdown'] as const) {
      assert.doesNotMatch(renderCatalog(x, china, format), /AzureFrontDoor\.FrontEnd/, format);
    }
    assert.ok(x.endpoints.some((e) => e.host === 'studio.ml.azure.cn'), 'the 21Vianet studio is probed');
    const pub: WorkspaceProfile = { cloud: 'public', region: 'eastus' };
    assert.match(renderCatalog(expandCatalog(catalog, pub), pub, 'csv'), /studio-web,ml\.azure\.com,.*AzureFrontDoor\.FrontEnd/);
  });
});
