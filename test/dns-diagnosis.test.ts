// Resolver comparison: several real DNS servers on loopback answer the same names differently, as a
// custom DNS server, Azure DNS with the privatelink zone linked, and Azure DNS without the link do.
// Every diagnosis goes through the real DNS check (CheckContext.resolve is the real resolveName) and
// the CLI (--azure-dns-address at a fake: tests never contact 168.63.129.16). The hosts-file case
// uses `localhost`, which /etc/hosts maps, against servers that answer another address; one more
// case injects the system answer at the judge level beside real direct answers.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostsEntries } from '../src/dns/hosts-file.js';
import { zoneBySuffix, zoneFor } from '../src/dns/privatelink-zones.js';
import { serversToAsk } from '../src/dns/resolve-name.js';
import { judgeResolution } from '../src/dns/verdict.js';
import { queryDirect } from '../src/dns/wire-query.js';
import { closedUdpPort, startDnsServer, type TestDnsServer, type Zone } from './helpers/dns-server.js';
import { describeRun, runCli } from './helpers/cli.js';
import { runDnsCheck } from './helpers/dns-check-run.js';
import { testSettings } from './helpers/settings.js';
import type { Reason, Status } from '../src/model/reason.js';
import type { Expectations } from '../src/model/endpoint.js';
import type { DnsData } from '../src/model/evidence.js';
import type { RunSettings } from '../src/model/settings.js';

const TIMEOUT = 500;
const PL = 'privatelink.api.azureml.ms';
const WS = 'ws1.workspace.eastus.api.azureml.ms';
const WS_PL = `ws1.workspace.eastus.${PL}`;
const BLOB = 'acct.blob.core.windows.net';
const CN_BLOB = 'acct.blob.core.chinacloudapi.cn';
const GOV_KV = 'kv1.vault.usgovcloudapi.net';

// What the internet says (a custom DNS server resolving privatelink names publicly).
const PUBLIC: Zone = {
  [WS]: { kind: 'cname', target: WS_PL },
  [WS_PL]: { kind: 'cname', target: 'eastus.cloudapp.azure.com' },
  'eastus.cloudapp.azure.com': { kind: 'records', a: ['20.38.98.100'] },
  [BLOB]: { kind: 'records', a: ['20.60.1.1'] },
  [CN_BLOB]: { kind: 'records', a: ['42.1.1.1'] },
  [GOV_KV]: { kind: 'records', a: ['52.1.1.1'] },
  'public-only.test': { kind: 'records', a: ['20.9.9.9'] },
  localhost: { kind: 'records', a: ['10.0.0.1'] },
};

// What Azure DNS says in a VNet linked to the privatelink zones.
const LINKED: Zone = {
  [WS]: { kind: 'cname', target: WS_PL },
  [WS_PL]: { kind: 'records', a: ['10.0.0.5'] },
  [BLOB]: { kind: 'records', a: ['10.0.0.7'] },
  [CN_BLOB]: { kind: 'records', a: ['10.0.0.8'] },
  [GOV_KV]: { kind: 'records', a: ['10.0.0.9'] },
  'public-only.test': { kind: 'records', a: ['20.8.8.8'] },
  localhost: { kind: 'records', a: ['10.0.0.1'] },
};

let custom: TestDnsServer; // custom DNS that does not forward
let forwarding: TestDnsServer; // custom DNS that forwards (answers as Azure DNS does)
let azureLinked: TestDnsServer;
let azureUnlinked: TestDnsServer;
let azureSilent: TestDnsServer;
before(async () => {
  [custom, forwarding, azureLinked, azureUnlinked, azureSilent] = await Promise.all([
    startDnsServer(PUBLIC),
    startDnsServer(LINKED),
    startDnsServer(LINKED),
    startDnsServer(PUBLIC),
    startDnsServer({ [WS]: { kind: 'silent' }, '.': { kind: 'records' } }),
  ]);
});
after(() => Promise.all([custom, forwarding, azureLinked, azureUnlinked, azureSilent].map((s) => s.close())));

function settingsWith(overrides: Partial<RunSettings>): RunSettings {
  return testSettings({ timeoutMs: TIMEOUT, dnsServers: [custom.server], dnsServersExplicit: true, ...overrides });
}

describe('diagnoses from comparing a custom server with Azure DNS (real check, real servers)', () => {
  const cases: {
    case: string;
    host: string;
    expect?: Expectations;
    settings: () => Partial<RunSettings>;
    status: Status;
    reason: Reason;
    message?: RegExp;
    zone?: string;
    address?: string;
  }[] = [
    {
      case: 'custom DNS resolves the privatelink CNAME publicly, Azure DNS privately',
      host: WS,
      expect: { private: true },
      settings: () => ({ azureDns: azureLinked.server }),
      status: 'fail',
      reason: 'dns_not_forwarded',
      message: /^DNS server 127\.0\.0\.1:\d+ answers public 20\.38\.98\.100, Azure DNS answers private 10\.0\.0\.5: forward privatelink\.api\.azureml\.ms \(or its public parent api\.azureml\.ms\) to 168\.63\.129\.16 on your DNS server$/,
      zone: PL,
      address: '20.38.98.100',
    },
    {
      case: 'not forwarded, no private expectation: the privatelink CNAME and Azure DNS make it a warning',
      host: WS,
      settings: () => ({ azureDns: azureLinked.server }),
      status: 'warn',
      reason: 'dns_not_forwarded',
      zone: PL,
      address: '20.38.98.100',
    },
    {
      case: 'not forwarded, zone from the suffix table (no CNAME)',
      host: BLOB,
      expect: { private: true },
      settings: () => ({ azureDns: azureLinked.server }),
      status: 'fail',
      reason: 'dns_not_forwarded',
      message: /forward privatelink\.blob\.core\.windows\.net \(or its public parent blob\.core\.windows\.net\)/,
      zone: 'privatelink.blob.core.windows.net',
    },
    {
      case: 'not forwarded, China cloud zone',
      host: CN_BLOB,
      expect: { private: true },
      settings: () => ({ azureDns: azureLinked.server }),
      status: 'fail',
      reason: 'dns_not_forwarded',
      zone: 'privatelink.blob.core.chinacloudapi.cn',
    },
    {
      case: 'not forwarded, expected private addresses (no expect.private), US Gov Key Vault zone',
      host: GOV_KV,
      expect: { addresses: ['10.0.0.9'] },
      settings: () => ({ azureDns: azureLinked.server }),
      status: 'fail',
      reason: 'dns_not_forwarded',
      zone: 'privatelink.vaultcore.usgovcloudapi.net',
    },
    {
      case: 'Azure DNS itself answers public: the zone is not linked',
      host: WS,
      expect: { private: true },
      settings: () => ({ azureDns: azureUnlinked.server }),
      status: 'fail',
      reason: 'zone_not_linked',
      message: /^Azure DNS answers public 20\.38\.98\.100 for ws1\.workspace\.eastus\.api\.azureml\.ms: link privatelink\.api\.azureml\.ms to the VNet/,
      zone: PL,
    },
    {
      case: 'Azure DNS is the only server (role azure from --azure-dns-address) and answers public',
      host: BLOB,
      expect: { private: true },
      settings: () => ({ dnsServers: [], dnsServersExplicit: false, azureDns: azureUnlinked.server }),
      status: 'fail',
      reason: 'zone_not_linked',
      zone: 'privatelink.blob.core.windows.net',
      address: '20.60.1.1',
    },
    {
      case: 'custom DNS forwards, Azure DNS agrees: pass',
      host: WS,
      expect: { private: true },
      settings: () => ({ dnsServers: [forwarding.server], azureDns: azureLinked.server }),
      status: 'pass',
      reason: 'ok',
      address: '10.0.0.5',
    },
    {
      case: 'public everywhere and nothing expects private: pass, no diagnosis',
      host: WS,
      settings: () => ({ azureDns: azureUnlinked.server }),
      status: 'pass',
      reason: 'ok',
      address: '20.38.98.100',
    },
    {
      case: 'public name on which the servers differ stays resolver_mismatch',
      host: 'public-only.test',
      settings: () => ({ azureDns: azureLinked.server }),
      status: 'warn',
      reason: 'resolver_mismatch',
      address: '20.9.9.9',
    },
    {
      case: 'without Azure DNS to compare with, a public answer stays public_ip',
      host: WS,
      expect: { private: true },
      settings: () => ({}),
      status: 'fail',
      reason: 'public_ip',
    },
    {
      case: 'Azure DNS silent: no comparison, public_ip',
      host: WS,
      expect: { private: true },
      settings: () => ({ azureDns: azureSilent.server }),
      status: 'fail',
      reason: 'public_ip',
    },
  ];
  for (const c of cases) {
    test(c.case, async () => {
      const { result, state, data } = await runDnsCheck(c.host, c.expect ?? {}, settingsWith(c.settings()));
      assert.equal(result.status, c.status, result.message);
      assert.equal(result.reason, c.reason, result.message);
      if (c.message) assert.match(result.message, c.message);
      if (c.address) assert.equal(state.address, c.address);
      if (c.reason === 'dns_not_forwarded' || c.reason === 'zone_not_linked') {
        assert.equal(data.diagnosis?.code, c.reason);
        assert.equal(data.diagnosis?.zone, c.zone);
        assert.equal(data.diagnosis?.message, result.message);
        // The comparison that led here stays in the detail.
        assert.ok(result.detail !== undefined && result.detail.length > 0);
      } else {
        assert.equal(data.diagnosis, undefined);
      }
    });
  }

  test('each direct answer records its role', async () => {
    const { data } = await runDnsCheck(WS, { private: true }, settingsWith({ azureDns: azureLinked.server }));
    assert.deepEqual(
      data.direct?.map((d) => [d.server, d.role]),
      [
        [custom.server, 'custom'],
        [azureLinked.server, 'azure'],
      ],
    );
    assert.equal(data.authority, 'direct');
  });
});

describe('resolver roles', () => {
  test('resolv.conf servers, custom servers, and 168.63.129.16 wherever it is listed (no query is sent)', () => {
    assert.deepEqual(serversToAsk(testSettings({ dnsServers: ['10.0.0.4', '168.63.129.16'], dnsServersExplicit: false })), [
      { server: '10.0.0.4', role: 'resolv.conf' },
      { server: '168.63.129.16', role: 'azure' },
    ]);
    assert.deepEqual(serversToAsk(testSettings({ dnsServers: ['10.0.0.4:53'], dnsServersExplicit: true, azureDns: '168.63.129.16' })), [
      { server: '10.0.0.4:53', role: 'custom' },
      { server: '168.63.129.16', role: 'azure' },
    ]);
    // Azure DNS already in the list is asked once.
    assert.deepEqual(serversToAsk(testSettings({ dnsServers: ['168.63.129.16:53'], dnsServersExplicit: true, azureDns: '168.63.129.16' })), [
      { server: '168.63.129.16:53', role: 'azure' },
    ]);
  });
});

describe('hosts-file override', () => {
  test('localhost: /etc/hosts maps it, the servers answer 10.0.0.1 (real system view, real check)', async (t) => {
    for (const explicit of [true, false]) {
      await t.test(explicit ? 'servers decide' : 'system decides', async () => {
        const { result, data } = await runDnsCheck('localhost', { private: true }, settingsWith({ systemResolver: true, dnsServersExplicit: explicit }));
        assert.ok(data.system?.addresses.includes('127.0.0.1') || data.system?.addresses.includes('::1'), JSON.stringify(data.system));
        assert.ok(data.system?.hostsFile?.includes('127.0.0.1'), 'this machine\'s /etc/hosts must map localhost');
        assert.equal(result.status, 'warn', result.message);
        assert.equal(result.reason, 'hosts_override', result.message);
        assert.match(result.message, /^an \/etc\/hosts entry overrides DNS for localhost: the system resolver gives .*127\.0\.0\.1.*, the DNS servers give 10\.0\.0\.1$/);
        assert.equal(data.diagnosis?.code, 'hosts_override');
        assert.equal(data.authority, explicit ? 'direct' : 'system');
      });
    }
  });

  test('a hosts file that does not list the name: another cause, resolver_mismatch stays', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'amlprobe-hosts-'));
    const saved = process.env.AMLPROBE_HOSTS_FILE;
    t.after(() => {
      if (saved === undefined) delete process.env.AMLPROBE_HOSTS_FILE;
      else process.env.AMLPROBE_HOSTS_FILE = saved;
      rmSync(dir, { recursive: true, force: true });
    });
    writeFileSync(join(dir, 'hosts'), '10.1.1.1 other.test\n');
    process.env.AMLPROBE_HOSTS_FILE = join(dir, 'hosts');
    const { result, data } = await runDnsCheck('localhost', { private: true }, settingsWith({ systemResolver: true }));
    assert.deepEqual(data.system?.hostsFile, []);
    assert.equal(result.reason, 'resolver_mismatch', result.message);
    assert.equal(data.diagnosis, undefined);
  });

  test('injected system answer beside real direct answers: a public hosts entry for a private name fails', async () => {
    const signal = new AbortController().signal;
    const direct = [{ ...(await queryDirect(forwarding.server, WS, TIMEOUT, signal)), role: 'resolv.conf' as const }];
    const settings = settingsWith({ dnsServers: [forwarding.server], dnsServersExplicit: false, systemResolver: true });
    const system = { reason: 'ok' as const, message: 'system answered 20.1.1.1', addresses: ['20.1.1.1'], ms: 1, hostsFile: ['20.1.1.1'] };
    const judged = judgeResolution({ name: WS, system, direct }, settings, true, undefined, []);
    assert.equal(judged.status, 'fail');
    assert.equal(judged.reason, 'hosts_override');
    assert.equal(judged.address, '20.1.1.1');
    assert.equal(judged.data.diagnosis?.zone, PL);
    assert.match(judged.message, /^an \/etc\/hosts entry overrides DNS for ws1\.workspace\.eastus\.api\.azureml\.ms: the system resolver gives 20\.1\.1\.1, the DNS servers give 10\.0\.0\.5$/);
    // The same system answer matching a server is no override.
    const agreeing = judgeResolution({ name: WS, system: { ...system, addresses: ['10.0.0.5'], hostsFile: [] }, direct }, settings, true, undefined, []);
    assert.equal(agreeing.reason, 'ok');
  });

  test('hosts file parsing', () => {
    const text = '# comment\n127.0.0.1 localhost loopback\n10.0.0.5 WS.example.test  # pinned\n::1 localhost\nbogus line\n';
    assert.deepEqual(hostsEntries(text, 'localhost'), ['127.0.0.1', '::1']);
    assert.deepEqual(hostsEntries(text, 'ws.example.test.'), ['10.0.0.5']);
    assert.deepEqual(hostsEntries(text, 'pinned'), []);
  });
});

describe('zones', () => {
  test('from the CNAME chain, else the suffix table', () => {
    const chain = [{ name: 'x.inference.ml.azure.com', type: 'CNAME' as const, ttl: 1, data: `x.ws.inference.eastus.${PL}` }];
    assert.equal(zoneFor('x.eastus.inference.ml.azure.com', [chain]), PL);
    assert.equal(zoneFor('reg.azurecr.io', []), 'privatelink.azurecr.io');
    assert.equal(zoneFor('kv.vault.azure.net', []), 'privatelink.vaultcore.azure.net');
    assert.equal(zoneBySuffix('x.notebooks.chinacloudapi.cn'), 'privatelink.notebooks.chinacloudapi.cn');
    assert.equal(zoneBySuffix('example.test'), undefined);
  });
});

describe('through the CLI', () => {
  test('dns_not_forwarded in JSON and in the table, with --azure-dns-address at a fake', async () => {
    const args = ['check', `dns://${WS}`, '--no-system-resolver', '--dns-server', custom.server, '--azure-dns-address', azureLinked.server, '--expect-private', '--timeout', '2s'];
    const json = await runCli([...args, '--format', 'json']);
    assert.equal(json.code, 1, describeRun(json));
    const report = JSON.parse(json.stdout) as { settings: RunSettings; results: { reason: string; checks: { data: DnsData }[] }[] };
    assert.equal(report.settings.azureDns, azureLinked.server);
    const row = report.results[0];
    assert.equal(row?.reason, 'dns_not_forwarded');
    assert.equal(row?.checks[0]?.data.diagnosis?.zone, PL);
    assert.deepEqual(row?.checks[0]?.data.direct?.map((d) => d.role), ['custom', 'azure']);
    const table = await runCli(args);
    assert.equal(table.code, 1, describeRun(table));
    assert.match(table.stdout, /not forwarded/);
    assert.match(table.stdout.replace(/\s+/g, ' '), /forward privatelink\.api\.azureml\.ms \(or its public parent api\.azureml\.ms\) to 168\.63\.129\.16/);
  });

  test('zone_not_linked through the CLI', async () => {
    const result = await runCli(['check', `dns://${BLOB}`, '--no-system-resolver', '--dns-server', custom.server, '--azure-dns-address', azureUnlinked.server, '--expect-private', '--timeout', '2s', '--format', 'json']);
    assert.equal(result.code, 1, describeRun(result));
    assert.match(result.stdout, /"reason": "zone_not_linked"/);
  });

  test('bad or silent --azure-dns-address is exit 2 before the run', async () => {
    const bad = await runCli(['check', `dns://${WS}`, '--no-system-resolver', '--dns-server', custom.server, '--azure-dns-address', 'azure.dns'], { offline: true });
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, /--azure-dns-address 'azure\.dns'/);
    const port = await closedUdpPort();
    const closed = await runCli(['check', `dns://${WS}`, '--no-system-resolver', '--dns-server', custom.server, '--azure-dns-address', `127.0.0.1:${port}`, '--timeout', '500ms']);
    assert.equal(closed.code, 2, describeRun(closed));
    assert.match(closed.stderr, /Azure DNS: .*inside an Azure VNet/);
  });
});
