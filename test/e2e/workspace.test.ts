// End to end: the built CLI runs inside a client network namespace against REAL third-party servers
// in a service namespace (dnsmasq, nginx with TLS from a test CA and a WebSocket backend, nftables
// dropping and rejecting traffic, a TCP 445 listener); see test/e2e/README.md. Unlike the loopback
// suites, this meets the real dropped-SYN timeout, real ICMP port unreachable and real CNAME chains
// served by a real DNS server. Every endpoint's verdict AND reason is asserted from the JSON report.
// The suite needs root and the programs listed in helpers/workspace-lab.ts: without them it FAILS.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Reason, Status } from '../../src/model/reason.js';
import type { Layer } from '../../src/model/endpoint.js';
import type { ConnectData, DnsData, HttpData, TlsData, UdpData, WebSocketData } from '../../src/model/evidence.js';
import type { EndpointResult } from '../../src/model/result.js';
import type { Report } from '../../src/model/report.js';
import { describeRun, parseJsonOutput } from '../helpers/cli.js';
import { ADDR, DISCOVERY_PATH, HOSTS, PROXY, REGISTRY, REGISTRY_HOSTS, REGISTRY_ID, startWorkspaceLab } from './helpers/workspace-lab.js';
import type { WorkspaceLab } from './helpers/workspace-lab.js';

/** One target and what amlprobe must say about it. */
interface Case {
  name: string;
  target: string;
  status: Status;
  /** The deciding layer (null for a pass). */
  layer: Layer | null;
  reason: Reason;
  /** Extra evidence checks on the result. */
  evidence?: (result: EndpointResult) => void;
}

function layerData<T>(result: EndpointResult, layer: Layer): T {
  const check = result.checks.find((c) => c.layer === layer);
  assert.ok(check, `${result.label ?? result.id}: no ${layer} layer in ${JSON.stringify(result.checks)}`);
  return check.data as T;
}

function byLabel(report: Report, target: string): EndpointResult {
  const found = report.results.find((r) => r.label === target);
  assert.ok(found, `no result for '${target}'; labels: ${report.results.map((r) => r.label).join(', ')}`);
  return found;
}

/** The CNAME chain and final addresses the DNS layer recorded from dnsmasq. */
function assertChain(result: EndpointResult, chain: string[], address: string): void {
  const dns = layerData<DnsData>(result, 'dns');
  assert.equal(dns.authority, 'direct');
  const answer = dns.direct?.[0];
  assert.ok(answer, `no direct DNS answer: ${JSON.stringify(dns)}`);
  assert.equal(answer.server, `${ADDR.dns}:53`);
  assert.deepEqual(answer.cname.map((r) => `${r.name}->${r.data}`), chain.slice(0, -1).map((name, i) => `${name}->${chain[i + 1]}`));
  assert.deepEqual(dns.addresses.map((a) => a.address), [address]);
}

/**
 * The test CA is trusted only through --ca-file, and these are Microsoft names: exactly what a
 * TLS-inspecting middlebox looks like, so the TLS layer warns, naming the CA, and the probe goes on.
 */
function assertInspected(result: EndpointResult): void {
  const tls = result.checks.find((c) => c.layer === 'tls');
  assert.equal(tls?.reason, 'tls_inspected', JSON.stringify(result.checks));
  assert.match(tls?.message ?? '', /certificate issued by amlprobe e2e Test CA/);
  assert.equal(layerData<TlsData>(result, 'tls').authorized, true);
  assert.ok(result.checks.every((c) => c.status !== 'fail' && c.status !== 'skip'), JSON.stringify(result.checks));
}

const CASES: Case[] = [
  {
    name: 'workspace API over HTTPS: CNAME chain to a private address, TLS with the test CA (--ca-file, so inspected), 200',
    target: `https://${HOSTS.workspace}/`,
    status: 'warn', layer: 'tls', reason: 'tls_inspected',
    evidence: (r) => {
      assertInspected(r);
      assertChain(r, [HOSTS.workspace, HOSTS.workspacePrivatelink], ADDR.web);
      assert.equal(r.address, ADDR.web);
      assert.equal(layerData<TlsData>(r, 'tls').authorized, true);
      assert.equal(layerData<HttpData>(r, 'http').status, 200);
    },
  },
  {
    name: 'workspace API, plain TLS layer',
    target: `tls://${HOSTS.workspace}:443`,
    status: 'warn', layer: 'tls', reason: 'tls_inspected',
    evidence: (r) => {
      assertInspected(r);
      assert.match(layerData<TlsData>(r, 'tls').chain?.[0]?.issuer ?? '', /amlprobe e2e Test CA/);
    },
  },
  {
    name: 'workspace API over plain HTTP',
    target: `http://${HOSTS.workspace}/`,
    status: 'pass', layer: null, reason: 'ok',
    evidence: (r) => assert.equal(layerData<HttpData>(r, 'http').status, 200),
  },
  {
    name: 'registry discovery path answers 200 (nginx, JSON body)',
    target: `https://${HOSTS.regional}${DISCOVERY_PATH}`,
    status: 'warn', layer: 'tls', reason: 'tls_inspected',
    evidence: (r) => {
      assertInspected(r);
      assert.equal(r.path, DISCOVERY_PATH);
      assert.equal(layerData<HttpData>(r, 'http').status, 200);
    },
  },
  {
    name: 'notebooks WebSocket through nginx to the ws backend: upgraded',
    target: `wss://${HOSTS.notebooks}/ws`,
    status: 'warn', layer: 'tls', reason: 'tls_inspected',
    evidence: (r) => {
      assertInspected(r);
      assertChain(r, [HOSTS.notebooks, HOSTS.notebooksPrivatelink], ADDR.web);
      assert.equal(layerData<WebSocketData>(r, 'websocket').status, 101);
    },
  },
  {
    name: 'Azure Files SMB port 445: the listener is reachable',
    target: `tcp://${HOSTS.file}:445`,
    status: 'pass', layer: null, reason: 'ok',
    evidence: (r) => {
      assertChain(r, [HOSTS.file, HOSTS.filePrivatelink], ADDR.file);
      assert.equal(layerData<ConnectData>(r, 'tcp').address, ADDR.file);
    },
  },
  {
    name: 'privatelink zone not linked: the chain ends at a public address',
    target: `https://${HOSTS.blob}/`,
    status: 'fail', layer: 'dns', reason: 'public_ip',
    evidence: (r) => {
      assertChain(r, [HOSTS.blob, HOSTS.blobPrivatelink, HOSTS.blobPublic], ADDR.public);
      assert.equal(layerData<DnsData>(r, 'dns').addresses[0]?.private, false);
      assert.deepEqual(r.checks.filter((c) => c.layer !== 'dns').map((c) => c.reason), ['skipped', 'skipped', 'skipped']);
    },
  },
  {
    name: 'missing record: NXDOMAIN from the authoritative zone',
    target: `dns://${HOSTS.missing}`,
    status: 'fail', layer: 'dns', reason: 'nxdomain',
    evidence: (r) => assert.equal(layerData<DnsData>(r, 'dns').direct?.[0]?.rcode, 'NXDOMAIN'),
  },
  {
    name: 'container registry: SYN dropped by nftables -> timeout',
    target: `https://${HOSTS.registry}/`,
    status: 'fail', layer: 'tcp', reason: 'tcp_timeout',
    evidence: (r) => assertChain(r, [HOSTS.registry, HOSTS.registryPrivatelink], ADDR.dropped),
  },
  {
    name: 'file share 443: rejected with a TCP reset -> refused',
    target: `tcp://${HOSTS.file}:443`,
    status: 'fail', layer: 'tcp', reason: 'tcp_refused',
    evidence: (r) => assert.equal(layerData<ConnectData>(r, 'tcp').code, 'ECONNREFUSED'),
  },
  {
    name: 'UDP rejected by nftables with ICMP port unreachable -> closed',
    target: `udp://${HOSTS.tundra}:5831`,
    status: 'fail', layer: 'udp', reason: 'udp_closed',
    evidence: (r) => assert.equal(layerData<UdpData>(r, 'udp').address, ADDR.udp),
  },
  {
    name: 'UDP port with no listener -> closed (kernel ICMP)',
    target: `udp://${HOSTS.tundra}:5832`,
    status: 'fail', layer: 'udp', reason: 'udp_closed',
  },
];

function assertCase(report: Report, c: Case): void {
  const r = byLabel(report, c.target);
  const got = { status: r.status, layer: r.layer, reason: r.reason };
  assert.deepEqual(got, { status: c.status, layer: c.layer, reason: c.reason }, `${c.name}: ${JSON.stringify(r, null, 2)}`);
  c.evidence?.(r);
}

describe('e2e: amlprobe in a network namespace against dnsmasq, nginx and nftables', { timeout: 60_000 }, () => {
  let lab: WorkspaceLab | undefined;
  const common = (): string[] => ['--format', 'json', '--no-system-resolver', '--dns-server', lab?.dnsServer ?? '', '--timeout', '1s'];

  before(async () => {
    lab = await startWorkspaceLab();
  });
  after(async () => {
    await lab?.stop();
  });

  it('one check run: every endpoint gets its verdict and reason (--expect-private, --ca-file)', async () => {
    assert.ok(lab);
    const run = await lab.runAmlprobe(['check', ...CASES.map((c) => c.target), ...common(), '--expect-private', '--ca-file', lab.caFile]);
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    assert.equal(report.results.length, CASES.length, describeRun(run));
    for (const c of CASES) assertCase(report, c);
    assert.equal(report.deadlineHit, false);
  });

  it('only the healthy endpoints: exit 0', async () => {
    assert.ok(lab);
    const healthy = CASES.filter((c) => c.status !== 'fail');
    const run = await lab.runAmlprobe(['check', ...healthy.map((c) => c.target), ...common(), '--expect-private', '--ca-file', lab.caFile]);
    assert.equal(run.code, 0, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    for (const c of healthy) assertCase(report, c);
  });

  it('without --ca-file the test CA is unknown: tls_untrusted, with the certificate shown', async () => {
    assert.ok(lab);
    const target = `https://${HOSTS.workspace}/`;
    const run = await lab.runAmlprobe(['check', target, ...common(), '--expect-private']);
    assert.equal(run.code, 1, describeRun(run));
    const r = byLabel(parseJsonOutput<Report>(run), target);
    assert.deepEqual({ status: r.status, layer: r.layer, reason: r.reason }, { status: 'fail', layer: 'tls', reason: 'tls_untrusted' }, JSON.stringify(r, null, 2));
    const tls = layerData<TlsData>(r, 'tls');
    assert.equal(tls.authorized, false);
    assert.ok(tls.chain?.[0]?.subjectAltNames.some((san) => san.includes(HOSTS.workspace)), JSON.stringify(tls.chain));
    assert.equal(layerData<HttpData | undefined>(r, 'http') === undefined || r.checks.find((c) => c.layer === 'http')?.reason === 'skipped', true);
  });

  it('through tinyproxy (--proxy): private names sent to it are proxy_private_name (warn where it reached them, fail where it could not), a denied host proxy_denied', async () => {
    assert.ok(lab);
    const allowed = `https://${HOSTS.workspace}/`;
    const denied = `https://${HOSTS.blob}/`;
    const dropped = `https://${HOSTS.registry}/`;
    const run = await lab.runAmlprobe(['check', allowed, denied, dropped, ...common(), '--ca-file', lab.caFile, '--proxy', PROXY.filtering]);
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    const verdict = (target: string): unknown => {
      const r = byLabel(report, target);
      return { status: r.status, layer: r.layer, reason: r.reason };
    };
    // The workspace and the registry resolve to private addresses here, yet went to the proxy:
    // proxy_private_name on the dns layer, a warning where the proxy reached the name, a failure
    // where it could not, naming the NO_PROXY entries; the tcp layer keeps the proxy's answer.
    assert.deepEqual(verdict(allowed), { status: 'warn', layer: 'dns', reason: 'proxy_private_name' }, describeRun(run));
    const allowedDns = byLabel(report, allowed).checks.find((c) => c.layer === 'dns');
    assert.match(allowedDns?.message ?? '', /resolves to private 10\.20\.0\.10 here but goes to the proxy http:\/\/10\.20\.0\.30:3128: add \.api\.azureml\.ms to NO_PROXY/);
    assert.match(allowedDns?.detail ?? '', /Add \.api\.azureml\.ms,169\.254\.169\.254 to NO_PROXY/);
    const tcp = layerData<ConnectData>(byLabel(report, allowed), 'tcp');
    assert.equal(tcp.proxy, PROXY.filtering);
    assert.match(tcp.proxyStatus ?? '', /^HTTP\/1\.[01] 200/);
    assert.equal(layerData<TlsData>(byLabel(report, allowed), 'tls').authorized, true);
    assert.equal(layerData<HttpData>(byLabel(report, allowed), 'http').status, 200);
    assert.deepEqual(verdict(denied), { status: 'fail', layer: 'tcp', reason: 'proxy_denied' }, describeRun(run));
    assert.match(layerData<ConnectData>(byLabel(report, denied), 'tcp').proxyStatus ?? '', / 403 /);
    assert.deepEqual(verdict(dropped), { status: 'fail', layer: 'dns', reason: 'proxy_private_name' }, describeRun(run));
    const droppedResult = byLabel(report, dropped);
    assert.equal(droppedResult.checks.find((c) => c.layer === 'tcp')?.reason, 'proxy_target_failed');
    assert.match(droppedResult.message, /add \.azurecr\.io to NO_PROXY/);
  });

  it('with the NO_PROXY entries amlprobe named, the private names go direct', async () => {
    assert.ok(lab);
    const target = `https://${HOSTS.workspace}/`;
    const run = await lab.runAmlprobe(['check', target, ...common(), '--ca-file', lab.caFile], {
      https_proxy: PROXY.filtering,
      no_proxy: '.api.azureml.ms,169.254.169.254',
    });
    assert.equal(run.code, 0, describeRun(run));
    const r = byLabel(parseJsonOutput<Report>(run), target);
    assert.deepEqual({ status: r.status, layer: r.layer, reason: r.reason }, { status: 'warn', layer: 'tls', reason: 'tls_inspected' }, describeRun(run));
    assert.equal(layerData<ConnectData>(r, 'tcp').proxy, undefined);
    assert.equal(r.address, ADDR.web);
  });

  it('tcp:// through --proxy: tinyproxy with ConnectPort 443 refuses 8787 and 18881 (proxy_denied); the proxy variables alone keep tcp:// direct', async () => {
    assert.ok(lab);
    const targets = [8787, 18881].map((port) => `tcp://${HOSTS.publicRegional}:${port}`);
    const run = await lab.runAmlprobe(['check', ...targets, ...common(), '--proxy', PROXY.filtering]);
    assert.equal(run.code, 1, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    for (const target of targets) {
      const r = byLabel(report, target);
      assert.deepEqual({ status: r.status, layer: r.layer, reason: r.reason }, { status: 'fail', layer: 'tcp', reason: 'proxy_denied' }, describeRun(run));
      const tcp = layerData<ConnectData>(r, 'tcp');
      assert.equal(tcp.proxy, PROXY.filtering);
      assert.match(tcp.proxyStatus ?? '', / 403 /);
      assert.match(tcp.proxyAgent ?? '', /tinyproxy/);
    }
    // https_proxy alone: a plain socket never reads it, so tcp:// connects directly (and, with
    // nothing at the public address, times out).
    const direct = await lab.runAmlprobe(['check', targets[0] ?? '', ...common()], { https_proxy: PROXY.filtering, http_proxy: PROXY.filtering });
    const r = byLabel(parseJsonOutput<Report>(direct), targets[0] ?? '');
    assert.equal(layerData<ConnectData>(r, 'tcp').proxy, undefined, describeRun(direct));
    assert.equal(layerData<ConnectData>(r, 'tcp').address, ADDR.public);
  });

  it('proxy wanting credentials (https_proxy from the environment): proxy_auth_required; no proxy listening: proxy_unreachable', async () => {
    assert.ok(lab);
    const target = `https://${HOSTS.workspace}/`;
    const [auth, closed] = await Promise.all([
      lab.runAmlprobe(['check', target, ...common(), '--ca-file', lab.caFile], { https_proxy: PROXY.auth }),
      lab.runAmlprobe(['check', target, ...common(), '--ca-file', lab.caFile, '--proxy', PROXY.closed]),
    ]);
    for (const [run, reason, proxy] of [[auth, 'proxy_auth_required', PROXY.auth], [closed, 'proxy_unreachable', PROXY.closed]] as const) {
      assert.equal(run.code, 1, describeRun(run));
      const r = byLabel(parseJsonOutput<Report>(run), target);
      assert.deepEqual({ status: r.status, layer: r.layer, reason: r.reason }, { status: 'fail', layer: 'tcp', reason }, describeRun(run));
      assert.equal(layerData<ConnectData>(r, 'tcp').proxy, proxy);
    }
  });

  it('registry end to end: discovery (nginx) returns the FQDN, which resolves through its privatelink CNAME and answers on 443', async () => {
    assert.ok(lab);
    const dir = await mkdtemp(join(tmpdir(), 'amlprobe-e2e-token-'));
    try {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'e2e-token-aaaaaaaaaaaaaaaa\n');
      // The discovery host by address (the client namespace's own resolver is not dnsmasq); the
      // registry's FQDN then goes through dnsmasq like every probe.
      const run = await lab.runAmlprobe(
        ['run', '--scenario', 'registry-private', '--registry', `${REGISTRY}@eastus`, '--private-endpoints', '--token-file', tokenFile, ...common(), '--ca-file', lab.caFile],
        { AMLPROBE_DISCOVERY_URL: `https://${ADDR.web}` },
      );
      const report = parseJsonOutput<Report>(run);
      const row = (id: string): EndpointResult => {
        const found = report.results.find((r) => r.id === id);
        assert.ok(found, `no ${id}: ${describeRun(run)}`);
        return found;
      };
      assert.equal(row(`registry-discovery-auth-${REGISTRY}`).reason, 'ok', describeRun(run));
      assert.equal(report.workspace?.profile.registries?.[0]?.id, REGISTRY_ID);
      const fqdn = row('registry-fqdn:443');
      // A Microsoft name served with the --ca-file test CA: TLS warns tls_inspected and the probe goes on.
      assert.deepEqual([fqdn.host, fqdn.address], [REGISTRY_HOSTS.fqdn, ADDR.web], JSON.stringify(fqdn, null, 2));
      assert.deepEqual(fqdn.checks.map((c) => c.layer), ['dns', 'tcp', 'tls', 'http']);
      assertInspected(fqdn);
      assert.equal(layerData<HttpData>(fqdn, 'http').status, 200);
      assert.deepEqual(layerData<DnsData>(fqdn, 'dns').direct?.[0]?.cname.map((r) => r.data), [REGISTRY_HOSTS.privatelink]);
      const dnsRow = row('registry-private-fqdn');
      assert.deepEqual([dnsRow.host, dnsRow.status, dnsRow.address], [REGISTRY_HOSTS.privatelink, 'pass', ADDR.web]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
