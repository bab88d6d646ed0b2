// Dependency truth from DNS (issue 13, items 1 and 2), through the real CLI against real DNS
// servers on loopback: a key vault, a storage account and a container registry (and its regional
// data endpoint) whose public names CNAME into their own privatelink zones but end at a public
// address fail, naming the zone; the same services without privatelink CNAMEs (service endpoints)
// pass with a public address; the sign-in and management names, whose chains carry a privatelink
// label for everyone, pass; a second server standing in for Azure DNS turns the verdict into
// dns_not_forwarded or zone_not_linked; --private-dependency makes a name private by declaration.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DnsData } from '../src/model/evidence.js';
import type { Report } from '../src/model/report.js';
import type { EndpointResult } from '../src/model/result.js';
import { describeRun, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer, type TestDnsServer, type Zone } from './helpers/dns-server.js';

/** Addresses from the documentation ranges: nothing ever connects to them (DNS-only targets). */
const PUBLIC = '198.51.100.7';
const PE = '10.1.2.4';

const NAMES = {
  vault: 'contosokv.vault.azure.net',
  vaultPrivatelink: 'contosokv.privatelink.vaultcore.azure.net',
  blob: 'contosomlsa.blob.core.windows.net',
  blobPrivatelink: 'contosomlsa.privatelink.blob.core.windows.net',
  acr: 'contosoacr.azurecr.io',
  acrPrivatelink: 'contosoacr.privatelink.azurecr.io',
  acrData: 'contosoacr.eastus.data.azurecr.io',
  acrDataPrivatelink: 'contosoacr.eastus.data.privatelink.azurecr.io',
  /** Service endpoints: no private endpoint, so no privatelink CNAME. */
  plainVault: 'plainkv.vault.azure.net',
  plainBlob: 'plainsa.blob.core.windows.net',
  plainAcr: 'plainacr.azurecr.io',
  /** Public names whose chains pass through a privatelink label for everyone. */
  login: 'login.microsoftonline.com',
  management: 'management.azure.com',
} as const;

/** The custom DNS server: privatelink zones not forwarded, so every chain ends public. */
function customZone(): Zone {
  const publicEnd = (alias: string, target: string, end: string): Zone => ({
    [alias]: { kind: 'cname', target },
    [target]: { kind: 'cname', target: end },
    [end]: { kind: 'records', a: [PUBLIC] },
  });
  return {
    ...publicEnd(NAMES.vault, NAMES.vaultPrivatelink, 'azkms-prod-eus.vault.azure.net'),
    ...publicEnd(NAMES.blob, NAMES.blobPrivatelink, 'blob.bl5prdstr09a.store.core.windows.net'),
    ...publicEnd(NAMES.acr, NAMES.acrPrivatelink, 'eus.fe.azcr.io'),
    ...publicEnd(NAMES.acrData, NAMES.acrDataPrivatelink, 'eus.data.azcr.io'),
    [NAMES.plainVault]: { kind: 'cname', target: 'azkms-prod-eus2.vault.azure.net' },
    'azkms-prod-eus2.vault.azure.net': { kind: 'records', a: [PUBLIC] },
    [NAMES.plainBlob]: { kind: 'cname', target: 'blob.bl5prdstr10a.store.core.windows.net' },
    'blob.bl5prdstr10a.store.core.windows.net': { kind: 'records', a: [PUBLIC] },
    [NAMES.plainAcr]: { kind: 'cname', target: 'eus2.fe.azcr.io' },
    'eus2.fe.azcr.io': { kind: 'records', a: [PUBLIC] },
    [NAMES.login]: { kind: 'cname', target: 'login.mso.msidentity.com' },
    'login.mso.msidentity.com': { kind: 'cname', target: 'ak.privatelink.msidentity.com' },
    'ak.privatelink.msidentity.com': { kind: 'cname', target: 'www.tm.ak.prd.aadg.trafficmanager.net' },
    'www.tm.ak.prd.aadg.trafficmanager.net': { kind: 'records', a: [PUBLIC] },
    [NAMES.management]: { kind: 'cname', target: 'management.privatelink.azure.com' },
    'management.privatelink.azure.com': { kind: 'cname', target: 'arm-frontdoor-prod.trafficmanager.net' },
    'arm-frontdoor-prod.trafficmanager.net': { kind: 'records', a: [PUBLIC] },
  };
}

/** An "Azure DNS" that has the key vault's private zone linked, and not the storage account's. */
function azureZone(): Zone {
  return {
    ...customZone(),
    [NAMES.vaultPrivatelink]: { kind: 'records', a: [PE] },
  };
}

function byLabel(report: Report, label: string): EndpointResult {
  const found = report.results.find((r) => r.label === label);
  assert.ok(found, `no result for ${label}`);
  return found;
}

const dnsOf = (r: EndpointResult): DnsData => r.checks[0]?.data as DnsData;

describe('dependency truth from DNS: a privatelink CNAME that ends public fails, naming the zone', () => {
  let custom: TestDnsServer | undefined;
  let azure: TestDnsServer | undefined;
  before(async () => {
    custom = await startDnsServer(customZone());
    azure = await startDnsServer(azureZone());
  });
  after(async () => {
    await custom?.close();
    await azure?.close();
  });

  const check = async (names: string[], extra: string[] = []): Promise<Report> => {
    assert.ok(custom);
    const run = await runCli(['check', ...names.map((n) => `dns://${n}`), '--no-system-resolver', '--dns-server', custom.server, '--format', 'json', '--timeout', '2s', ...extra]);
    assert.ok(run.code === 0 || run.code === 1, describeRun(run));
    return parseJsonOutput<Report>(run);
  };

  it('key vault, storage, ACR and its data endpoint behind a private endpoint: public_ip naming the zone; service endpoints, sign-in and management pass', async () => {
    const failing: [string, string][] = [
      [NAMES.vault, 'privatelink.vaultcore.azure.net'],
      [NAMES.blob, 'privatelink.blob.core.windows.net'],
      [NAMES.acr, 'privatelink.azurecr.io'],
      [NAMES.acrData, 'privatelink.azurecr.io'],
    ];
    const passing = [NAMES.plainVault, NAMES.plainBlob, NAMES.plainAcr, NAMES.login, NAMES.management];
    const report = await check([...failing.map(([n]) => n), ...passing]);
    for (const [name, zone] of failing) {
      const r = byLabel(report, `dns://${name}`);
      assert.deepEqual({ status: r.status, reason: r.reason }, { status: 'fail', reason: 'public_ip' }, JSON.stringify(r, null, 2));
      assert.match(r.message, new RegExp(`link ${zone.replace(/\./g, '\\.')} to this VNet, or forward ${zone.replace(/^privatelink\./, '').replace(/\./g, '\\.')} to Azure DNS`));
      assert.deepEqual(dnsOf(r).privateBecause, { source: 'privatelink-cname', zone });
      assert.match(r.checks[0]?.detail ?? '', /has a private endpoint \(its CNAME chain enters /);
    }
    for (const name of passing) {
      const r = byLabel(report, `dns://${name}`);
      assert.deepEqual({ status: r.status, reason: r.reason, address: r.address }, { status: 'pass', reason: 'ok', address: PUBLIC }, JSON.stringify(r, null, 2));
      assert.equal(dnsOf(r).privateBecause, undefined);
    }
  });

  it('with Azure DNS to compare: private there -> dns_not_forwarded; public there too -> zone_not_linked', async () => {
    assert.ok(azure);
    const report = await check([NAMES.vault, NAMES.blob, NAMES.plainBlob], ['--azure-dns-address', azure.server]);
    const vault = byLabel(report, `dns://${NAMES.vault}`);
    assert.deepEqual({ status: vault.status, reason: vault.reason }, { status: 'fail', reason: 'dns_not_forwarded' }, JSON.stringify(vault, null, 2));
    assert.match(vault.message, /forward privatelink\.vaultcore\.azure\.net \(or its public parent vaultcore\.azure\.net\)/);
    assert.equal(dnsOf(vault).diagnosis?.zone, 'privatelink.vaultcore.azure.net');
    const blob = byLabel(report, `dns://${NAMES.blob}`);
    assert.deepEqual({ status: blob.status, reason: blob.reason }, { status: 'fail', reason: 'zone_not_linked' }, JSON.stringify(blob, null, 2));
    assert.match(blob.message, /link privatelink\.blob\.core\.windows\.net to the VNet/);
    const plain = byLabel(report, `dns://${NAMES.plainBlob}`);
    assert.deepEqual({ status: plain.status, reason: plain.reason }, { status: 'pass', reason: 'ok' });
  });

  it('--private-dependency storage: a storage name without a privatelink CNAME must be private too; the key vault is not declared', async () => {
    const report = await check([NAMES.plainBlob, NAMES.plainVault], ['--private-dependency', 'storage']);
    const blob = byLabel(report, `dns://${NAMES.plainBlob}`);
    assert.deepEqual({ status: blob.status, reason: blob.reason }, { status: 'fail', reason: 'public_ip' });
    assert.deepEqual(dnsOf(blob).privateBecause, { source: 'private-dependency', zone: 'privatelink.blob.core.windows.net' });
    const vault = byLabel(report, `dns://${NAMES.plainVault}`);
    assert.deepEqual({ status: vault.status, reason: vault.reason }, { status: 'pass', reason: 'ok' });
  });

  it('--private-dependency HOST and the table names the source under a failed row', async () => {
    assert.ok(custom);
    const run = await runCli(['check', `dns://${NAMES.plainVault}`, '--no-system-resolver', '--dns-server', custom.server, '--private-dependency', NAMES.plainVault]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stdout, /private because: --private-dependency \(zone privatelink\.vaultcore\.azure\.net\)/);
  });

  it('--public-dependency: a storage account with a private endpoint elsewhere, reached publicly here, passes; the undeclared vault still fails', async () => {
    const report = await check([NAMES.blob, NAMES.vault], ['--public-dependency', 'blob']);
    const [blob, vault] = [byLabel(report, `dns://${NAMES.blob}`), byLabel(report, `dns://${NAMES.vault}`)];
    assert.deepEqual([blob.status, blob.reason], ['pass', 'ok'], blob.message);
    assert.equal(dnsOf(blob).privateBecause, undefined);
    assert.deepEqual([vault.status, vault.reason], ['fail', 'public_ip']);
  });

  it('--public-dependency HOST wins over --expect-private for that name only', async () => {
    const report = await check([NAMES.plainBlob, NAMES.plainVault], ['--expect-private', '--public-dependency', NAMES.plainBlob]);
    assert.deepEqual([byLabel(report, `dns://${NAMES.plainBlob}`).status, byLabel(report, `dns://${NAMES.plainVault}`).reason], ['pass', 'public_ip']);
  });

  it('workspace.publicDependencies in a config file does the same as the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-public-dep-'));
    try {
      const config = join(dir, 'amlprobe.yaml');
      writeFileSync(config, `version: 1\nworkspace:\n  publicDependencies: ["*.vault.azure.net"]\n`);
      const report = await check([NAMES.vault, NAMES.blob], ['--config', config]);
      assert.deepEqual([byLabel(report, `dns://${NAMES.vault}`).status, byLabel(report, `dns://${NAMES.blob}`).reason], ['pass', 'public_ip']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a name declared both private and public is exit 2, one paragraph naming both flags', async () => {
    const run = await runCli(['check', `dns://${NAMES.blob}`, '--no-system-resolver', '--dns-server', custom?.server ?? '', '--private-dependency', 'storage', '--public-dependency', NAMES.blob]);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /contosomlsa\.blob\.core\.windows\.net is declared both private \(--private-dependency\) and public \(--public-dependency\)/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('a misspelt --private-dependency is exit 2 with a did-you-mean, one paragraph', async () => {
    const run = await runCli(['check', 'dns://x.test', '--private-dependency', 'keyvalt'], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /'keyvalt' is not a dependency: .* Did you mean 'keyvault'\?/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});
