// End to end (issue 13, items 1, 2 and 5): the built CLI in a client namespace against REAL dnsmasq
// servers and nginx in a service namespace. A custom DNS server (dnsmasq) answers a key vault, a
// storage account and a container registry whose public names CNAME into their privatelink zones
// and end at a public address (each must fail, naming the zone); the same services without
// privatelink CNAMEs (service endpoints) and the sign-in name, whose chain passes a privatelink
// label for everyone, reach nginx over HTTPS on a public address and pass. A second dnsmasq stands
// in for Azure DNS (--azure-dns-address) with the key vault's zone linked: the verdicts become
// dns_not_forwarded and zone_not_linked. A name with too many addresses for one UDP answer, on a
// server whose TCP 53 nftables drops, is dns_tcp_blocked.
//
//   10.21.0.2      client (amlprobe)
//   10.21.0.53     custom DNS (dnsmasq): privatelink zones not forwarded
//   10.21.0.54     "Azure DNS" (dnsmasq): the key vault's private zone answers 10.21.0.40
//   10.21.0.55     DNS (dnsmasq) whose TCP 53 is dropped by nftables
//   198.51.100.20  the public end of every privatelink chain (nothing listens)
//   198.51.100.30  nginx: the service-endpoint names and the sign-in name, HTTPS with a test CA

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DnsData } from '../../src/model/evidence.js';
import type { Report } from '../../src/model/report.js';
import type { EndpointResult } from '../../src/model/result.js';
import { CLI_PATH, cliEnv, describeRun, parseJsonOutput, type CliResult } from '../helpers/cli.js';
import { createTestCa, type TestCa } from '../helpers/test-ca.js';
import { IP, assertPrerequisites, createNamespacePair, findProgram, type NamespacePair } from './helpers/netns.js';
import { REQUIREMENTS } from './helpers/workspace-lab.js';
import { nginxWith } from './helpers/nginx-config.js';

const ADDR = {
  client: '10.21.0.2',
  custom: '10.21.0.53',
  azure: '10.21.0.54',
  tcpDropped: '10.21.0.55',
  pe: '10.21.0.40',
  publicEnd: '198.51.100.20',
  web: '198.51.100.30',
} as const;

/** Each dependency behind a private endpoint: its public name, its privatelink name, the zone to name. */
const BEHIND_PE = [
  { name: 'contosokv.vault.azure.net', privatelink: 'contosokv.privatelink.vaultcore.azure.net', zone: 'privatelink.vaultcore.azure.net' },
  { name: 'contosomlsa.blob.core.windows.net', privatelink: 'contosomlsa.privatelink.blob.core.windows.net', zone: 'privatelink.blob.core.windows.net' },
  { name: 'contosoacr.azurecr.io', privatelink: 'contosoacr.privatelink.azurecr.io', zone: 'privatelink.azurecr.io' },
  { name: 'contosoacr.eastus.data.azurecr.io', privatelink: 'contosoacr.eastus.data.privatelink.azurecr.io', zone: 'privatelink.azurecr.io' },
] as const;

/** Service endpoints (no private endpoint, no privatelink CNAME) and the sign-in trap: all on nginx. */
const PUBLIC_NAMES = ['plainkv.vault.azure.net', 'plainsa.blob.core.windows.net', 'plainacr.azurecr.io', 'login.microsoftonline.com'] as const;
const LOGIN_CHAIN = ['login.mso.msidentity.com', 'ak.privatelink.msidentity.com', 'www.tm.ak.prd.aadg.trafficmanager.net'] as const;

/** More A records than fit a 512-byte UDP answer: dnsmasq sets TC. */
const BIG = 'big.corp.test';
const BIG_COUNT = 40;

function dnsmasqConfig(dir: string, name: string, listen: string, azure: boolean): string {
  const lines = [
    'port=53', `listen-address=${listen}`, 'bind-interfaces', 'no-resolv', 'no-hosts', 'no-poll', 'no-negcache', 'user=root',
    `pid-file=${join(dir, `${name}.pid`)}`,
    'local=/azure.net/', 'local=/windows.net/', 'local=/azurecr.io/', 'local=/microsoftonline.com/', 'local=/msidentity.com/',
    'local=/trafficmanager.net/', 'local=/corp.test/',
  ];
  for (const dep of BEHIND_PE) {
    lines.push(`cname=${dep.name},${dep.privatelink}`);
    // Azure DNS with the key vault's zone linked answers its private record; otherwise the
    // privatelink name is followed publicly, as when no zone is linked or forwarded.
    if (azure && dep.zone === 'privatelink.vaultcore.azure.net') lines.push(`host-record=${dep.privatelink},${ADDR.pe}`);
    else lines.push(`cname=${dep.privatelink},public-end.${dep.zone.replace(/^privatelink\./, '')}`, `host-record=public-end.${dep.zone.replace(/^privatelink\./, '')},${ADDR.publicEnd}`);
  }
  for (const name of PUBLIC_NAMES.filter((n) => n !== 'login.microsoftonline.com')) lines.push(`host-record=${name},${ADDR.web}`);
  lines.push(`cname=login.microsoftonline.com,${LOGIN_CHAIN[0]}`, `cname=${LOGIN_CHAIN[0]},${LOGIN_CHAIN[1]}`, `cname=${LOGIN_CHAIN[1]},${LOGIN_CHAIN[2]}`);
  lines.push(`host-record=${LOGIN_CHAIN[2]},${ADDR.web}`);
  for (let i = 1; i <= BIG_COUNT; i++) lines.push(`host-record=${BIG},10.21.1.${i}`);
  return `${lines.join('\n')}\n`;
}

function nginxConfig(dir: string): string {
  return nginxWith(dir, `  server {
    listen ${ADDR.web}:443 ssl;
    server_name _;
    ssl_certificate ${dir}/leaf.pem;
    ssl_certificate_key ${dir}/leaf.key;
    location / { default_type text/plain; return 200 'public service\\n'; }
  }`);
}

const NFT_RULES = `
table inet amlprobe_e2e_pe {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr ${ADDR.tcpDropped} tcp dport 53 drop
  }
}
`;

function runIn(ns: string, args: string[]): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(IP, ['netns', 'exec', ns, process.execPath, CLI_PATH, ...args], { env: cliEnv(), timeout: 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

function byLabel(report: Report, label: string): EndpointResult {
  const found = report.results.find((r) => r.label === label);
  assert.ok(found, `no result for '${label}'; labels: ${report.results.map((r) => r.label).join(', ')}`);
  return found;
}

const dnsOf = (r: EndpointResult): DnsData => r.checks.find((c) => c.layer === 'dns')?.data as DnsData;

describe('e2e: dependencies behind private endpoints and TCP 53 blocked (dnsmasq, nginx, nftables)', { timeout: 90_000 }, () => {
  let pair: NamespacePair | undefined;
  let ca: TestCa | undefined;
  let dir: string | undefined;
  let caFile = '';

  before(async () => {
    assertPrerequisites(REQUIREMENTS);
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-e2e-pe-'));
    ca = await createTestCa('amlprobe e2e PE Test CA');
    const leaf = await ca.issue({ names: [...PUBLIC_NAMES] });
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, ca.caCert);
    await writeFile(join(dir, 'leaf.pem'), leaf.cert);
    await writeFile(join(dir, 'leaf.key'), leaf.key, { mode: 0o600 });
    await writeFile(join(dir, 'custom.conf'), dnsmasqConfig(dir, 'custom', ADDR.custom, false));
    await writeFile(join(dir, 'azure.conf'), dnsmasqConfig(dir, 'azure', ADDR.azure, true));
    await writeFile(join(dir, 'dropped.conf'), dnsmasqConfig(dir, 'dropped', ADDR.tcpDropped, false));
    await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir));
    await writeFile(join(dir, 'rules.nft'), NFT_RULES);
    pair = await createNamespacePair({
      clientAddress: `${ADDR.client}/24`,
      serviceAddresses: [`${ADDR.custom}/24`, `${ADDR.azure}/24`, `${ADDR.tcpDropped}/24`, `${ADDR.publicEnd}/24`, `${ADDR.web}/24`],
      clientRoutes: ['198.51.100.0/24'],
    });
    const svc = pair.service;
    await pair.exec(svc, findProgram('nft') ?? 'nft', ['-f', join(dir, 'rules.nft')]);
    const dnsmasq = findProgram('dnsmasq') ?? 'dnsmasq';
    for (const [name, address] of [['custom', ADDR.custom], ['azure', ADDR.azure], ['dropped', ADDR.tcpDropped]] as const) {
      const daemon = pair.spawnDaemon(`dnsmasq (${name})`, svc, dnsmasq, ['--keep-in-foreground', '--log-facility=-', `--conf-file=${join(dir, `${name}.conf`)}`]);
      await pair.waitForListener(svc, 'udp', address, 53, daemon);
      await pair.waitForListener(svc, 'tcp', address, 53, daemon);
    }
    const nginx = pair.spawnDaemon('nginx', svc, findProgram('nginx') ?? 'nginx', ['-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf')]);
    await pair.waitForListener(svc, 'tcp', ADDR.web, 443, nginx);
  });
  after(async () => {
    await pair?.destroy();
    await ca?.cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const common = (server: string): string[] => ['--format', 'json', '--no-system-resolver', '--dns-server', server, '--timeout', '2s'];

  it('privatelink CNAMEs ending public fail naming the zone; service endpoints and the sign-in name connect over HTTPS', async () => {
    assert.ok(pair);
    const failing = BEHIND_PE.map((d) => `https://${d.name}/`);
    const passing = PUBLIC_NAMES.map((n) => `https://${n}/`);
    const run = await runIn(pair.client, ['check', ...failing, ...passing, ...common(ADDR.custom), '--ca-file', caFile]);
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    for (const dep of BEHIND_PE) {
      const r = byLabel(report, `https://${dep.name}/`);
      assert.deepEqual({ status: r.status, layer: r.layer, reason: r.reason }, { status: 'fail', layer: 'dns', reason: 'public_ip' }, JSON.stringify(r, null, 2));
      assert.ok(r.message.includes(`link ${dep.zone} to this VNet`), r.message);
      assert.deepEqual(dnsOf(r).privateBecause, { source: 'privatelink-cname', zone: dep.zone });
      assert.equal(dnsOf(r).direct?.[0]?.cname[0]?.data, dep.privatelink);
      assert.equal(dnsOf(r).addresses[0]?.address, ADDR.publicEnd);
    }
    for (const name of PUBLIC_NAMES) {
      const r = byLabel(report, `https://${name}/`);
      // Connected and answered; the test CA is trusted only through --ca-file and these are
      // Microsoft names, which is what TLS inspection looks like: a warning, not a failure.
      assert.deepEqual({ status: r.status, reason: r.reason, address: r.address }, { status: 'warn', reason: 'tls_inspected', address: ADDR.web }, JSON.stringify(r, null, 2));
      assert.ok(r.checks.every((c) => c.status !== 'fail' && c.status !== 'skip'), JSON.stringify(r.checks));
      assert.equal(dnsOf(r).privateBecause, undefined);
    }
    const login = byLabel(report, 'https://login.microsoftonline.com/');
    assert.ok(dnsOf(login).direct?.[0]?.cname.some((c) => c.data === 'ak.privatelink.msidentity.com'), 'the trap chain passes a privatelink label');
  });

  it('with the Azure DNS stand-in: private there -> dns_not_forwarded; public there too -> zone_not_linked', async () => {
    assert.ok(pair);
    const [vault, blob] = BEHIND_PE;
    const run = await runIn(pair.client, ['check', `dns://${vault.name}`, `dns://${blob.name}`, `dns://${PUBLIC_NAMES[1]}`, ...common(ADDR.custom), '--azure-dns-address', ADDR.azure]);
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    const v = byLabel(report, `dns://${vault.name}`);
    assert.deepEqual({ status: v.status, reason: v.reason }, { status: 'fail', reason: 'dns_not_forwarded' }, JSON.stringify(v, null, 2));
    assert.equal(dnsOf(v).diagnosis?.zone, vault.zone);
    assert.ok(v.message.includes(`Azure DNS answers private ${ADDR.pe}`), v.message);
    const b = byLabel(report, `dns://${blob.name}`);
    assert.deepEqual({ status: b.status, reason: b.reason }, { status: 'fail', reason: 'zone_not_linked' }, JSON.stringify(b, null, 2));
    assert.ok(b.message.includes(`link ${blob.zone} to the VNet`), b.message);
    const plain = byLabel(report, `dns://${PUBLIC_NAMES[1]}`);
    assert.deepEqual({ status: plain.status, reason: plain.reason }, { status: 'pass', reason: 'ok' });
  });

  it('a truncated UDP answer with TCP 53 dropped by nftables: dns_tcp_blocked, about A (not nodata from the empty AAAA)', async () => {
    assert.ok(pair);
    const [open, dropped] = await Promise.all([
      runIn(pair.client, ['check', `dns://${BIG}`, ...common(ADDR.custom)]),
      runIn(pair.client, ['check', `dns://${BIG}`, ...common(ADDR.tcpDropped)]),
    ]);
    assert.equal(open.code, 0, describeRun(open));
    const ok = byLabel(parseJsonOutput<Report>(open), `dns://${BIG}`);
    assert.equal(dnsOf(ok).direct?.[0]?.transport, 'tcp', 'dnsmasq truncated the UDP answer and TCP fetched it');
    assert.equal(dnsOf(ok).direct?.[0]?.addresses.length, 32, 'the bounded number of records is kept');
    assert.equal(dropped.code, 1, describeRun(dropped));
    const r = byLabel(parseJsonOutput<Report>(dropped), `dns://${BIG}`);
    assert.deepEqual({ status: r.status, reason: r.reason }, { status: 'fail', reason: 'dns_tcp_blocked' }, JSON.stringify(r, null, 2));
    assert.equal(r.message, `TCP 53 to ${ADDR.tcpDropped}:53 blocked (UDP answer truncated)`);
    assert.match(dnsOf(r).direct?.[0]?.message ?? '', /A query and the retry over TCP got no answer \(no TCP connection within 2000 ms\): TCP port 53 to the DNS server is blocked/);
  });
});
