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
import { LAB_FAULTS } from '../src/lab/lab-faults.js';
import { buildLabNetwork, privatelinkName, type LabBehaviour } from '../src/lab/lab-network.js';
import { redirectKey } from '../src/net/redirect.js';
import { judgeLab } from '../src/lab/lab-verdict.js';
import { labPlan } from '../src/lab/lab-workspace.js';
import type { ConnectData, DnsData, EndpointResult, Report, TlsData, UdpData } from '../src/types.js';

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
const PLANTED: { case: string; endpoint: string; reason: string; evidence: (r: EndpointResult) => void }[] = [
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
];

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
      assert.equal(result.status, 'fail');
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

  it('prints the matrix first, then each fault caught and the verdict (table form)', () => {
    assert.equal(table.code, 0, table.stderr);
    const text = table.stdout;
    const matrix = text.indexOf('ENDPOINT');
    const summary = text.search(/\d+ endpoints: \d+ pass, 6 fail/);
    const explanation = text.indexOf('What the lab broke');
    assert.ok(matrix >= 0 && summary > matrix && explanation > summary, 'matrix, summary, explanation in that order');
    assert.equal(text.match(/^✓ caught {2}/gm)?.length, LAB_FAULTS.length);
    for (const planted of PLANTED) assert.ok(text.includes(`(${planted.reason})`), `no (${planted.reason}) in the explanation`);
    assert.match(text, /In Azure: link privatelink\.notebooks\.azure\.net/);
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
    assert.match(run.stderr, /--region: 'lab' simulates a fixed workspace/);
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
      if (fault?.effect === 'dns-missing-record') {
        assert.equal(address, undefined, e.id);
        continue;
      }
      assert.ok(address !== undefined, `the lab DNS does not answer ${e.host}`);
      if (fault?.effect === 'dns-public-answer' || e.protocol === 'dns') continue;
      const dial = network.dials.get(redirectKey(e.protocol === 'udp' ? 'udp' : 'tcp', address, e.port));
      assert.ok(dial, `no redirect for ${e.id} at ${address}:${e.port}`);
      dialled += 1;
    }
    assert.ok(dialled > 10);
    const behaviours = new Set<LabBehaviour>([...network.dials.values()].map((d) => d.behaviour));
    for (const b of ['https', 'tcp-accept', 'silent-peer', 'tcp-refused', 'udp-closed', 'tls-intercept'] as const) assert.ok(behaviours.has(b), b);
  });

  const result = (id: string, status: EndpointResult['status'], reason: EndpointResult['reason']): EndpointResult => ({
    id, host: 'h', port: 443, protocol: 'https', path: '/', required: true, address: null,
    status, layer: status === 'pass' ? null : 'dns', reason, message: reason, ms: 1, checks: [],
  });
  const allAsPlanted = (): EndpointResult[] =>
    endpoints.map((e) => {
      const fault = network.faultOf.get(e.id);
      return fault === undefined ? result(e.id, 'pass', 'ok') : result(e.id, 'fail', fault.expected);
    });

  const verdicts: { case: string; change: (results: EndpointResult[]) => EndpointResult[]; ok: boolean }[] = [
    { case: 'every fault with its reason, every other row passing', change: (r) => r, ok: true },
    { case: 'a fault reported with another reason', change: (r) => r.map((x) => (x.id === 'mcr:443' ? result(x.id, 'fail', 'tls_failed') : x)), ok: false },
    { case: 'a fault not noticed at all', change: (r) => r.map((x) => (x.id === 'keyvault:443' ? result(x.id, 'pass', 'ok') : x)), ok: false },
    { case: 'a healthy row failing', change: (r) => r.map((x) => (x.id === 'acr:443' ? result(x.id, 'fail', 'tcp_timeout') : x)), ok: false },
    { case: 'a healthy row only warning', change: (r) => r.map((x) => (x.id === 'acr:443' ? result(x.id, 'warn', 'resolver_mismatch') : x)), ok: false },
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
