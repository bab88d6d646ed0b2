// End to end, issue 16: the proof commands amlprobe writes for each failure (dig, nc, openssl,
// curl, with -x through a proxy) are run as they are, by sh, inside the same client namespace
// against the same real servers (dnsmasq, nginx, nftables, tinyproxy), and must show the same
// fault amlprobe reported. And the causes group what shares a fix: two names under one unlinked
// privatelink zone are one cause. See test/e2e/README.md for the topology.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Reason } from '../../src/model/reason.js';
import type { EndpointResult } from '../../src/model/result.js';
import type { Report } from '../../src/model/report.js';
import { describeRun, parseJsonOutput } from '../helpers/cli.js';
import { assertPrerequisites, IP } from './helpers/netns.js';
import { ADDR, HOSTS, PROXY, startWorkspaceLab, type WorkspaceLab } from './helpers/workspace-lab.js';

/** One failure, and what its commands' output must show when run by hand. */
interface ProofCase {
  target: string;
  reason: Reason;
  /** The tools the commands must name. */
  tools: RegExp;
  /** The commands' exit code is 0 (dig reports a bad answer with exit 0) or not. */
  succeeds: boolean;
  /** What the tool's own output says, matching amlprobe's verdict. */
  shows: RegExp;
}

/** Runs `sh -c command` in the namespace; never rejects. */
function shellIn(ns: string, command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(IP, ['netns', 'exec', ns, 'sh', '-c', command], { timeout: 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

describe('e2e: proof commands reproduce the verdict, causes group the shared fix', { timeout: 90_000 }, () => {
  let lab: WorkspaceLab | undefined;
  const common = (): string[] => ['--format', 'json', '--no-system-resolver', '--dns-server', lab?.dnsServer ?? '', '--timeout', '1s'];

  before(async () => {
    // The tools the commands name, besides the lab's own (openssl): missing ones fail the suite.
    assertPrerequisites([
      { program: 'dig', debianPackage: 'dnsutils' },
      { program: 'nc', debianPackage: 'netcat-openbsd' },
      { program: 'curl', debianPackage: 'curl' },
      { program: 'timeout', debianPackage: 'coreutils' },
    ]);
    lab = await startWorkspaceLab();
  });
  after(async () => {
    await lab?.stop();
  });

  async function check(args: string[]): Promise<Report> {
    assert.ok(lab);
    const run = await lab.runAmlprobe(['check', ...args, ...common()]);
    assert.equal(run.code, 1, describeRun(run));
    return parseJsonOutput<Report>(run);
  }

  async function assertReproduces(result: EndpointResult, c: ProofCase): Promise<void> {
    assert.ok(lab);
    assert.equal(result.reason, c.reason, JSON.stringify(result, null, 2));
    const commands = result.reproduce ?? [];
    assert.ok(commands.length > 0, `${c.target}: no reproduce commands`);
    for (const command of commands) {
      assert.match(command, c.tools, `${c.target}: ${command}`);
      const ran = await shellIn(lab.pair.client, command);
      const said = `${c.target} (${c.reason}): $ ${command}\nexit ${ran.code}\n${ran.output}`;
      assert.equal(ran.code === 0, c.succeeds, said);
      assert.match(ran.output, c.shows, said);
    }
  }

  it('direct: dig, nc and openssl, run by sh in the client namespace, show what amlprobe reported', async () => {
    const cases: ProofCase[] = [
      { target: `dns://${HOSTS.blob}`, reason: 'public_ip', tools: /^dig @10\.20\.0\.53 \S+ A \+norecurse$/, succeeds: true, shows: new RegExp(`status: NOERROR[^]*${ADDR.public.replace(/\./g, '\\.')}`) },
      { target: `dns://${HOSTS.missing}`, reason: 'nxdomain', tools: /^dig @10\.20\.0\.53 /, succeeds: true, shows: /status: NXDOMAIN/ },
      { target: `tcp://${HOSTS.registry}:443`, reason: 'tcp_timeout', tools: /^nc -vz -w 1 10\.20\.0\.11 443$/, succeeds: false, shows: /timed out/ },
      { target: `tcp://${HOSTS.file}:443`, reason: 'tcp_refused', tools: /^nc -vz -w 1 10\.20\.0\.12 443$/, succeeds: false, shows: /refused/ },
      // OpenBSD nc -zu says nothing on an ICMP port unreachable: its exit code 1 is the proof (an open or silent port exits 0).
      { target: `udp://${HOSTS.tundra}:5831`, reason: 'udp_closed', tools: /^nc -vz -u -w 1 10\.20\.0\.13 5831$/, succeeds: false, shows: /^\s*$/ },
      { target: `https://${HOSTS.workspace}/`, reason: 'tls_untrusted', tools: /^timeout 1 openssl s_client -connect 10\.20\.0\.10:443 -servername /, succeeds: false, shows: /verify error|unable to get local issuer/i },
    ];
    // --expect-private makes the blob name's public answer a failure; without --ca-file the test CA is unknown.
    const report = await check([...cases.map((c) => c.target), '--expect-private']);
    for (const c of cases) {
      const result = report.results.find((r) => r.label === c.target);
      assert.ok(result, `no result for ${c.target}`);
      await assertReproduces(result, c);
    }
  });

  it('through tinyproxy: curl -x shows the proxy\'s 403, 407 and the closed proxy; dig shows the private name sent to it', async () => {
    const runs: { args: string[]; c: ProofCase }[] = [
      { args: [`https://${HOSTS.blob}/`, '--proxy', PROXY.filtering], c: { target: `https://${HOSTS.blob}/`, reason: 'proxy_denied', tools: /^curl -v --max-time 1 -x http:\/\/10\.20\.0\.30:3128 https:\/\//, succeeds: false, shows: /403/ } },
      { args: [`https://${HOSTS.blob}/`, '--proxy', PROXY.auth], c: { target: `https://${HOSTS.blob}/`, reason: 'proxy_auth_required', tools: /^curl .* -x http:\/\/10\.20\.0\.30:3129 /, succeeds: false, shows: /407/ } },
      { args: [`https://${HOSTS.blob}/`, '--proxy', PROXY.closed], c: { target: `https://${HOSTS.blob}/`, reason: 'proxy_unreachable', tools: /^curl .* -x http:\/\/10\.20\.0\.30:3130 /, succeeds: false, shows: /Failed to connect|refused/i } },
      // A private name sent to the proxy is decided at DNS (proxy_private_name, issue 14): dig shows the private answer.
      { args: [`tls://${HOSTS.workspace}:443`, '--proxy', PROXY.filtering], c: { target: `tls://${HOSTS.workspace}:443`, reason: 'proxy_private_name', tools: /^dig @10\.20\.0\.53 \S+ A \+norecurse$/, succeeds: true, shows: /status: NOERROR[^]*10\.20\.0\.10/ } },
    ];
    for (const { args, c } of runs) {
      const report = await check(args);
      const result = report.results.find((r) => r.label === c.target);
      assert.ok(result, `no result for ${c.target}`);
      await assertReproduces(result, c);
    }
  });

  it('two names under one unlinked privatelink zone are one cause, ranked above a single dropped port', async () => {
    const report = await check([`dns://${HOSTS.blob}`, `https://${HOSTS.blob2}/`, `tcp://${HOSTS.registry}:443`, '--expect-private']);
    const causes = report.causes ?? [];
    assert.equal(causes.length, 2, JSON.stringify(causes, null, 2));
    const [zone, dropped] = causes;
    assert.equal(zone?.id, 'zone-public:privatelink.blob.core.windows.net');
    assert.equal(zone?.reason, 'public_ip');
    assert.deepEqual(zone?.endpoints.sort(), report.results.filter((r) => r.reason === 'public_ip').map((r) => r.id).sort());
    assert.equal(zone?.endpoints.length, 2);
    assert.equal(zone?.required, 2);
    assert.match(zone?.fix ?? '', /Link privatelink\.blob\.core\.windows\.net to the VNet/);
    assert.equal(dropped?.reason, 'tcp_timeout');
    assert.deepEqual(dropped?.endpoints, [report.results.find((r) => r.reason === 'tcp_timeout')?.id]);
  });
});
