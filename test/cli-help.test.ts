// The help of each command lists every option that command reads and nothing else, and the table
// that says so (src/cli/options.ts) is checked against what the commands really do: an option
// listed for a command changes or refuses something when given to it (a bad value is refused
// naming it, before any packet; a switch is read by code the command runs), and an option not
// listed is refused by the parser. `amlprobe help nosuchcommand` is a usage error.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pLimit from 'p-limit';
import { parseCommandLine } from '../src/cli/args.js';
import { OPTION_NAMES, OPTION_READERS, optionSpec, optionsAcceptedBy, optionsReadBy, REFUSED_BY_COMMAND, type OptionName, type OptionReader } from '../src/cli/options.js';
import { describeRun, runCli, type CliResult } from './helpers/cli.js';
import { reachableFrom, sourceFiles } from './helpers/import-graph.js';

/** The options a help text lists as entries ("  -c, --config FILE  ..."), not those its prose mentions. */
function listedOptions(help: string): { name: string; short: string | undefined }[] {
  return [...help.matchAll(/^ {2}(?:-([A-Za-z]), | {4})--([a-z][a-z-]*)(?= |$)/gm)].map((m) => ({ name: m[2] ?? '', short: m[1] }));
}

const shown = (names: readonly OptionName[]): OptionName[] => names.filter((name) => optionSpec(name).hidden !== true);

/** Arguments a command needs besides options to get as far as reading them. */
const POSITIONALS: Record<OptionReader, string[]> = {
  run: [], check: ['tcp://127.0.0.1:9'], catalog: [], lab: [], serve: [], healthcheck: [], diff: ['old-hh.json', 'new-hh.json'],
  init: ['-'], completion: ['bash'],
};

/** Commands that would send packets if they got past their options: they get --no-system-resolver. */
const PROBING: ReadonlySet<OptionReader> = new Set(['run', 'check', 'serve', 'healthcheck']);

/** Commands that plan with run's code. */
const PLAN_SHARED: ReadonlySet<OptionReader> = new Set(['serve', 'healthcheck']);

/** A value each string option refuses, before any packet. */
const BAD_VALUE: Partial<Record<OptionName, string>> = {
  format: 'nosuchformat', output: '/nonexistent-hh/report.json', config: '/nonexistent-hh/amlprobe.yaml', timeout: 'soon',
  deadline: 'later', concurrency: '0', 'dns-server': 'dns.corp.invalid', 'azure-dns-address': 'azure.dns.invalid',
  'private-cidr': '10.0.0.0/33', 'ca-file': '/nonexistent-hh/ca.pem', proxy: 'ftp://proxy.invalid', 'private-endpoints-json': '/nonexistent-hh/pe.json', 'private-dependency': 'storgae', 'public-dependency': 'keyvalt',
  'expect-blocked': 'ftp://canary.invalid', 'managed-network': 'closed-network',
  scenario: 'nosuchscenario', cloud: 'mars', region: 'not a region', 'workspace-name': 'bad name!', 'workspace-id': 'not-a-guid',
  'storage-account': 'Bad_Account!', 'key-vault': 'bad vault!', 'container-registry': 'bad registry!', 'compute-instance': 'bad ci!',
  registry: 'bad registry!', 'registry-storage-account': 'Bad_Account!', 'registry-acr': 'bad acr!', 'workspace-json': '/nonexistent-hh/ws.json', 'token-file': '/nonexistent-hh/token', interval: 'often',
  listen: 'nowhere', 'serve-state': '',
};

/** About seventy runs of the CLI: three at a time, so that they neither time out nor starve the timing-sensitive test files that run beside this one. */
const pool = pLimit(3);

/** Where each command's code starts (lab's options are read for it by cli/plan-options.ts). */
const ENTRY: Record<OptionReader, string | readonly string[]> = {
  run: 'cli/run-command.ts', check: 'cli/check-command.ts', catalog: 'cli/catalog-command.ts', lab: ['lab/lab-command.ts', 'cli/plan-options.ts'],
  serve: 'cli/serve-command.ts', healthcheck: 'cli/healthcheck-command.ts', diff: 'cli/diff-command.ts',
  init: 'cli/init-command.ts', completion: 'cli/completion.ts',
};

function assertUsageError(run: CliResult, pattern: RegExp): void {
  const where = describeRun(run);
  assert.equal(run.code, 2, where);
  assert.equal(run.stdout, '', where);
  assert.match(run.stderr, /^amlprobe: error: /, where);
  assert.ok(run.stderr.endsWith('\n') && !run.stderr.trimEnd().includes('\n'), `one paragraph\n${where}`);
  assert.doesNotMatch(run.stderr, /\n\s+at /, where);
  assert.match(run.stderr, pattern, where);
}

describe('cli: help per command', { concurrency: 8 }, () => {
  for (const command of OPTION_READERS) {
    it(`help ${command} lists exactly the options ${command} reads, as ${command} --help and -h do`, async () => {
      const [help, long, short] = await Promise.all([['help', command], [command, '--help'], [command, '-h']].map((args) => runCli(args, { offline: true })));
      assert.ok(help && long && short);
      assert.equal(help.code, 0, describeRun(help));
      assert.equal(help.stderr, '');
      assert.equal(long.stdout, help.stdout);
      assert.equal(short.stdout, help.stdout);
      const listed = listedOptions(help.stdout);
      assert.deepEqual(listed.map((o) => o.name).sort(), shown(optionsReadBy(command)).sort());
      for (const option of listed) assert.equal(option.short, optionSpec(option.name as OptionName).short, `--${option.name}'s short form`);
      assert.match(help.stdout, /^Exit codes:$/m);
    });
  }

  it('--help lists every command and only options most commands read', async () => {
    const run = await runCli(['--help'], { offline: true });
    assert.equal(run.code, 0, describeRun(run));
    for (const command of OPTION_READERS) assert.match(run.stdout, new RegExp(`^ {2}amlprobe (\\[${command}\\]|${command}) `, 'm'), command);
    const listed = listedOptions(run.stdout).map((o) => o.name as OptionName);
    assert.ok(listed.includes('format') && listed.includes('help'), listed.join(' '));
    for (const name of listed) assert.ok(optionSpec(name).global === true || optionSpec(name).readBy.length >= 5, `--${name} is read by few commands`);
  });

  for (const [args, pattern] of [
    [['help', 'nosuchcommand'], /no help for 'nosuchcommand': it is not a command\. Commands: run, check/],
    [['help', 'chek'], /Did you mean 'check'\?/],
    [['help', 'check', 'run'], /'help' takes one command/],
    [['nosuchcommand', '--help'], /unknown command 'nosuchcommand'/],
  ] as const) {
    it(`${args.join(' ')} is a usage error`, async () => {
      assertUsageError(await runCli([...args], { offline: true }), pattern);
    });
  }
});

describe('cli: the options table against the commands', { concurrency: 8 }, () => {
  it('the parser refuses every option a command neither reads, refuses itself nor accepts everywhere', () => {
    for (const command of OPTION_READERS) {
      for (const name of shown(OPTION_NAMES).filter((n) => n !== 'help' && n !== 'version')) {
        const argv = [command, ...POSITIONALS[command], optionSpec(name).type === 'string' ? `--${name}=x` : `--${name}`];
        const accepted = optionsAcceptedBy(command).has(name);
        let refusal: unknown;
        try {
          parseCommandLine(argv);
        } catch (error) {
          refusal = error;
        }
        if (accepted) assert.equal(refusal, undefined, argv.join(' '));
        else assert.match(String(refusal), new RegExp(`not an option of '${command}'`), argv.join(' '));
      }
    }
  });

  // serve and healthcheck plan with run's code (planFromFlags): beyond their own options, a few of
  // run's prove they go through it, and the rest is run's test; a hundred runs of the CLI would
  // otherwise cost the suite a minute of CPU.
  const planSample: readonly OptionName[] = ['config', 'timeout', 'region', 'ca-file'];
  for (const command of OPTION_READERS) {
    const strings = shown(optionsReadBy(command)).filter(
      (name) => optionSpec(name).type === 'string' && (command === 'run' || !PLAN_SHARED.has(command) || !optionsReadBy('run').includes(name) || planSample.includes(name)),
    );
    it(`${command} refuses a bad value of each string option it reads, naming it (${strings.length} options)`, async () => {
      await Promise.all(strings.map(async (name) => {
        const bad = BAD_VALUE[name];
        assert.ok(bad !== undefined, `BAD_VALUE has no value for --${name}`);
        // healthcheck --serve-state probes nothing and refuses every other option, so it gets none.
        const guard = PROBING.has(command) && !(command === 'healthcheck' && name === 'serve-state') ? ['--no-system-resolver'] : [];
        const run = await pool(() => runCli([command, ...POSITIONALS[command], `--${name}=${bad}`, ...guard], { offline: guard.length === 0 }));
        const where = `${command} --${name}=${bad}\n${describeRun(run)}`;
        assert.equal(run.code, 2, where);
        assert.doesNotMatch(run.stderr, /not an option of/, where);
        assert.ok(run.stderr.includes(`--${name}`) || (bad.length > 3 && run.stderr.includes(bad)), where);
      }));
    });
  }

  it('a switch a command reads is read by code that command runs', () => {
    const files = sourceFiles();
    const text = new Map(files.map((f) => [f.path, f.text]));
    for (const command of OPTION_READERS) {
      const entries = typeof ENTRY[command] === 'string' ? [ENTRY[command]] : ENTRY[command];
      const reachable = entries.flatMap((entry) => [...reachableFrom(entry, files)]);
      for (const name of shown(optionsReadBy(command))) {
        const read = new RegExp(`flags\\??(\\[\\s*'${name}'\\s*\\]${/^[a-z]+$/.test(name) ? `|\\.${name}\\b` : ''})`);
        assert.ok(reachable.some((path) => read.test(text.get(path) ?? '')), `no code reachable from ${entries.join(', ')} reads --${name}`);
      }
    }
  });

  it('switches refuse what contradicts them: --no-proxy with --proxy, --compact with a table', async () => {
    const runs = await Promise.all([
      ...OPTION_READERS.filter((c) => optionsReadBy(c).includes('no-proxy')).map(async (c) => [c, await runCli([c, ...POSITIONALS[c], '--proxy', 'http://proxy.invalid:3128', '--no-proxy', '--no-system-resolver'])] as const),
      ...OPTION_READERS.filter((c) => optionsReadBy(c).includes('compact')).map(async (c) => [c, await runCli([c, ...POSITIONALS[c], '--compact', '--format', 'table', '--no-system-resolver'])] as const),
    ]);
    assert.equal(runs.length, 6);
    for (const [, run] of runs) assertUsageError(run, /--(no-proxy|compact)/);
  });

  for (const [command, refused] of Object.entries(REFUSED_BY_COMMAND) as [OptionReader, readonly OptionName[]][]) {
    it(`${command} refuses ${refused.map((n) => `--${n}`).join(' and ')} itself, saying what to use instead`, async () => {
      for (const name of refused) {
        assertUsageError(await runCli([command, `--${name}=${BAD_VALUE[name] ?? 'x'}`, '--no-system-resolver']), /report|\/report\.json/);
      }
    });
  }
});
