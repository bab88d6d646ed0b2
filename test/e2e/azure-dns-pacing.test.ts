// End to end: Azure DNS's documented per-VM limits (1,000 queries per second; beyond them queries
// are dropped) played by nftables in front of a REAL dnsmasq standing in for Azure DNS, in a
// service namespace; the built CLI runs in the client namespace. The same dnsmasq asked as an
// ordinary server (--dns-server, no documented limit, so not paced) has 3,000 names' queries
// dropped by the rule; asked as Azure DNS (--azure-dns-address) it is paced by the plan, every
// name's every answer is right, and the rule drops nothing.
//
//   10.24.0.2   client (amlprobe)
//   10.24.0.53  custom DNS (dnsmasq), no limit
//   10.24.0.54  "Azure DNS" (dnsmasq) behind `limit rate over 1000/second burst 100 packets drop`

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DnsData } from '../../src/model/evidence.js';
import type { Report } from '../../src/model/report.js';
import { CLI_PATH, cliEnv, describeRun, parseJsonOutput, type CliResult } from '../helpers/cli.js';
import { IP, assertPrerequisites, createNamespacePair, findProgram, type NamespacePair } from './helpers/netns.js';

const ADDR = { client: '10.24.0.2', custom: '10.24.0.53', azure: '10.24.0.54', answer: '10.24.1.1' } as const;
const NAMES = Array.from({ length: 3000 }, (_, i) => `dns://n${i}.pace.test`);

function dnsmasqConfig(dir: string, name: string, listen: string): string {
  return [
    'port=53', `listen-address=${listen}`, 'bind-interfaces', 'no-resolv', 'no-hosts', 'no-poll', 'user=root',
    `pid-file=${join(dir, `${name}.pid`)}`, `address=/pace.test/${ADDR.answer}`, 'cache-size=0', 'dns-forward-max=1000',
  ].join('\n') + '\n';
}

const NFT_RULES = `
table inet amlprobe_e2e_pace {
  counter azure_dropped {}
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr ${ADDR.azure} udp dport 53 limit rate over 1000/second burst 100 packets counter name "azure_dropped" drop
  }
}
`;

function runIn(ns: string, args: string[]): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(IP, ['netns', 'exec', ns, process.execPath, CLI_PATH, ...args], { env: cliEnv(), timeout: 60_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

const dnsOf = (data: unknown): DnsData => data as DnsData;

describe('e2e: Azure DNS pacing against nftables dropping beyond 1,000 queries/s (dnsmasq, nftables)', { timeout: 120_000 }, () => {
  let pair: NamespacePair | undefined;
  let dir: string | undefined;

  /** Packets the rule has dropped so far. */
  async function dropped(): Promise<number> {
    assert.ok(pair);
    const out = await pair.exec(pair.service, findProgram('nft') ?? 'nft', ['list', 'counter', 'inet', 'amlprobe_e2e_pace', 'azure_dropped']);
    const match = /packets (\d+)/.exec(out);
    assert.ok(match, out);
    return Number(match[1]);
  }

  before(async () => {
    assertPrerequisites([
      { program: 'ip', debianPackage: 'iproute2' },
      { program: 'ss', debianPackage: 'iproute2' },
      { program: 'dnsmasq', debianPackage: 'dnsmasq-base' },
      { program: 'nft', debianPackage: 'nftables' },
    ]);
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-e2e-pace-'));
    await writeFile(join(dir, 'custom.conf'), dnsmasqConfig(dir, 'custom', ADDR.custom));
    await writeFile(join(dir, 'azure.conf'), dnsmasqConfig(dir, 'azure', ADDR.azure));
    await writeFile(join(dir, 'rules.nft'), NFT_RULES);
    pair = await createNamespacePair({ clientAddress: `${ADDR.client}/24`, serviceAddresses: [`${ADDR.custom}/24`, `${ADDR.azure}/24`], clientRoutes: [] });
    const svc = pair.service;
    await pair.exec(svc, findProgram('nft') ?? 'nft', ['-f', join(dir, 'rules.nft')]);
    const dnsmasq = findProgram('dnsmasq') ?? 'dnsmasq';
    for (const [name, address] of [['custom', ADDR.custom], ['azure', ADDR.azure]] as const) {
      const daemon = pair.spawnDaemon(`dnsmasq (${name})`, svc, dnsmasq, ['--keep-in-foreground', '--log-facility=-', `--conf-file=${join(dir, `${name}.conf`)}`]);
      await pair.waitForListener(svc, 'udp', address, 53, daemon);
    }
  });
  after(async () => {
    await pair?.destroy();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('the control: asked as an ordinary server, unpaced, 3,000 names overrun the limit and the rule drops queries', async (t) => {
    assert.ok(pair);
    const before = await dropped();
    const run = await runIn(pair.client, ['check', ...NAMES, '--format', 'json', '--no-system-resolver', '--dns-server', ADDR.azure, '--timeout', '1s', '--deadline', '60s']);
    assert.ok(run.code === 0 || run.code === 1, describeRun(run));
    const lost = (await dropped()) - before;
    // Unpaced, the rate is what this machine sends (11,600 queries/s on a quiet one); a machine too
    // loaded to exceed the limit cannot show the drops.
    if (lost === 0) return t.skip('this machine did not send faster than the limit unpaced');
    const counts: Record<string, number> = {};
    for (const result of parseJsonOutput<Report>(run).results) counts[result.reason] = (counts[result.reason] ?? 0) + 1;
    t.diagnostic(`${lost} queries dropped; verdicts ${JSON.stringify(counts)} (every name exists: a dns_timeout is false)`);
    assert.ok(lost > 0);
  });

  it('asked as Azure DNS: paced by the plan, every answer from both servers right, nothing dropped', async () => {
    assert.ok(pair);
    const before = await dropped();
    const run = await runIn(pair.client, ['check', ...NAMES, '--format', 'json', '--no-system-resolver', '--dns-server', ADDR.custom, '--azure-dns-address', ADDR.azure, '--timeout', '1s', '--deadline', '60s']);
    assert.equal(run.code, 0, describeRun(run));
    const report = parseJsonOutput<Report>(run);
    assert.equal(report.results.length, NAMES.length);
    const wrong = report.results.filter((r) => r.reason !== 'ok' || dnsOf(r.checks[0]?.data).direct?.some((d) => d.reason !== 'ok') !== false);
    assert.deepEqual(wrong.slice(0, 3).map((r) => r.id), [], `${wrong.length} names with a wrong answer`);
    assert.equal((await dropped()) - before, 0, 'the rule dropped queries to Azure DNS');
    // 6,000 queries on the budget at 800/s: at least 7.4 s.
    assert.ok(run.ms >= 7000, `took ${run.ms} ms: not paced`);
  });
});
