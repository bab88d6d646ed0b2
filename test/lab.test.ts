// `amlprobe lab` as a user runs it: the built CLI in a child process, the simulated workspace on
// loopback, the normal catalog and engine. Every planted fault must come back with its reason, every
// other row must pass, and the lab's exit code must say whether amlprobe did its job. Also the pure
// parts the exit code rests on: the simulated network and the lab's verdict.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { runEndpoints } from '../src/engine/run-endpoints.js';
import { LAB_FAULTS } from '../src/lab/lab-faults.js';
import { buildLabNetwork, LAB_PROXY, privatelinkName, type LabBehaviour } from '../src/lab/lab-network.js';
import { LAB_PROXY_AGENT, labProxyServer } from '../src/lab/lab-proxy.js';
import { startLabDns, type LabDnsServer } from '../src/lab/lab-dns.js';
import { redirectKey } from '../src/net/redirect.js';
import { judgeLab } from '../src/lab/lab-verdict.js';
import { labPlan } from '../src/lab/lab-workspace.js';
import { closedTcpPort, startTcpServer, type Listener } from './helpers/listeners.js';
import { testSettings } from './helpers/settings.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { ConnectData, DnsData, HttpData, TlsData, UdpData } from '../src/model/evidence.js';
import type { EndpointResult } from '../src/model/result.js';
import type { RunSettings } from '../src/model/settings.js';
import type { Report } from '../src/model/report.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.js');

/** A lab run never takes this long; past it the child is killed and the test fails instead of hanging. */
const KILL_AFTER_MS = 30_000;
/** "A few seconds": loose, so a busy machine does not fail it; a hang or a lost timeout does. */
const LOOSE_BOUND_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// The lab never reads resolv.conf; should it ever, this file keeps it on loopback.
const scratch = mkdtempSync(join(tmpdir(), 'amlprobe-lab-test-'));
const resolvConf = join(scratch, 'resolv.conf');
writeFileSync(resolvConf, 'nameserver 127.0.0.1\n');

function runLab(args: string[]): Promise<Run> {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AMLPROBE_RESOLV_CONF: resolvConf };
  delete env.FORCE_COLOR;
  return new Promise((done) => {
    execFile(process.execPath, [CLI, 'lab', ...args], { env, timeout: KILL_AFTER_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      done({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

interface LabSection {
  ok: boolean;
  exitCode: number;
  faultsPlanted: boolean;
  faults: { id: string; expected: string; caught: boolean; endpoints: { id: string; reason: string }[] }[];
  unexpected: { id: string }[];
  healthy: { total: number; passed: number };
}
type LabReport = Report & { lab: LabSection };

const byId = (report: Report, id: string): EndpointResult => {
  const found = report.results.find((r) => r.id === id);
  assert.ok(found, `no result for ${id}`);
  return found;
};
const layer = <T>(result: EndpointResult, name: string): T | undefined => result.checks.find((c) => c.layer === name)?.data as T | undefined;

/** What the lab plants, written out independently of src/lab/lab-faults.ts. */
const PLANTED: { case: string; endpoint: string; reason: string; status?: 'warn'; evidence: (r: EndpointResult) => void }[] = [
  {
    case: 'privatelink zone not linked: the private name answers a public address',
    endpoint: 'notebooks:443',
    reason: 'public_ip',
    evidence: (r) => {
      const dns = layer<DnsData>(r, 'dns');
      assert.match(dns?.addresses[0]?.address ?? '', /^198\.51\.100\.\d+$/);
      assert.match(dns?.direct?.[0]?.cname.at(-1)?.data ?? '', /\.privatelink\.notebooks\.azure\.net$/);
    },
  },
  {
    case: 'record missing in the privatelink zone',
    endpoint: 'keyvault:443',
    reason: 'nxdomain',
    evidence: (r) => assert.equal(layer<DnsData>(r, 'dns')?.direct?.[0]?.rcode, 'NXDOMAIN'),
  },
  {
    case: 'a dependency behind a private endpoint whose zone is not linked: inferred from its CNAME (issue 13)',
    endpoint: 'acr:443',
    reason: 'public_ip',
    evidence: (r) => {
      const dns = layer<DnsData>(r, 'dns');
      assert.match(dns?.addresses[0]?.address ?? '', /^198\.51\.100\.\d+$/);
      assert.deepEqual(dns?.privateBecause, { source: 'privatelink-cname', zone: 'privatelink.azurecr.io' });
      assert.match(r.message, /link privatelink\.azurecr\.io to this VNet/);
    },
  },
  {
    case: 'a truncated UDP answer whose retry over TCP 53 is refused',
    endpoint: 'regional-api:443',
    reason: 'dns_tcp_blocked',
    evidence: (r) => {
      const dns = layer<DnsData>(r, 'dns');
      assert.equal(dns?.addresses.length, 0);
      assert.equal(r.layer, 'dns');
      assert.match(r.message, /TCP 53 to 127\.0\.0\.1:\d+ blocked/);
    },
  },
  {
    case: 'dropped traffic, simulated by a silent peer',
    endpoint: 'arm:443',
    reason: 'tls_timeout',
    evidence: (r) => assert.equal(r.checks.find((c) => c.layer === 'tcp')?.status, 'pass'),
  },
  {
    case: 'refused port',
    endpoint: 'storage-file-smb:445',
    reason: 'tcp_refused',
    evidence: (r) => assert.equal(layer<ConnectData>(r, 'tcp')?.code, 'ECONNREFUSED'),
  },
  {
    case: 'UDP port answering ICMP port unreachable',
    endpoint: 'tundra:5831',
    reason: 'udp_closed',
    evidence: (r) => assert.equal(layer<UdpData>(r, 'udp')?.port, 5831),
  },
  {
    case: 'TLS-inspecting firewall',
    endpoint: 'mcr:443',
    reason: 'tls_untrusted',
    evidence: (r) => {
      assert.match(r.message, /Contoso Firewall Inspection CA/);
      assert.match(layer<TlsData>(r, 'tls')?.chain?.[0]?.issuer ?? '', /CN=Contoso Firewall Inspection CA/);
    },
  },
  {
    case: 'a forward proxy whose allow list lacks the host (403 page)',
    endpoint: 'graph:443',
    reason: 'proxy_denied',
    evidence: (r) => {
      const tcp = layer<ConnectData>(r, 'tcp');
      assert.equal(tcp?.proxy, 'http://10.1.250.4:3128');
      assert.equal(tcp?.address, '10.1.250.4');
      assert.equal(tcp?.port, 3128);
      assert.equal(tcp?.proxyStatus, 'HTTP/1.1 403 Forbidden');
      assert.equal(tcp?.proxyAgent, 'squid/6.6');
      assert.match(r.checks.find((c) => c.layer === 'tcp')?.detail ?? '', /Contoso egress proxy/);
    },
  },
  {
    case: 'a storage account whose firewall refuses the client (403 AuthorizationFailure on its public endpoint)',
    endpoint: 'storage-queue:443',
    reason: 'service_firewall_denied',
    evidence: (r) => {
      const http = r.checks.find((c) => c.layer === 'http');
      assert.equal(layer<DnsData>(r, 'dns')?.addresses[0]?.private, false);
      assert.equal(r.checks.find((c) => c.layer === 'tls')?.status, 'pass');
      assert.deepEqual((http?.data as HttpData | undefined)?.denial?.code, 'AuthorizationFailure');
      assert.match(http?.detail ?? '', /public address 198\.51\.100\.\d+: the name does not resolve to a private endpoint/);
    },
  },
  {
    case: "a forward proxy that allows the host but cannot reach it (squid's 503 ERR_CONNECT_FAIL)",
    endpoint: 'graph-notebooks:443',
    reason: 'proxy_target_failed',
    evidence: (r) => {
      const tcp = layer<ConnectData>(r, 'tcp');
      assert.equal(tcp?.proxy, 'http://10.1.250.4:3128');
      assert.equal(tcp?.proxyStatus, 'HTTP/1.1 503 Service Unavailable');
      assert.match(r.checks.find((c) => c.layer === 'tcp')?.message ?? '', /ERR_CONNECT_FAIL/);
    },
  },
  {
    case: 'a private endpoint name sent to the proxy (NO_PROXY lacks it): a warning, the tunnel works',
    endpoint: 'storage-table:443',
    reason: 'proxy_private_name',
    status: 'warn',
    evidence: (r) => {
      const dns = layer<DnsData>(r, 'dns');
      assert.match(dns?.addresses[0]?.address ?? '', /^10\.1\.\d+\.\d+$/);
      assert.equal(r.layer, 'dns');
      assert.equal(r.checks.find((c) => c.layer === 'tcp')?.status, 'pass');
      assert.equal(r.checks.find((c) => c.layer === 'http')?.status, 'pass');
      assert.match(r.message, /goes to the proxy http:\/\/10\.1\.250\.4:3128/);
    },
  },
  {
    case: 'TLS inspection by a CA this machine trusts but that is not public: a warning, the request works',
    endpoint: 'studio-web:443',
    reason: 'tls_inspected',
    status: 'warn',
    evidence: (r) => {
      const chain = layer<TlsData>(r, 'tls')?.chain;
      assert.match(chain?.[0]?.issuer ?? '', /CN=Contoso Trusted Inspection CA/);
      assert.equal(r.checks.find((c) => c.layer === 'http')?.status, 'pass');
    },
  },
];

/** The planted faults that fail (the others are warnings, which are no cause to fix first). */
const FAILING = PLANTED.filter((p) => p.status === undefined);
const WARNING = PLANTED.filter((p) => p.status === 'warn');

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('amlprobe lab (faults planted)', () => {
  let json: Run;
  let table: Run;
  let report: LabReport;
  before(async () => {
    // Both forms at once: each spends most of its run waiting for the silent peer's timeout.
    [json, table] = await Promise.all([runLab(['--format', 'json']), runLab([])]);
    report = JSON.parse(json.stdout) as LabReport;
  });

  it('exits 0 within a few seconds, with nothing on stderr', () => {
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, '');
    assert.ok(json.ms < LOOSE_BOUND_MS, `took ${Math.round(json.ms)} ms`);
    assert.equal(report.lab.ok, true);
    assert.equal(report.lab.exitCode, 0);
  });

  for (const planted of PLANTED) {
    it(`reports ${planted.reason} for ${planted.case}`, () => {
      const result = byId(report, planted.endpoint);
      assert.equal(result.status, planted.status ?? 'fail', `${result.reason}: ${result.message}`);
      assert.equal(result.reason, planted.reason, result.message);
      planted.evidence(result);
      const fault = report.lab.faults.find((f) => f.endpoints.some((e) => e.id === planted.endpoint));
      assert.ok(fault, `the lab section names no fault for ${planted.endpoint}`);
      assert.equal(fault.caught, true);
      assert.equal(fault.expected, planted.reason);
    });
  }

  it('plants exactly these faults, and every other row passes', () => {
    const faulty = new Set(PLANTED.map((p) => p.endpoint));
    assert.deepEqual(report.lab.faults.flatMap((f) => f.endpoints.map((e) => e.id)).sort(), [...faulty].sort());
    const healthy = report.results.filter((r) => !faulty.has(r.id));
    assert.ok(healthy.length >= 10, `only ${healthy.length} healthy rows`);
    for (const r of healthy) assert.equal(r.status, 'pass', `${r.id}: ${r.reason} ${r.message}`);
    assert.deepEqual(report.lab.unexpected, []);
    assert.equal(report.lab.healthy.passed, healthy.length);
  });

  it('the planted failures come out as causes: one each, with the expected reason and exactly its endpoints', () => {
    const causes = report.causes ?? [];
    const failing = report.lab.faults.filter((f) => FAILING.some((p) => p.reason === f.expected));
    assert.equal(failing.length, FAILING.length);
    // Two faults behind one proxy (a denied host, an unreachable one) are two causes with two fixes.
    assert.equal(causes.length, failing.length, JSON.stringify(causes, null, 2));
    for (const fault of failing) {
      const ids = fault.endpoints.map((e) => e.id).sort();
      const cause = causes.find((c) => c.endpoints.some((id) => ids.includes(id)));
      assert.ok(cause, `no cause for the fault ${fault.id}`);
      assert.deepEqual([...cause.endpoints].sort(), ids, `${fault.id}: ${cause.id}`);
      assert.equal(cause.reason, fault.expected);
      assert.equal(cause.required, ids.length);
      assert.notEqual(cause.fix, '');
    }
    assert.deepEqual(causes.map((c) => c.required), [...causes.map((c) => c.required)].sort((a, b) => b - a), 'ranked by required endpoints');
    const failed = report.results.filter((r) => r.status === 'fail');
    for (const r of failed) assert.ok((r.reproduce ?? []).length > 0, `${r.id}: no proof commands`);
    assert.equal(report.results.filter((r) => r.reproduce !== undefined).length, failed.length, 'only failed rows carry reproduce');
  });

  it('the table opens with "What to fix first", one entry per cause, before the matrix', () => {
    const text = table.stdout;
    const first = text.indexOf(`What to fix first (${FAILING.length} causes):`);
    assert.ok(first > 0 && first < text.indexOf('ENDPOINT'), 'the causes come before the matrix');
    // The JSON and the table come from two lab runs, each with its own DNS server port.
    const port = (t: string): string => t.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
    for (const cause of report.causes ?? []) assert.ok(port(text.replace(/\s+/g, ' ')).includes(port(cause.summary)), cause.summary);
  });

  it('never leaves loopback: lab DNS only, no system resolver, every dial redirected to 127.0.0.1', () => {
    assert.equal(report.settings.systemResolver, false);
    assert.equal(report.settings.redirectOnly, true);
    for (const server of report.settings.dnsServers) assert.match(server, /^127\.0\.0\.1:\d+$/);
    let dials = 0;
    for (const r of report.results) {
      const conn = layer<ConnectData | UdpData>(r, 'tcp') ?? layer<ConnectData | UdpData>(r, 'udp');
      if (conn === undefined) continue;
      dials += 1;
      assert.match(conn.redirectedTo ?? '', /^127\.0\.0\.1:\d+$/, `${r.id} went to ${conn.address}`);
      assert.match(conn.address, /^(10\.|198\.51\.100\.|203\.0\.113\.)/);
    }
    assert.ok(dials > 10);
  });

  it('routes only the proxied rows through the lab proxy: a healthy tunnel and the denied row', () => {
    const proxiedIds = report.results.filter((r) => layer<ConnectData>(r, 'tcp')?.proxy !== undefined).map((r) => r.id).sort();
    assert.deepEqual(proxiedIds, ['automl-resources:443', 'graph-notebooks:443', 'graph:443', 'storage-table:443']);
    const tunnelled = byId(report, 'automl-resources:443');
    assert.equal(tunnelled.status, 'pass');
    assert.equal(layer<ConnectData>(tunnelled, 'tcp')?.proxyStatus, 'HTTP/1.1 200 Connection established');
    assert.equal(layer<ConnectData>(tunnelled, 'tcp')?.proxyAgent, LAB_PROXY_AGENT);
    assert.equal(tunnelled.checks.find((c) => c.layer === 'tls')?.status, 'pass', 'TLS verified end to end through the tunnel');
  });

  it('prints the matrix first, then each fault caught and the verdict (table form)', () => {
    assert.equal(table.code, 0, table.stderr);
    const text = table.stdout;
    const matrix = text.indexOf('ENDPOINT');
    const summary = text.search(new RegExp(`\\d+ endpoints: \\d+ pass, ${FAILING.length} fail \\(\\d+ required\\), ${WARNING.length} warn`));
    const explanation = text.indexOf('What the lab broke');
    assert.ok(matrix >= 0 && summary > matrix && explanation > summary, 'matrix, summary, explanation in that order');
    assert.equal(text.match(/^✓ caught {2}/gm)?.length, LAB_FAULTS.length);
    for (const planted of PLANTED) assert.ok(text.includes(`(${planted.reason})`), `no (${planted.reason}) in the explanation`);
    assert.match(text, /In Azure: link privatelink\.notebooks\.azure\.net/);
    assert.match(text, /In Azure: allow graph\.windows\.net:443 on the proxy/);
    assert.match(text, /^✓ +automl-resources:443 +https:\/\/\S+ +✓ [^\n]*✓ \d+ ms via proxy/m, 'the healthy proxied row passes, shown via proxy');
    assert.match(text, /Exit code 0\./);
    assert.doesNotMatch(text, /\x1b\[/, 'no colour with NO_COLOR');
  });
});

describe('amlprobe lab (other runs)', () => {
  it('--no-faults: every endpoint passes, exit 0', async () => {
    const run = await runLab(['--no-faults', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.ms < LOOSE_BOUND_MS, `took ${Math.round(run.ms)} ms`);
    const report = JSON.parse(run.stdout) as LabReport;
    assert.equal(report.summary.fail, 0);
    assert.equal(report.summary.warn, 0);
    assert.ok(report.results.length >= 10);
    for (const r of report.results) assert.equal(r.status, 'pass', `${r.id}: ${r.reason} ${r.message}`);
    assert.equal(report.lab.faultsPlanted, false);
    assert.deepEqual(report.lab.faults, []);
    // The healthy proxied row still goes through the proxy; the fault's row is direct without the fault.
    assert.equal(layer<ConnectData>(byId(report, 'automl-resources:443'), 'tcp')?.proxy, LAB_PROXY.url);
    assert.equal(layer<ConnectData>(byId(report, 'graph:443'), 'tcp')?.proxy, undefined);
  });

  it('exits 1 when amlprobe cannot report the planted reasons (1 ms timeouts: nothing finishes in time)', async () => {
    const run = await runLab(['--timeout', '1ms', '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as LabReport;
    assert.equal(report.lab.ok, false);
    assert.equal(report.lab.exitCode, 1);
  });

  it('rejects flags that do not apply to a simulated workspace (exit 2, before any server starts)', async () => {
    const run = await runLab(['--region', 'westus']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--region: not an option of 'lab' \(it belongs to 'run', .*\)\. 'lab' simulates a fixed workspace/);
    assert.equal(run.stdout, '');
  });
});

describe('lab network and verdict', () => {
  const { endpoints } = labPlan();
  const network = buildLabNetwork(endpoints, LAB_FAULTS);

  it('points private-endpoint names into their privatelink zone, as Azure DNS does', () => {
    const cases = [
      { host: 'acct.blob.core.windows.net', zone: 'privatelink.blob.core.windows.net', name: 'acct.privatelink.blob.core.windows.net' },
      { host: 'kv.vault.azure.net', zone: 'privatelink.vaultcore.azure.net', name: 'kv.privatelink.vaultcore.azure.net' },
      { host: 'reg.eastus.data.azurecr.io', zone: 'privatelink.azurecr.io', name: 'reg.eastus.data.privatelink.azurecr.io' },
    ];
    for (const c of cases) assert.equal(privatelinkName(c.host, c.zone), c.name);
  });

  it('answers every name of the plan and redirects every (transport, address, port) it dials', () => {
    const resolveLab = (name: string): string | undefined => {
      for (let hop = 0; hop < 8; hop += 1) {
        const record = network.records.get(name);
        if (record?.kind !== 'cname') return record?.kind === 'a' ? record.address : undefined;
        name = record.target;
      }
      return undefined;
    };
    let dialled = 0;
    for (const e of endpoints) {
      const address = resolveLab(e.host);
      const fault = network.faultOf.get(e.id);
      if (fault?.effect === 'dns-missing-record' || fault?.effect === 'dns-tcp-blocked') {
        assert.equal(address, undefined, e.id);
        if (fault.effect === 'dns-tcp-blocked') assert.deepEqual(network.records.get(e.host), { kind: 'truncated' });
        continue;
      }
      assert.ok(address !== undefined, `the lab DNS does not answer ${e.host}`);
      if (fault?.effect === 'dns-public-answer' || e.protocol === 'dns') continue;
      if (fault?.effect === 'proxy-denied') {
        // The proxy refuses before anything goes to the target: only the proxy's own address is dialled.
        assert.equal(network.dials.get(redirectKey('tcp', address, e.port)), undefined, `${e.id} dials its target`);
        assert.ok(network.dials.has(redirectKey('tcp', LAB_PROXY.address, LAB_PROXY.port)), 'no redirect for the lab proxy');
        continue;
      }
      const dial = network.dials.get(redirectKey(e.protocol === 'udp' ? 'udp' : 'tcp', address, e.port));
      assert.ok(dial, `no redirect for ${e.id} at ${address}:${e.port}`);
      dialled += 1;
    }
    assert.ok(dialled > 10);
    const behaviours = new Set<LabBehaviour>([...network.dials.values()].map((d) => d.behaviour));
    for (const b of ['https', 'tcp-accept', 'silent-peer', 'tcp-refused', 'udp-closed', 'tls-intercept', 'forward-proxy'] as const) assert.ok(behaviours.has(b), b);
  });

  it('proxies the denied row, the tunnelled row and the two proxy faults only, and allows all but the denied one', () => {
    assert.deepEqual([...network.proxied].sort(), ['automl-resources:443', 'graph-notebooks:443', 'graph:443', 'storage-table:443']);
    assert.equal(network.dials.get(redirectKey('tcp', LAB_PROXY.address, LAB_PROXY.port))?.behaviour, 'forward-proxy');
    assert.deepEqual([...network.proxyAllows].sort(), [
      ['automlresources-prod.azureedge.net:443', 'https'],
      ['contosomlstore.table.core.windows.net:443', 'https'],
      ['graph.microsoft.com:443', 'tcp-refused'],
    ]);
    assert.equal(network.faultOf.get('graph:443')?.expected, 'proxy_denied');
    assert.equal(network.faultOf.get('graph-notebooks:443')?.expected, 'proxy_target_failed');
    assert.equal(network.faultOf.get('storage-table:443')?.expected, 'proxy_private_name');
    const healthy = buildLabNetwork(endpoints, []);
    assert.deepEqual([...healthy.proxied], ['automl-resources:443']);
  });

  const result = (id: string, status: EndpointResult['status'], reason: EndpointResult['reason']): EndpointResult => ({
    id, host: 'h', port: 443, protocol: 'https', path: '/', required: true, address: null,
    status, layer: status === 'pass' ? null : 'dns', reason, message: reason, ms: 1, checks: [],
  });
  const allAsPlanted = (): EndpointResult[] =>
    endpoints.map((e) => {
      const fault = network.faultOf.get(e.id);
      return fault === undefined ? result(e.id, 'pass', 'ok') : result(e.id, fault.expectedStatus ?? 'fail', fault.expected);
    });

  const verdicts: { case: string; change: (results: EndpointResult[]) => EndpointResult[]; ok: boolean }[] = [
    { case: 'every fault with its reason, every other row passing', change: (r) => r, ok: true },
    { case: 'a fault reported with another reason', change: (r) => r.map((x) => (x.id === 'mcr:443' ? result(x.id, 'fail', 'tls_failed') : x)), ok: false },
    { case: 'a fault not noticed at all', change: (r) => r.map((x) => (x.id === 'keyvault:443' ? result(x.id, 'pass', 'ok') : x)), ok: false },
    { case: 'a healthy row failing', change: (r) => r.map((x) => (x.id === 'acr:443' ? result(x.id, 'fail', 'tcp_timeout') : x)), ok: false },
    { case: 'a healthy row only warning', change: (r) => r.map((x) => (x.id === 'acr:443' ? result(x.id, 'warn', 'resolver_mismatch') : x)), ok: false },
    { case: 'a warning fault reported as a failure', change: (r) => r.map((x) => (x.id === 'studio-web:443' ? result(x.id, 'fail', 'tls_inspected') : x)), ok: false },
    { case: 'a warning fault not noticed', change: (r) => r.map((x) => (x.id === 'storage-table:443' ? result(x.id, 'pass', 'ok') : x)), ok: false },
  ];
  for (const v of verdicts) {
    it(`judges ${v.case}: ${v.ok ? 'exit 0' : 'exit 1'}`, () => {
      assert.equal(judgeLab(v.change(allAsPlanted()), network, true).ok, v.ok);
    });
  }

  it('counts a fault whose catalog row is gone as not caught', () => {
    const gone = buildLabNetwork(endpoints, [{ ...LAB_FAULTS[0]!, row: 'no-such-row' }]);
    const verdict = judgeLab(endpoints.map((e) => result(e.id, 'pass', 'ok')), gone, true);
    assert.equal(verdict.faults[0]?.caught, false);
    assert.equal(verdict.ok, false);
  });
});

describe('the lab forward proxy ("Contoso egress proxy")', () => {
  const ALLOWED = '198.51.100.20:443';
  let echo: Listener;
  let closedPort: number;
  let proxy: Server;
  let proxyPort: number;
  let dns: LabDnsServer;
  const clients = new Set<Socket>();

  before(async () => {
    echo = await startTcpServer((socket) => socket.pipe(socket));
    closedPort = await closedTcpPort();
    proxy = labProxyServer((target) => (target === ALLOWED ? echo.port : target === '198.51.100.21:443' ? closedPort : undefined));
    proxy.on('connection', (socket) => {
      clients.add(socket);
      socket.on('close', () => clients.delete(socket));
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', () => done()));
    proxyPort = (proxy.address() as AddressInfo).port;
    dns = await startLabDns(new Map());
  });
  after(async () => {
    for (const socket of clients) socket.destroy();
    await Promise.all([echo.close(), dns.close(), new Promise<void>((done) => proxy.close(() => done()))]);
  });

  /** Sends `request` raw and collects what the proxy answers until it closes (or `until` matches). */
  const exchange = (request: string, until?: RegExp): Promise<string> =>
    new Promise((done, fail) => {
      const socket = netConnect({ host: '127.0.0.1', port: proxyPort });
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        fail(new Error(`no complete answer; got ${JSON.stringify(text)}`));
      }, 2000);
      const finish = (): void => {
        clearTimeout(timer);
        socket.destroy();
        done(text);
      };
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (until?.test(text)) finish();
      });
      socket.on('close', finish);
      socket.on('error', () => undefined);
      socket.write(request);
    });

  const ANSWERS: { case: string; request: string; until?: RegExp; expect: RegExp[] }[] = [
    {
      case: 'CONNECT to an allowed authority: 200, then the tunnel carries bytes both ways',
      request: `CONNECT ${ALLOWED} HTTP/1.1\r\nHost: ${ALLOWED}\r\n\r\nping through the tunnel`,
      until: /ping through the tunnel/,
      expect: [/^HTTP\/1\.1 200 Connection established\r\n/, new RegExp(`Proxy-Agent: ${LAB_PROXY_AGENT.replace(/[.()]/g, '\\$&')}\r\n`), /\r\n\r\nping through the tunnel$/],
    },
    {
      case: 'CONNECT to an authority the allow list lacks: squid-like 403 page naming the proxy',
      request: 'CONNECT graph.windows.net:443 HTTP/1.1\r\nHost: graph.windows.net:443\r\n\r\n',
      expect: [/^HTTP\/1\.1 403 Forbidden\r\n/, /Proxy-Agent: squid\/6\.6\r\n/, /Content-Type: text\/html/, /Contoso egress proxy/, /CONNECT to graph\.windows\.net:443 is not allowed/],
    },
    {
      case: "CONNECT to an allowed authority whose target refuses: squid's 503 ERR_CONNECT_FAIL",
      request: 'CONNECT 198.51.100.21:443 HTTP/1.1\r\nHost: 198.51.100.21:443\r\n\r\n',
      expect: [/^HTTP\/1\.1 503 Service Unavailable\r\n/, /X-Squid-Error: ERR_CONNECT_FAIL 111\r\n/, /Proxy-Agent: squid\/6\.6\r\n/],
    },
    { case: 'a plain GET: 405', request: 'GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\n\r\n', expect: [/^HTTP\/1\.1 405 /] },
    { case: 'not HTTP at all: 400', request: 'hello\r\n\r\n', expect: [/^HTTP\/1\.1 400 /] },
  ];
  for (const a of ANSWERS) {
    it(`answers ${a.case}`, async () => {
      const text = await exchange(a.request, a.until);
      for (const pattern of a.expect) assert.match(text, pattern);
    });
  }

  /** A redirect-only run whose only redirects are the proxy's address and the direct target's. */
  const redirectOnly = (extra: Partial<RunSettings> = {}): RunSettings =>
    testSettings({
      timeoutMs: 800,
      deadlineMs: 5000,
      dnsServers: [dns.server],
      dnsServersExplicit: true,
      redirectOnly: true,
      redirects: { [redirectKey('tcp', '10.1.250.4', 3128)]: `127.0.0.1:${proxyPort}`, [redirectKey('tcp', '198.51.100.20', 443)]: `127.0.0.1:${echo.port}` },
      ...extra,
    });
  const target = (extra: Partial<Endpoint>): Endpoint => ({
    id: 'target:443', host: '198.51.100.20', port: 443, protocol: 'tcp', path: '/', required: true, expect: {}, ...extra,
  });

  /** The tcp layer's verdict is the one under test (the tls case's later layers meet an echo server). */
  const ENGINE: { case: string; endpoint: Endpoint; settings?: Partial<RunSettings>; status: string; reason: string; tcp: (data: ConnectData | undefined, message: string) => void }[] = [
    {
      case: "an endpoint's own proxy at a realistic address is dialled through the redirect (tunnel)",
      endpoint: target({ proxy: 'http://10.1.250.4:3128' }),
      status: 'pass',
      reason: 'ok',
      tcp: (data) => {
        assert.equal(data?.proxy, 'http://10.1.250.4:3128');
        assert.equal(data?.address, '10.1.250.4');
        assert.equal(data?.redirectedTo, `127.0.0.1:${proxyPort}`);
        assert.equal(data?.proxyStatus, 'HTTP/1.1 200 Connection established');
      },
    },
    {
      case: 'the same proxy denying the host: proxy_denied with its 403',
      endpoint: target({ host: '198.51.100.99', proxy: 'http://10.1.250.4:3128' }),
      status: 'fail',
      reason: 'proxy_denied',
      tcp: (data) => {
        assert.equal(data?.proxyStatus, 'HTTP/1.1 403 Forbidden');
        assert.equal(data?.redirectedTo, `127.0.0.1:${proxyPort}`);
      },
    },
    {
      case: 'a proxy address the run does not simulate is refused without a packet',
      endpoint: target({ proxy: 'http://10.9.9.9:3128' }),
      status: 'fail',
      reason: 'tcp_error',
      tcp: (data, message) => {
        assert.match(message, /tcp\/10\.9\.9\.9:3128 is not simulated here \(redirect-only mode\)/);
        assert.equal(data?.redirectedTo, undefined);
      },
    },
    {
      case: "the run's --proxy and https_proxy are ignored in redirect-only mode (direct)",
      // tls takes https_proxy and --proxy outside redirect-only runs; here the TCP layer must go direct.
      endpoint: target({ protocol: 'tls' }),
      settings: { proxy: 'http://10.1.250.4:3128', proxyEnv: { httpsProxy: 'http://10.9.9.9:3128' } },
      status: 'pass',
      reason: 'ok',
      tcp: (data) => {
        assert.equal(data?.proxy, undefined);
        assert.equal(data?.redirectedTo, `127.0.0.1:${echo.port}`);
      },
    },
  ];
  for (const c of ENGINE) {
    it(`engine, redirect-only: ${c.case}`, async () => {
      const { results } = await runEndpoints([c.endpoint], redirectOnly(c.settings));
      const tcp = results[0]?.checks.find((l) => l.layer === 'tcp');
      assert.ok(tcp, JSON.stringify(results));
      assert.equal(tcp.status, c.status, JSON.stringify(tcp));
      assert.equal(tcp.reason, c.reason, tcp.message);
      c.tcp(tcp.data as ConnectData | undefined, tcp.message);
    });
  }
});
