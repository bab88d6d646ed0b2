// `amlprobe completion bash|zsh`: the scripts load in the real shells and complete from the one
// options table, so a flag added there completes without anyone editing a script.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OPTION_NAMES, optionSpec, optionsAcceptedBy } from '../src/cli/options.js';
import { describeRun, runCli } from './helpers/cli.js';

const hasZsh = spawnSync('zsh', ['-fc', 'true']).status === 0;

/** What bash's completion function offers for `words` (the last one being completed). */
function bashComplete(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _amlprobe; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', script], { encoding: 'utf8' });
  return out.split('\n').filter((w) => w !== '');
}

describe('cli: completion', () => {
  let dir: string;
  let bash: string;
  let zsh: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amlprobe-completion-'));
    const [b, z] = await Promise.all([runCli(['completion', 'bash'], { offline: true }), runCli(['completion', 'zsh'], { offline: true })]);
    assert.equal(b.code, 0, describeRun(b));
    assert.equal(z.code, 0, describeRun(z));
    bash = join(dir, 'amlprobe.bash');
    zsh = join(dir, 'amlprobe.zsh');
    writeFileSync(bash, b.stdout);
    writeFileSync(zsh, z.stdout);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('bash: the script registers itself and completes commands, flags and their values', () => {
    const registered = execFileSync('bash', ['--norc', '--noprofile', '-c', 'source "$1"; complete -p amlprobe', 'bash', bash], { encoding: 'utf8' });
    assert.match(registered, /complete .*-F _amlprobe amlprobe/);
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'ch']), ['check']);
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'comp']), ['completion']);
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'completion', '']), ['bash', 'zsh']);
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'run', '--qui']), ['--quiet']);
    // 'amlprobe' alone is run: its flags complete without the word run.
    assert.deepEqual(bashComplete(bash, ['amlprobe', '--scen']), ['--scenario']);
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'catalog', '--format', '']).sort(), ['csv', 'json', 'markdown', 'table']);
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'run', '--format', 'j']).sort(), ['json', 'junit']);
    assert.ok(bashComplete(bash, ['amlprobe', 'run', '--scenario', '']).includes('studio'));
    // A flag the command does not read is not offered.
    assert.deepEqual(bashComplete(bash, ['amlprobe', 'check', '--scen']), []);
  });

  it('bash: every option each command accepts completes, straight from the options table', () => {
    for (const command of ['run', 'check', 'catalog', 'init'] as const) {
      const offered = new Set(bashComplete(bash, ['amlprobe', command, '--']));
      const accepted = OPTION_NAMES.filter((name) => optionsAcceptedBy(command).has(name) && optionSpec(name).hidden !== true);
      assert.deepEqual([...offered].sort(), accepted.map((name) => `--${name}`).sort(), command);
    }
  });

  it('zsh: the script parses and defines its function', () => {
    // Like every real program the tests drive, a missing zsh fails loudly (.ci/run installs it).
    assert.ok(hasZsh, 'zsh is not installed (apt-get install zsh)');
    const parsed = spawnSync('zsh', ['-n', zsh], { encoding: 'utf8' });
    assert.equal(parsed.status, 0, parsed.stderr);
    const loaded = spawnSync('zsh', ['-fc', `autoload -U compinit; compinit -u -d "${join(dir, 'zcompdump')}"; source "${zsh}"; print -r -- "$_comps[amlprobe]"`], { encoding: 'utf8' });
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.equal(loaded.stdout.trim(), '_amlprobe');
  });

  it('refuses a shell it does not know, in one paragraph', async () => {
    const run = await runCli(['completion', 'fish'], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^amlprobe: error: 'completion' takes one shell: bash or zsh/);
  });
});
