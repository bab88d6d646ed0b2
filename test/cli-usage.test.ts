// Every kind of bad input, as a user types it: exit 2, stdout empty, stderr one paragraph that
// starts "amlprobe: error:", names the bad value and carries no stack trace; and nothing probed.
// Also --version and --help, whose flag list is checked against the OPTIONS table of src/cli/options.ts
// so that the help can never forget a flag (test/cli-help.test.ts checks each command's help).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeRun, REPO_ROOT, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { closedUdpPort, startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';

/** Asserts the shape every usage error shares, then that the message matches each pattern. */
function assertUsageError(run: CliResult, patterns: RegExp[]): void {
  const where = describeRun(run);
  assert.equal(run.code, 2, where);
  assert.equal(run.stdout, '', `stdout stays empty on a usage error\n${where}`);
  assert.match(run.stderr, /^amlprobe: error: /, where);
  assert.doesNotMatch(run.stderr, /\n\s+at /, `no stack trace\n${where}`);
  assert.doesNotMatch(run.stderr, /internal error/, where);
  assert.ok(run.stderr.endsWith('\n') && !run.stderr.trimEnd().includes('\n\n'), `one paragraph\n${where}`);
  for (const pattern of patterns) assert.match(run.stderr, pattern, where);
}

/** A bad-input case: the arguments (a function when they need the servers) and what the message must say. */
interface UsageCase {
  case: string;
  args: () => string[];
  /** Patterns the message must match (a function when they quote a server's port). */
  says: RegExp[] | (() => RegExp[]);
  /** Variables for the child's environment. */
  env?: Record<string, string>;
}

// Four children at a time: enough to overlap node's start-up, few enough not to starve the test
// files that run beside this one (some of them time network answers).
describe('cli: bad input exits 2 with one clear paragraph', { concurrency: 4 }, () => {
  let dns: TestDnsServer;
  let notDns: TestDnsServer;
  let closedPort: number;
  let dir: string;
  before(async () => {
    // Knows no name: any query for a name (rather than the "." pre-flight) means a probe started.
    dns = await startDnsServer({});
    notDns = await startDnsServer({ '.': { kind: 'garbage' } });
    closedPort = await closedUdpPort();
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-cli-usage-'));
    await writeFile(join(dir, 'broken.yaml'), 'version: 1\nscenarios: [studio, compute\nendpoints: []\n');
    await writeFile(join(dir, 'unknown-key.yaml'), 'version: 1\nsetings:\n  timeout: 1s\n');
    await writeFile(join(dir, 'unknown-nested.yaml'), 'version: 1\nsettings:\n  timout: 1s\n');
  });
  after(async () => {
    await dns?.close();
    await notDns?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Flags that keep any name on the test server; with them a bug could only ever reach loopback. */
  const local = (): string[] => ['--no-system-resolver', '--dns-server', dns.server, '--timeout', '2s'];

  const cases: UsageCase[] = [
    { case: 'unknown command', args: () => ['frobnicate'], says: [/unknown command 'frobnicate'/, /Commands: run, check, catalog/] },
    { case: 'unknown command close to a real one', args: () => ['chekc'], says: [/'chekc'/, /Did you mean 'check'\?/] },
    { case: 'a target without "check"', args: () => ['tcp://x.test:1'], says: [/unknown command 'tcp:\/\/x\.test:1'/, /'amlprobe check tcp:\/\/x\.test:1'/] },
    { case: 'unknown option', args: () => ['check', '--timout', '1s', 'tcp://127.0.0.1:1', ...local()], says: [/unknown option '--timout'/, /Did you mean '--timeout'\?/] },
    { case: 'missing option value (last)', args: () => ['check', 'tcp://127.0.0.1:1', ...local(), '--deadline'], says: [/option '--deadline' needs a value/] },
    { case: 'missing option value (short form)', args: () => ['check', 'tcp://127.0.0.1:1', ...local(), '-t'], says: [/option '--timeout' needs a value/] },
    { case: 'missing option value (another flag follows)', args: () => ['check', '--format', '--no-system-resolver', 'tcp://127.0.0.1:1'], says: [/option '--format' needs a value/] },
    { case: 'a value for a flag that takes none', args: () => ['check', 'tcp://127.0.0.1:1', '--no-color=yes', ...local()], says: [/option '--no-color' takes no value/] },
    { case: 'target scheme that does not exist', args: () => ['check', 'ftp://files.test:21', ...local()], says: [/'ftp:\/\/files\.test:21'/, /unknown scheme 'ftp'/, /tcp, udp, tls/] },
    { case: 'bad host name', args: () => ['check', 'tcp://bad_host!.test:443', ...local()], says: [/bad_host!/] },
    { case: 'port out of range', args: () => ['check', 'tcp://127.0.0.1:70000', ...local()], says: [/port 70000 is out of range 1-65535/] },
    { case: 'bad CIDR', args: () => ['check', 'tcp://127.0.0.1:1', '--private-cidr', '10.0.0.0/33', ...local()], says: [/--private-cidr '10\.0\.0\.0\/33'/, /0-32/] },
    { case: 'bad duration', args: () => ['check', 'tcp://127.0.0.1:1', '--no-system-resolver', '--timeout', '3x'], says: [/--timeout '3x'/, /ms, s and m/] },
    // `--timeout 3` was 3 ms: every probe timed out at once, silently.
    { case: 'a number alone as a duration', args: () => ['check', 'tcp://127.0.0.1:1', '--no-system-resolver', '--timeout', '3'], says: [/--timeout '3': a number alone has no unit: did you mean 3s \(3000ms\) or 3ms\?/] },
    { case: 'a negative duration', args: () => ['check', 'tcp://127.0.0.1:1', '--no-system-resolver', '--timeout', '-1s'], says: [/--timeout '-1s': a duration cannot be negative/] },
    { case: 'a negative duration (short flag)', args: () => ['check', 'tcp://127.0.0.1:1', '--no-system-resolver', '-t', '-1s'], says: [/--timeout '-1s': a duration cannot be negative/] },
    {
      case: '--deadline shorter than --timeout',
      args: () => ['check', 'tcp://127.0.0.1:1', '--no-system-resolver', '--timeout', '5s', '--deadline', '700ms'],
      says: [/deadline \(700 ms\)/, /timeout \(5000 ms\)/, /Raise --deadline or lower --timeout/],
    },
    { case: '--concurrency 0', args: () => ['check', 'tcp://127.0.0.1:1', '--concurrency', '0', ...local()], says: [/--concurrency/, /'0'/] },
    { case: '--dns-server that is not an IP', args: () => ['check', 'dns://a.test', '--no-system-resolver', '--dns-server', 'dns.corp.test'], says: [/--dns-server 'dns\.corp\.test'/, /not an IP address/] },
    {
      case: '--dns-server on a closed UDP port',
      args: () => ['check', 'dns://a.test', '--no-system-resolver', '--dns-server', `127.0.0.1:${closedPort}`, '--timeout', '500ms'],
      says: () => [new RegExp(`127\\.0\\.0\\.1:${closedPort} is unreachable`)],
    },
    {
      case: '--dns-server that answers garbage',
      args: () => ['check', 'dns://a.test', '--no-system-resolver', '--dns-server', notDns.server, '--timeout', '500ms'],
      says: () => [new RegExp(`${notDns.server.replace(/\./g, '\\.')} is not a DNS server`)],
    },
    { case: 'malformed YAML config', args: () => ['--config', join(dir, 'broken.yaml'), ...local()], says: [/broken\.yaml:[2-4]:\d+: YAML/] },
    { case: 'config with an unknown key', args: () => ['--config', join(dir, 'unknown-key.yaml'), ...local()], says: [/unknown-key\.yaml:2:1:/, /'setings'/, /did you mean 'settings'\?/] },
    { case: 'config with an unknown nested key', args: () => ['--config', join(dir, 'unknown-nested.yaml'), ...local()], says: [/unknown-nested\.yaml:3:3:/, /'timout'/, /did you mean 'timeout'\?/] },
    { case: 'missing config file', args: () => ['--config', join(dir, 'absent.yaml'), ...local()], says: [/absent\.yaml/, /no such file/] },
    { case: '--format nonsense (check)', args: () => ['check', 'tcp://127.0.0.1:1', '--format', 'nonsense', ...local()], says: [/--format/, /'nonsense'/, /table, json/] },
    { case: '--format nonsense (catalog)', args: () => ['catalog', '--format', 'nonsense'], says: [/'nonsense'/, /csv/] },
    { case: '--ca-file missing', args: () => ['check', 'tls://127.0.0.1:1', '--ca-file', join(dir, 'missing-ca.pem'), ...local()], says: [/^amlprobe: error: --ca-file: cannot read CA file .*missing-ca\.pem/, /no such file/] },
    { case: 'a flag the command does not read (check --scenario)', args: () => ['check', 'tcp://127.0.0.1:1', '--scenario', 'studio', ...local()], says: [/--scenario: not an option of 'check' \(it belongs to 'run'/, /--config gives it settings/] },
    { case: 'a flag the command does not read (catalog --timeout)', args: () => ['catalog', '--timeout', '2s'], says: [/--timeout: not an option of 'catalog'/, /Options of 'catalog': --format/] },
    { case: 'a flag the command does not read (run --listen)', args: () => ['--listen', '127.0.0.1:9000', ...local()], says: [/--listen: not an option of 'run' \(it belongs to 'serve'\)/] },
    { case: '"check" with no target', args: () => ['check', ...local()], says: [/'check' needs at least one target/] },
    { case: 'unknown --scenario (run)', args: () => ['--scenario', 'studo', ...local()], says: [/unknown scenario 'studo'/, /did you mean 'studio'\?/] },
    { case: 'unknown --scenario (catalog)', args: () => ['catalog', '--scenario', 'studo'], says: [/unknown scenario 'studo'/, /did you mean 'studio'\?/] },
    { case: 'bad --workspace-id', args: () => ['--workspace-id', 'not-a-guid', ...local()], says: [/--workspace-id/, /'not-a-guid'/, /GUID/] },
    { case: 'unknown --cloud', args: () => ['catalog', '--cloud', 'mars'], says: [/'mars'/, /public/] },
    { case: 'misspelt --region (run)', args: () => ['--region', 'eastuss', ...local()], says: [/^amlprobe: error: --region: 'eastuss' is not a region of any Azure cloud; did you mean 'eastus'\?/] },
    { case: 'a region of another cloud (catalog)', args: () => ['catalog', '--cloud', 'usgov', '--region', 'chinaeast2'], says: [/--region: 'chinaeast2' is a region of Azure operated by 21Vianet \(China\), not of Azure US Government/] },
    { case: '"catalog" with an argument', args: () => ['catalog', 'studio'], says: [/'catalog' takes no arguments, got 'studio'/] },
    {
      case: '--output into a missing directory (before any probe)',
      args: () => ['check', 'tcp://never-resolved.test:443', '--output', join(dir, 'no-such-dir', 'report.json'), ...local()],
      says: [/--output/, /no-such-dir/, /does not exist/],
    },
    { case: '--output with an empty name', args: () => ['check', 'tcp://127.0.0.1:1', '--output', '', ...local()], says: [/--output/, /file name is empty/] },
    { case: '--output naming a directory', args: () => ['check', 'tcp://127.0.0.1:1', '--output', dir, ...local()], says: [/--output/, /is a directory/] },
    { case: '--proxy with a path', args: () => ['check', 'tcp://127.0.0.1:1', '--proxy', 'http://proxy.invalid:3128/x', ...local()], says: [/^amlprobe: error: --proxy 'http:\/\/proxy\.invalid:3128': a proxy URL has no path/] },
    {
      case: 'https_proxy in the environment that is not http://',
      args: () => ['check', 'tcp://127.0.0.1:1', ...local()],
      env: { https_proxy: 'https://alice:s3cret@proxy.invalid:3128' },
      says: [/^amlprobe: error: https_proxy 'https:\/\/proxy\.invalid:3128': only http:\/\/ forward proxies/, /^(?![\s\S]*s3cret)/],
    },
  ];

  for (const c of cases) {
    it(c.case, async () => {
      const args = c.args();
      const run = await runCli(args, { offline: !args.includes('--no-system-resolver'), ...(c.env ? { env: c.env } : {}) });
      assertUsageError(run, typeof c.says === 'function' ? c.says() : c.says);
      const named = dns.queries.filter((q) => q.name !== '.' && q.name !== '');
      assert.deepEqual(named, [], 'a usage error is found before any name is resolved');
    });
  }
});

/** The long flag names of the OPTIONS table in src/cli/options.ts, read from the source text. */
function optionsInSource(): { long: string[]; short: string[] } {
  const source = readFileSync(join(REPO_ROOT, 'src', 'cli', 'options.ts'), 'utf8');
  const table = /export const OPTIONS = \{([\s\S]*?)\n\} as const/.exec(source)?.[1];
  assert.ok(table, 'the OPTIONS table is found in src/cli/options.ts');
  const long = [...table.matchAll(/^ {2}'?([a-z][a-z-]*)'?: \{/gm)].map((m) => m[1] ?? '');
  const short = [...table.matchAll(/short: '([A-Za-z])'/g)].map((m) => m[1] ?? '');
  return { long, short };
}

describe('cli: --version and --help', { concurrency: 4 }, () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

  for (const args of [['--version'], ['-V'], ['version']]) {
    it(`${args.join(' ')} prints the package.json version`, async () => {
      const run = await runCli(args, { offline: true });
      assert.equal(run.code, 0, describeRun(run));
      assert.equal(run.stdout, `${pkg.version}\n`);
      assert.equal(run.stderr, '');
    });
  }

  it('--help and the help of each command together list every flag of the OPTIONS table', async () => {
    const commands = ['run', 'check', 'catalog', 'lab', 'serve', 'healthcheck', 'diff', 'init', 'completion'];
    const runs = await Promise.all([['--help'], ...commands.map((c) => ['help', c])].map((args) => runCli(args, { offline: true })));
    for (const run of runs) {
      assert.equal(run.code, 0, describeRun(run));
      assert.equal(run.stderr, '');
    }
    const all = runs.map((r) => r.stdout).join('\n');
    const { long, short } = optionsInSource();
    assert.ok(long.length >= 20, `found ${long.length} options in the source`);
    // --token is in the table only to be refused; the help names it only to say so.
    const missing = long.filter((name) => !new RegExp(`--${name}(?![a-z-])`).test(all));
    assert.deepEqual(missing, [], 'flags missing from every help');
    const missingShort = short.filter((letter) => !new RegExp(`(^|[\\s,|])-${letter}[\\s,]`, 'm').test(all));
    assert.deepEqual(missingShort, [], 'short flags missing from every help');
    const overview = runs[0]?.stdout ?? '';
    assert.match(overview, new RegExp(`amlprobe ${pkg.version.replace(/\./g, '\\.')}`));
    assert.match(overview, /Exit codes:/);
  });

  for (const args of [['help'], ['-h'], ['help', 'help'], ['version', '--help']]) {
    it(`${args.join(' ')} prints the same help as --help`, async () => {
      const [run, reference] = await Promise.all([runCli(args, { offline: true }), runCli(['--help'], { offline: true })]);
      assert.equal(run.code, 0, describeRun(run));
      assert.equal(run.stdout, reference.stdout);
    });
  }

  it("check --help prints check's help, as amlprobe help check does", async () => {
    const [run, reference, overview] = await Promise.all([runCli(['check', '--help'], { offline: true }), runCli(['help', 'check'], { offline: true }), runCli(['--help'], { offline: true })]);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, reference.stdout);
    assert.notEqual(run.stdout, overview.stdout);
  });
});
