// No route from here (issue 11, defect 1): the built CLI inside a network namespace whose only
// networks are lo and one /24 on a veth pair (both ends inside it, nothing routed out). A DNS server
// or UDP target outside that /24 (IPv4 ENETUNREACH), any IPv6 address but ::1 (ENETUNREACH), and
// the /24's broadcast address (EACCES) must each end in a report with a typed reason and exit 1,
// never a stack trace; `serve` must keep serving. Needs root and iproute2: it FAILS without them.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { cliEnv, CLI_PATH } from '../helpers/cli.js';
import type { Layer } from '../../src/model/endpoint.js';
import type { EndpointResult } from '../../src/model/result.js';
import type { Report } from '../../src/model/report.js';
import { assertPrerequisites, IP, run } from './helpers/netns.js';

const NS = `hd-unroute-${process.pid}`;
const VETH = `hdu${process.pid}`.slice(0, 13);
const BROADCAST = '10.77.0.255';
/** Outside every route of the namespace, as config/example.yaml's dnsServers on a host without a route to 10/8. */
const UNROUTED_V4 = '10.0.0.4';
const UNROUTED_V6 = 'fd00::53';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI inside the namespace; kills it after 20 s so a hang fails instead of stalling. */
function cliInNamespace(args: string[]): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(IP, ['netns', 'exec', NS, process.execPath, CLI_PATH, ...args], { env: cliEnv(), timeout: 20_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

function checkOf(result: EndpointResult, layer: Layer): EndpointResult['checks'][number] {
  const check = result.checks.find((c) => c.layer === layer);
  assert.ok(check, `no ${layer} layer: ${JSON.stringify(result.checks)}`);
  return check;
}

/** A report on stdout, exit 1, and no stack trace anywhere. */
function reportOf(outcome: Outcome): Report {
  const said = `exit ${outcome.code}\nstderr: ${outcome.stderr}\nstdout: ${outcome.stdout.slice(0, 3000)}`;
  assert.equal(outcome.code, 1, said);
  assert.doesNotMatch(outcome.stderr + outcome.stdout, /\n\s+at |ERR_SOCKET_BAD_PORT|RangeError/, said);
  return JSON.parse(outcome.stdout) as Report;
}

describe('unroutable DNS servers and UDP targets, in a network namespace', () => {
  before(async () => {
    assertPrerequisites([{ program: 'ip', debianPackage: 'iproute2' }]);
    await run(IP, ['netns', 'add', NS]);
    await run(IP, ['-n', NS, 'link', 'set', 'lo', 'up']);
    // Both ends inside the namespace: a /24 with a broadcast address, and no other route.
    await run(IP, ['link', 'add', `${VETH}a`, 'netns', NS, 'type', 'veth', 'peer', 'name', `${VETH}b`, 'netns', NS]);
    await run(IP, ['-n', NS, 'addr', 'add', '10.77.0.2/24', 'dev', `${VETH}a`]);
    await run(IP, ['-n', NS, 'link', 'set', `${VETH}a`, 'up']);
    await run(IP, ['-n', NS, 'link', 'set', `${VETH}b`, 'up']);
  });
  after(async () => {
    await run(IP, ['netns', 'del', NS]).catch(() => undefined);
  });

  for (const server of [UNROUTED_V4, `[${UNROUTED_V6}]`]) {
    it(`--dns-server ${server}: every name is dns_unreachable naming the server and ENETUNREACH`, async () => {
      const outcome = await cliInNamespace(['check', 'dns://a.example.test', 'tcp://b.example.test:443', '--dns-server', server, '--no-system-resolver', '--timeout', '1s', '--format', 'json']);
      const report = reportOf(outcome);
      assert.equal(report.results.length, 2);
      for (const result of report.results) {
        const dns = checkOf(result, 'dns');
        assert.equal(dns.reason, 'dns_unreachable', JSON.stringify(dns));
        assert.match(dns.detail ?? '', new RegExp(`${server.replace(/[[\]]/g, '\\$&')}:53 is unreachable from here: no route to the network \\(ENETUNREACH\\)`));
      }
      assert.equal(checkOf(report.results[1] as EndpointResult, 'tcp').reason, 'skipped');
      // No route is known at once: nothing waits for a timeout.
      assert.ok(outcome.ms < 5000, `took ${outcome.ms} ms`);
    });
  }

  it(`--dns-server ${BROADCAST} (the subnet's broadcast address): dns_error naming EACCES, not a usage error`, async () => {
    const report = reportOf(await cliInNamespace(['check', 'dns://a.example.test', '--dns-server', BROADCAST, '--no-system-resolver', '--timeout', '1s', '--format', 'json']));
    const dns = checkOf(report.results[0] as EndpointResult, 'dns');
    assert.equal(dns.reason, 'dns_error');
    assert.match(dns.message, /not sent: sending there is not permitted \(a broadcast address, or a local security policy\) \(EACCES\)/);
  });

  it('UDP targets: unreachable for no route (IPv4 and IPv6), udp_error naming EACCES for a broadcast address', async () => {
    const targets = [`udp://${UNROUTED_V4}:5831`, `udp://[${UNROUTED_V6}]:5831`, `udp://${BROADCAST}:5831`];
    const report = reportOf(await cliInNamespace(['check', ...targets, '--no-system-resolver', '--timeout', '1s', '--format', 'json']));
    const reasons = report.results.map((r) => [r.label, checkOf(r, 'udp').reason, checkOf(r, 'udp').message]);
    assert.deepEqual(reasons, [
      [targets[0], 'unreachable', 'network unreachable (ENETUNREACH)'],
      [targets[1], 'unreachable', 'network unreachable (ENETUNREACH)'],
      [targets[2], 'udp_error', 'sending not permitted (EACCES)'],
    ]);
  });

  it('serve with an unroutable --dns-server keeps running and reports dns_unreachable', async (t) => {
    const child = spawn(
      IP,
      ['netns', 'exec', NS, process.execPath, CLI_PATH, 'serve', '--listen', '127.0.0.1:0', '--interval', '200ms', '--timeout', '1s', '--dns-server', UNROUTED_V4, '--no-system-resolver', '--region', 'eastus'],
      { env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    t.after(() => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    });
    const url = await waitForLine(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], () => stderr);
    // Several runs later it is still there, and its report says why.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(child.exitCode, null, `serve exited: ${stderr}`);
    const body = await run(IP, ['netns', 'exec', NS, process.execPath, '-e', `fetch('${url}/report.json').then(r => r.text()).then(t => process.stdout.write(t))`]);
    const report = JSON.parse(body) as Report;
    const probed = report.results.filter((r) => r.checks[0]?.layer === 'dns' && !['needs_input', 'informational'].includes(r.checks[0].reason));
    assert.ok(probed.length > 5, `${probed.length} probed rows`);
    for (const result of probed) assert.equal(checkOf(result, 'dns').reason, 'dns_unreachable', JSON.stringify(result.checks[0]));
    assert.doesNotMatch(stderr, /\n\s+at |ERR_SOCKET_BAD_PORT/);
  });
});

async function waitForLine(find: () => string | undefined, said: () => string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve never said where it listens: ${said()}`);
}
