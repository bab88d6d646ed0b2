// Causes and proof commands (issue 16): real runs of the CLI against loopback ports group their
// failures by the rule that fixes them and rank the causes by required endpoints unblocked; the
// table prints each failure's proof commands with --show-commands, and they run as printed; and
// every value in a command reaches the tool as literal text when sh reads it, whatever a name,
// path, server or proxy holds.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reproduceCommands } from '../src/causes/reproduce.js';
import { shellQuote } from '../src/causes/shell-quote.js';
import type { EndpointResult } from '../src/model/result.js';
import type { Report } from '../src/model/report.js';
import { describeRun, runCli } from './helpers/cli.js';
import { closedTcpPort } from './helpers/listeners.js';

/** Runs `script` with sh in `cwd`; never rejects. */
function sh(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], { cwd, encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('causes: failures grouped by their fix, ranked by required endpoints', () => {
  let dir: string;
  let report: Report;
  let table: string;
  const ports: number[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-causes-'));
    for (let i = 0; i < 3; i += 1) ports.push(await closedTcpPort());
    const required = await closedTcpPort('127.0.0.2');
    const config = join(dir, 'amlprobe.yaml');
    await writeFile(
      config,
      [
        'version: 1',
        'endpoints:',
        // Three optional ports on one host come first in the plan; one required port on another host.
        ...ports.map((port, i) => `  - { target: "tcp://127.0.0.1:${port}", id: optional-${i}, required: false }`),
        `  - { target: "tcp://127.0.0.2:${required}", id: required-one }`,
        '',
      ].join('\n'),
    );
    const out = join(dir, 'r.json');
    const txt = join(dir, 'r.txt');
    const run = await runCli(['run', '--config', config, '--no-system-resolver', '--timeout', '1s', '--show-commands', '-o', out, '-o', txt]);
    assert.equal(run.code, 1, describeRun(run));
    report = JSON.parse(await (await import('node:fs/promises')).readFile(out, 'utf8')) as Report;
    table = await (await import('node:fs/promises')).readFile(txt, 'utf8');
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('one cause per FQDN rule, the one with a required endpoint first though it has fewer', () => {
    const causes = report.causes ?? [];
    assert.deepEqual(
      causes.map((c) => ({ id: c.id, reason: c.reason, endpoints: c.endpoints, required: c.required })),
      [
        { id: 'blocked:fqdn 127.0.0.2 tcp', reason: 'tcp_refused', endpoints: ['required-one'], required: 1 },
        { id: 'blocked:fqdn 127.0.0.1 tcp', reason: 'tcp_refused', endpoints: ['optional-0', 'optional-1', 'optional-2'], required: 0 },
      ],
    );
    assert.match(causes[1]?.fix ?? '', new RegExp(`Allow TCP ${ports.join(', ')} to 127\\.0\\.0\\.1`));
  });

  it('the table opens with the causes and, with --show-commands, prints each failure\'s commands, which run as printed', async () => {
    assert.match(table, /^What to fix first \(2 causes\):\n {2}1\. TCP \d+ to 127\.0\.0\.2 is refused/);
    const commands = report.results.flatMap((r) => r.reproduce ?? []);
    assert.equal(commands.length, 4);
    for (const command of commands) {
      assert.match(command, /^nc -vz -w 1 127\.0\.0\.[12] \d+$/);
      assert.ok(table.includes(`    $ ${command}\n`), `the table lacks ${command}`);
      const ran = await sh(command, dir);
      assert.equal(ran.code, 1, `${command}: ${ran.stderr}`);
      assert.match(ran.stderr, /refused/, command);
    }
  });

  it('without --show-commands the table has no commands; the JSON still does', async () => {
    const run = await runCli(['check', `tcp://127.0.0.1:${ports[0] ?? 0}`, '--no-system-resolver', '--timeout', '1s']);
    assert.equal(run.code, 1, describeRun(run));
    assert.doesNotMatch(run.stdout, /\$ nc /);
    assert.match(run.stdout, /^What to fix first \(1 cause\):/);
    const json = await runCli(['check', `tcp://127.0.0.1:${ports[0] ?? 0}`, '--no-system-resolver', '--timeout', '1s', '--format', 'json']);
    assert.deepEqual((JSON.parse(json.stdout) as Report).results[0]?.reproduce, [`nc -vz -w 1 127.0.0.1 ${ports[0] ?? 0}`]);
  });
});

describe('proof commands are inert in a shell', () => {
  const hostile = `/a'b"c$(touch pwned-path)\`touch pwned-tick\`;touch pwned-semi&&x|y*?[z] $HOME\\`;
  const failedHttp = (proxy?: string): EndpointResult => ({
    id: 'web', host: 'web.test', port: 8443, protocol: 'https', path: hostile, required: true, address: '127.0.0.1',
    status: 'fail', layer: 'http', reason: 'http_status', message: 'HTTP 500', ms: 1,
    checks: [
      ...(proxy === undefined ? [] : [{ layer: 'tcp' as const, status: 'pass' as const, reason: 'ok' as const, ms: 1, message: '', data: { address: '10.0.0.3', port: 3128, proxy } }]),
      { layer: 'http', status: 'fail', reason: 'http_status', ms: 1, message: 'HTTP 500' },
    ],
  });
  const failedDns: EndpointResult = {
    id: 'dns', host: 'name.test', port: 0, protocol: 'dns', path: '', required: true, address: null,
    status: 'fail', layer: 'dns', reason: 'nxdomain', message: 'NXDOMAIN', ms: 1,
    checks: [{ layer: 'dns', status: 'fail', reason: 'nxdomain', ms: 1, message: 'NXDOMAIN', data: { name: "we'ird$(touch pwned-dns).test", authority: 'direct', addresses: [], direct: [{ server: '[fd00::53]:5353', transport: 'udp', rcode: 'NXDOMAIN', reason: 'nxdomain', message: '', cname: [], addresses: [], ms: 1 }] } }],
  };
  // Each tool is a shell function printing its arguments one per line: what the tool would receive.
  const stubs = ['dig', 'nc', 'curl', 'timeout', 'openssl'].map((tool) => `${tool}() { printf '%s\\n' ${tool} "$@"; }`).join('; ');

  const cases: { name: string; result: EndpointResult; words: string[] }[] = [
    {
      name: 'a path with quotes, $(...), backticks, ;, &&, |, globs and $HOME',
      result: failedHttp(),
      words: ['curl', '-v', '--max-time', '2', '--resolve', 'web.test:8443:127.0.0.1', `https://web.test:8443${hostile}`],
    },
    {
      name: 'the same through a proxy',
      result: failedHttp("http://pr'oxy$(touch pwned-proxy).test:3128"),
      words: ['curl', '-v', '--max-time', '2', '-x', "http://pr'oxy$(touch pwned-proxy).test:3128", `https://web.test:8443${hostile}`],
    },
    {
      name: 'a DNS name from the evidence and an IPv6 server with its port',
      result: failedDns,
      words: ['dig', '@fd00::53', '-p', '5353', "we'ird$(touch pwned-dns).test", 'A', '+norecurse'],
    },
  ];
  for (const c of cases) {
    it(`sh hands each word over as it was: ${c.name}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'amlprobe-quote-'));
      try {
        const [command] = reproduceCommands(c.result, { timeoutMs: 1500 });
        assert.ok(command !== undefined);
        const ran = await sh(`${stubs}; ${command}`, dir);
        assert.equal(ran.code, 0, ran.stderr);
        assert.deepEqual(ran.stdout.split('\n').slice(0, -1), c.words, command);
        for (const name of ['pwned-path', 'pwned-tick', 'pwned-semi', 'pwned-proxy', 'pwned-dns']) assert.equal(existsSync(join(dir, name)), false, `${name} was created: ${command}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('quotes only what needs it', () => {
    assert.equal(shellQuote('10.0.0.4:53'), '10.0.0.4:53');
    assert.equal(shellQuote('https://a.test:443/x'), 'https://a.test:443/x');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote('[fd00::1]:443'), "'[fd00::1]:443'");
  });
});
