// `amlprobe diff` on two real reports: the CLI probes loopback servers twice, and between the runs
// the DNS server's answers change (other address, other CNAME chain, NXDOMAIN -> SERVFAIL), a TCP
// port closes, another opens, a UDP port closes, and one endpoint is swapped for another. The diff
// must name each change, match results by id, and exit 1 only for a new failure of a required
// endpoint. Bad inputs (missing file, not JSON, not a report, other schemaVersion) exit 2.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Change, ChangeKind, ReportDiff } from '../src/diff/compare.js';
import { describeRun, dnsFlags, parseJsonOutput, runCli } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer, Zone } from './helpers/dns-server.js';
import { closedTcpPort, startTcpServer, startUdpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';

/** A TCP listener on a given loopback port (the port that was closed during the first run). */
async function listenOn(port: number): Promise<Server> {
  const server = createServer((socket) => socket.on('error', () => undefined).resume());
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function configText(lines: string[]): string {
  return ['version: 1', 'endpoints:', ...lines.map((l) => `  - ${l}`)].join('\n') + '\n';
}

describe('cli: diff of two real runs', () => {
  let dir: string;
  let dns: TestDnsServer;
  let oldFile: string;
  let newFile: string;
  let healed: Server | undefined;
  let udp: Listener | undefined;
  const zone: Zone = {
    'moving.test': { kind: 'records', a: ['10.0.0.5'] },
    'chain.test': { kind: 'cname', target: 'chain.privatelink.test' },
    'chain.privatelink.test': { kind: 'records', a: ['10.0.0.7'] },
    'chain.other.test': { kind: 'records', a: ['10.0.0.7'] },
    'flaky.test': { kind: 'rcode', rcode: 'NXDOMAIN' },
    'gone.test': { kind: 'records', a: ['10.0.0.9'] },
    'fresh.test': { kind: 'records', a: ['10.0.0.10'] },
    'steady.test': { kind: 'records', a: ['10.0.0.11'] },
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-diff-'));
    dns = await startDnsServer(zone);
    const closing = await startTcpServer();
    const healedPort = await closedTcpPort();
    udp = await startUdpServer('silent');
    const shared = [
      '{ id: moving, target: "dns://moving.test" }',
      '{ id: chain, target: "dns://chain.test" }',
      '{ id: flaky, target: "dns://flaky.test" }',
      '{ id: steady, target: "dns://steady.test" }',
      `{ id: closing, target: "tcp://127.0.0.1:${closing.port}" }`,
      `{ id: healed, target: "tcp://127.0.0.1:${healedPort}" }`,
      `{ id: udp-optional, target: "udp://127.0.0.1:${udp.port}", required: false }`,
    ];
    const probe = async (name: string, extra: string): Promise<string> => {
      const config = join(dir, `${name}.yaml`);
      const output = join(dir, `${name}.json`);
      await writeFile(config, configText([...shared, extra]));
      const run = await runCli(['run', '--config', config, ...dnsFlags(dns), '--timeout', '500ms', '--format', 'json', '--output', output]);
      assert.equal(run.code, 1, describeRun(run));
      return output;
    };
    oldFile = await probe('old', '{ id: gone, target: "dns://gone.test" }');

    // Between the runs: the network changes.
    zone['moving.test'] = { kind: 'records', a: ['10.0.0.6'] };
    zone['chain.test'] = { kind: 'cname', target: 'chain.other.test' };
    zone['flaky.test'] = { kind: 'rcode', rcode: 'SERVFAIL' };
    await closing.close();
    healed = await listenOn(healedPort);
    await udp.close();
    udp = undefined;

    newFile = await probe('new', '{ id: fresh, target: "dns://fresh.test" }');
  });
  after(async () => {
    if (healed) await new Promise<void>((resolve) => healed?.close(() => resolve()));
    await udp?.close();
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function diffJson(a: string, b: string, code: number): Promise<ReportDiff> {
    const run = await runCli(['diff', a, b, '--format', 'json'], { offline: true });
    assert.equal(run.code, code, describeRun(run));
    return parseJsonOutput<ReportDiff>(run);
  }

  function only(diff: ReportDiff, key: string): Change[] {
    return diff.changes.filter((c) => c.key === key);
  }

  const forward: { case: string; key: string; kinds: ChangeKind[]; check?: (c: Change) => void }[] = [
    {
      case: 'a name that resolves to another address',
      key: 'moving',
      kinds: ['dns_changed'],
      check: (c) => {
        assert.deepEqual(c.before?.addresses, ['10.0.0.5']);
        assert.deepEqual(c.after?.addresses, ['10.0.0.6']);
      },
    },
    {
      case: 'another CNAME chain, same address',
      key: 'chain',
      kinds: ['dns_changed'],
      check: (c) => {
        assert.deepEqual(c.before?.cname, ['chain.test', 'chain.privatelink.test']);
        assert.deepEqual(c.after?.cname, ['chain.test', 'chain.other.test']);
      },
    },
    { case: 'NXDOMAIN -> SERVFAIL is a reason change', key: 'flaky', kinds: ['reason_changed'], check: (c) => assert.equal(c.after?.reason, 'servfail') },
    { case: 'a port that closed is a new failure', key: 'closing', kinds: ['new_failure'], check: (c) => assert.equal(c.after?.reason, 'tcp_refused') },
    { case: 'a port that opened is fixed', key: 'healed', kinds: ['fixed'], check: (c) => assert.equal(c.before?.reason, 'tcp_refused') },
    {
      case: 'warn -> fail of an optional endpoint is a new failure',
      key: 'udp-optional',
      kinds: ['new_failure'],
      check: (c) => {
        assert.equal(c.before?.status, 'warn');
        assert.equal(c.after?.reason, 'udp_closed');
        assert.equal(c.required, false);
      },
    },
    { case: 'an endpoint only in the old report is removed', key: 'gone', kinds: ['removed'] },
    { case: 'an endpoint only in the new report is added', key: 'fresh', kinds: ['added'] },
    { case: 'an unchanged endpoint is not listed', key: 'steady', kinds: [] },
  ];

  describe('old -> new', () => {
    let diff: ReportDiff;
    before(async () => {
      diff = await diffJson(oldFile, newFile, 1);
    });
    for (const c of forward) {
      it(c.case, () => {
        const changes = only(diff, c.key);
        assert.deepEqual(changes.map((x) => x.kind), c.kinds, JSON.stringify(changes));
        if (c.check && changes[0]) c.check(changes[0]);
      });
    }
    it('counts one new required failure (the optional one does not count)', () => {
      assert.equal(diff.newRequiredFailures, 1);
      assert.equal(diff.unchanged, 1);
    });
  });

  it('new -> old: reversed verdicts, fail -> warn is a status change', async () => {
    const diff = await diffJson(newFile, oldFile, 1);
    assert.deepEqual(only(diff, 'closing').map((c) => c.kind), ['fixed']);
    assert.deepEqual(only(diff, 'healed').map((c) => c.kind), ['new_failure']);
    assert.deepEqual(only(diff, 'udp-optional').map((c) => c.kind), ['status_changed']);
    assert.deepEqual(only(diff, 'gone').map((c) => c.kind), ['added']);
    assert.deepEqual(only(diff, 'fresh').map((c) => c.kind), ['removed']);
  });

  it('a report against itself: no changes, exit 0', async () => {
    const diff = await diffJson(oldFile, oldFile, 0);
    assert.deepEqual(diff.changes, []);
    assert.equal(diff.newRequiredFailures, 0);
  });

  it('table and markdown list the changes by kind', async () => {
    const table = await runCli(['diff', oldFile, newFile], { offline: true });
    assert.equal(table.code, 1, describeRun(table));
    assert.match(table.stdout, /\nNew failures \(2\):\n {2}closing \(tcp:\/\/127\.0\.0\.1:\d+\): pass ok -> fail tcp_refused: /);
    assert.match(table.stdout, /\n {2}udp-optional \(udp:\/\/127\.0\.0\.1:\d+\) \[optional\]: warn udp_open_or_filtered -> fail udp_closed/);
    assert.match(table.stdout, /\nFixed \(1\):\n {2}healed \(tcp:\/\/127\.0\.0\.1:\d+\): fail tcp_refused -> pass ok\n/);
    assert.match(table.stdout, /\nDNS answer changes \(2\):\n/);
    assert.match(table.stdout, /moving \(dns:\/\/moving\.test\): resolved to 10\.0\.0\.5, now 10\.0\.0\.6/);
    assert.match(table.stdout, /\n1 unchanged\. 1 required endpoint newly fails\.\n$/);
    const markdown = await runCli(['diff', oldFile, newFile, '--format', 'markdown'], { offline: true });
    assert.equal(markdown.code, 1);
    assert.match(markdown.stdout, /^# amlprobe diff\n/);
    assert.match(markdown.stdout, /\n## New failures \(2\)\n\n- \*\*closing \(tcp:\/\/127\.0\.0\.1:\d+\)\*\*: pass ok -> fail tcp_refused/);
    assert.match(markdown.stdout, /\n## Endpoints removed \(1\)\n\n- \*\*gone \(dns:\/\/gone\.test\)\*\*/);
  });

  describe('bad input exits 2 with a clear message', { concurrency: true }, () => {
    type Loose = any;
    /** The DNS evidence of the first result that has addresses. */
    const dnsOf = (r: Loose): Loose => r.results.map((x: Loose) => x.checks[0]?.data).find((d: Loose) => d?.addresses?.length > 0 && Array.isArray(d.direct));
    const cases: { case: string; content?: string; mutate?: (report: Loose) => void; args?: (good: string, bad: string) => string[]; message: RegExp }[] = [
      { case: 'missing file', args: (good) => ['diff', good, join(dir, 'nope.json')], message: /cannot read the new report '.*nope\.json': no such file/ },
      { case: 'not JSON', content: '<testsuites/>', message: /the new report '.*' is not JSON/ },
      { case: 'JSON but not a report', content: '{"hello": "world"}', message: /not an amlprobe report/ },
      { case: 'a JSON list', content: '[]', message: /not an object/ },
      { case: 'a result without id', content: JSON.stringify({ schemaVersion: 1, tool: { name: 'amlprobe', version: '0' }, startedAt: 'x', results: [{ status: 'pass' }] }), message: /results\[0\]\.id is missing, expected a non-empty string/ },
      // A real report, hand-broken: each was a TypeError inside the comparison (exit 3) before.
      { case: 'checks not a list', mutate: (r) => void (r.results[0].checks = 'dns ok'), message: /results\[0\]\.checks is a string \("dns ok"\), expected a list/ },
      { case: 'an address of the wrong type', mutate: (r) => void (dnsOf(r).addresses[0].address = [[10, 0, 0, 5]]), message: /results\[\d+\]\.checks\[0\]\.data\.addresses\[0\]\.address is a list, expected a string/ },
      { case: 'a CNAME record that is not an object', mutate: (r) => void dnsOf(r).direct.push({ reason: 'ok', cname: [7] }), message: /data\.direct\[\d+\]\.cname\[0\] is a number \(7\), expected an object/ },
      { case: 'required not a boolean', mutate: (r) => void (r.results[1].required = 'yes'), message: /results\[1\]\.required is a string \("yes"\), expected true or false/ },
      { case: 'nested 10,000 deep', content: `{"tool":{"name":"amlprobe"},"schemaVersion":1,"results":${'['.repeat(10000)}${']'.repeat(10000)}}`, message: /nests lists and objects more than 64 levels deep \(line 1\)/ },
      { case: 'another schemaVersion', content: 'SCHEMA99', message: /has schemaVersion 99; this amlprobe reads schemaVersion 1/ },
      { case: 'one file only', args: (good) => ['diff', good], message: /'diff' takes exactly two JSON reports \(got 1\)/ },
      { case: 'unknown format', args: (good) => ['diff', good, good, '--format', 'junit'], message: /unknown format 'junit' for diff; use one of: table, json, markdown/ },
    ];
    for (const c of cases) {
      it(c.case, async () => {
        const bad = join(dir, `bad-${c.case.replace(/\W+/g, '-')}.json`);
        if (c.mutate !== undefined) {
          const report = JSON.parse(await readFile(oldFile, 'utf8')) as Loose;
          c.mutate(report);
          await writeFile(bad, JSON.stringify(report));
        }
        if (c.content !== undefined) {
          const text = c.content === 'SCHEMA99' ? (await readFile(oldFile, 'utf8')).replace('"schemaVersion": 1', '"schemaVersion": 99') : c.content;
          await writeFile(bad, text);
        }
        const args = c.args ? c.args(oldFile, bad) : ['diff', oldFile, bad];
        const run = await runCli(args, { offline: true });
        assert.equal(run.code, 2, describeRun(run));
        assert.match(run.stderr, c.message);
        assert.equal(run.stdout, '');
      });
    }
  });
});
