// The plan decides which names must be private and why (issue 13, items 1 and 2): each catalog
// endpoint carries its row's private DNS zone, config endpoints the documented zone of their suffix
// (never the sign-in or management names), --private-dependency and workspace.privateDependencies
// make storage, key vault and registry rows private by declaration (and nothing else), and each
// private expectation says its source. Planning only: no packet is sent.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import type { Endpoint } from '../src/model/endpoint.js';
import { buildRunPlan } from '../src/plan/build-run-plan.js';
import type { RunPlanOptions } from '../src/plan/plan-options.js';
import { parsePrivateDependencies } from '../src/plan/private-expectations.js';

const dir = mkdtempSync(join(tmpdir(), 'amlprobe-private-expect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PROFILE: RunPlanOptions['profile'] = {
  region: 'eastus',
  workspaceName: 'contoso-ml',
  workspaceId: '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  storageAccounts: ['contosomlsa'],
  keyVault: 'contoso-kv',
  containerRegistry: 'contosoacr',
  privateEndpoints: true,
};

async function plan(extra: Partial<RunPlanOptions> = {}): Promise<Endpoint[]> {
  const built = await buildRunPlan(
    { settings: { dnsServers: ['10.0.0.4'] }, profile: PROFILE, learning: { noImds: true, noDiscovery: true }, scenarios: ['compute-no-public-ip'], ...extra },
    {},
  );
  return built.endpoints;
}

const byId = (endpoints: Endpoint[], id: string): Endpoint => {
  const found = endpoints.find((e) => e.id === id);
  assert.ok(found, `no endpoint ${id}; ids: ${endpoints.map((e) => e.id).join(', ')}`);
  return found;
};

describe('private expectations are the plan\'s data', () => {
  it('catalog rows carry their zone; dependencies stay public-allowed; workspace names are private by the catalog', async () => {
    const endpoints = await plan();
    // Every row here is a Microsoft endpoint: its certificate must chain to a public root too (tls_inspected).
    assert.deepEqual(byId(endpoints, 'storage-blob:443').expect, { private: false, privateZone: 'privatelink.blob.core.windows.net', publicRoot: true });
    assert.deepEqual(byId(endpoints, 'keyvault:443').expect, { private: false, privateZone: 'privatelink.vaultcore.azure.net', publicRoot: true });
    assert.deepEqual(byId(endpoints, 'acr-data:443').expect, { private: false, privateZone: 'privatelink.azurecr.io', publicRoot: true });
    assert.equal(byId(endpoints, 'acr-data:443').host, 'contosoacr.eastus.data.azurecr.io');
    assert.deepEqual(byId(endpoints, 'workspace-api:443').expect, { private: true, privateSource: 'catalog', privateZone: 'privatelink.api.azureml.ms', publicRoot: true });
    // The sign-in name's chain passes a privatelink label for everyone: its row records no zone.
    assert.equal(byId(endpoints, 'entra-login:443').expect.privateZone, undefined);
  });

  it('--private-dependency storage,acr: those rows must be private (source private-dependency); the key vault is not declared', async () => {
    const endpoints = await plan({ privateDependencies: ['storage,acr'] });
    for (const id of ['storage-blob:443', 'storage-queue:443', 'storage-table:443', 'storage-file-smb:445', 'acr:443', 'acr-data:443']) {
      const { expect } = byId(endpoints, id);
      assert.deepEqual([expect.private, expect.privateSource], [true, 'private-dependency'], id);
    }
    assert.equal(byId(endpoints, 'keyvault:443').expect.private, false);
  });

  it('config: workspace.privateDependencies by host; endpoints get their suffix zone, the trap names none; expect.private false opts out', async () => {
    const config = join(dir, 'deps.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'workspace:',
        '  privateDependencies: [contoso-kv.vault.azure.net]',
        'endpoints:',
        '  - target: https://other.blob.core.windows.net/',
        '  - target: https://login.microsoftonline.com/',
        '  - target: https://management.azure.com/',
        '  - target: https://se.blob.core.windows.net/',
        '    expect: {private: false}',
        '  - target: https://contoso-kv.vault.azure.net/',
        '',
      ].join('\n'),
    );
    const endpoints = await plan({ config, scenarios: undefined });
    // Microsoft hosts all: their certificates must chain to a public root too (tls_inspected).
    assert.deepEqual(byId(endpoints, 'https://other.blob.core.windows.net:443/').expect, { privateZone: 'privatelink.blob.core.windows.net', publicRoot: true });
    assert.deepEqual(byId(endpoints, 'https://login.microsoftonline.com:443/').expect, { publicRoot: true });
    assert.deepEqual(byId(endpoints, 'https://management.azure.com:443/').expect, { publicRoot: true });
    assert.deepEqual(byId(endpoints, 'https://se.blob.core.windows.net:443/').expect, { private: false, publicRoot: true });
    assert.deepEqual(byId(endpoints, 'https://contoso-kv.vault.azure.net:443/').expect, {
      privateZone: 'privatelink.vaultcore.azure.net',
      private: true,
      privateSource: 'private-dependency',
      publicRoot: true,
    });
  });

  it('--expect-private says so; a config endpoint\'s own expect.private is the config\'s', async () => {
    const config = join(dir, 'own.yaml');
    writeFileSync(config, ['version: 1', 'endpoints:', '  - target: dns://a.contoso.test', '    expect: {private: true}', '  - target: dns://b.contoso.test', ''].join('\n'));
    const built = await buildRunPlan({ config, settings: { expectPrivate: true }, profile: {}, learning: {} }, {});
    assert.deepEqual(built.endpoints.map((e) => [e.host, e.expect.privateSource]), [['a.contoso.test', 'config'], ['b.contoso.test', 'expect-private']]);
  });

  it('--private-endpoints-json: the storage account listed there gets its address, with the file as the source', async () => {
    const file = new URL('../../test/fixtures/azure/pe-list.json', import.meta.url).pathname;
    const endpoints = await plan({ profile: { ...PROFILE, storageAccounts: ['stcontosoml'] }, privateEndpointsJson: [file] });
    const blob = byId(endpoints, 'storage-blob:443');
    assert.equal(blob.expect.privateSource, 'private-endpoints-json');
    assert.equal(blob.expect.privateZone, 'privatelink.blob.core.windows.net');
    assert.ok((blob.expect.addresses ?? []).length > 0, JSON.stringify(blob.expect));
  });

  it('parsePrivateDependencies: keywords, hosts and wildcards; anything else is a UsageError with a did-you-mean', () => {
    assert.deepEqual(parsePrivateDependencies(['Storage, keyvault', '*.vault.azure.net', 'x.azurecr.io.'], '--private-dependency'), [
      { kind: 'storage' },
      { kind: 'keyvault' },
      { host: '*.vault.azure.net' },
      { host: 'x.azurecr.io' },
    ]);
    assert.throws(() => parsePrivateDependencies(['stroage'], '--private-dependency'), (e: unknown) => e instanceof UsageError && /Did you mean 'storage'\?/.test(e.message) && e.where === '--private-dependency');
    assert.throws(() => parsePrivateDependencies(['http://x'], '--private-dependency'), UsageError);
  });
});
