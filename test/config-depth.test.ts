// A config (or an Azure CLI JSON file) nested deeper than any real one is refused before the YAML parser, toJS, the schema
// validator or the locator can overflow the stack: exit 2 with the line, never "Maximum call
// stack size exceeded" nor exit 3. Real configs (the shipped examples, quoted brackets, block
// scalars with deep indentation) are not touched by the limit.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../src/plan/config-errors.js';
import { parseConfig } from '../src/plan/config.js';
import { MAX_YAML_DEPTH, yamlLineTooDeep } from '../src/plan/yaml-depth.js';
import { describeRun, REPO_ROOT, runCli } from './helpers/cli.js';

const staircase = (n: number): string => Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n') + ' 1\n';

const DEEP: { case: string; text: string; line: number }[] = [
  { case: 'flow lists 100,000 deep', text: `version: 1\nsettings: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, line: 2 },
  { case: 'flow maps 5,000 deep', text: `version: 1\nsettings: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`, line: 2 },
  { case: 'a staircase of 2,000 keys', text: `version: 1\nsettings:\n${staircase(2000)}`, line: MAX_YAML_DEPTH + 2 },
  { case: 'compact lists "- - - ..." 3,000 deep', text: `version: 1\nendpoints:\n  ${'- '.repeat(3000)}x\n`, line: 3 },
  { case: 'flow lists behind an anchor and a tag', text: `version: 1\nsettings: &deep !!seq ${'['.repeat(100)}${']'.repeat(100)}\n`, line: 2 },
  { case: 'flow lists spread over lines', text: `version: 1\nendpoints:\n${'[\n'.repeat(70)}${']\n'.repeat(70)}`, line: 3 + MAX_YAML_DEPTH - 1 },
];

describe('config nesting depth', () => {
  for (const c of DEEP) {
    it(`refused with its line: ${c.case}`, () => {
      assert.equal(yamlLineTooDeep(c.text), c.line);
      assert.throws(
        () => parseConfig(c.text, 'deep.yaml'),
        (error: unknown) =>
          error instanceof ConfigError && /nests more than 64 levels deep/.test(error.message) && !/call stack/.test(error.message),
      );
    });
  }

  const SHALLOW: { case: string; text: string }[] = [
    { case: 'brackets inside quotes', text: `version: 1\nendpoints:\n  - id: "${'['.repeat(200)}"\n    target: 'x${'{'.repeat(200)}'\n` },
    { case: 'brackets inside a plain scalar and a comment', text: `version: 1\n# ${'['.repeat(200)}\nscenarios: [a${'['.repeat(0)}]\nx: a[b[c[d ${'['.repeat(100)}\n` },
    { case: 'a block scalar indented like a staircase', text: `version: 1\nnote: |\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i + 2)}line`).join('\n')}\nscenarios: [studio]\n` },
    { case: 'exactly the limit of flow brackets', text: `version: 1\nx: ${'['.repeat(MAX_YAML_DEPTH - 1)}${']'.repeat(MAX_YAML_DEPTH - 1)}\n` },
  ];
  for (const c of SHALLOW) {
    it(`not counted as deep: ${c.case}`, () => assert.equal(yamlLineTooDeep(c.text), null));
  }

  it('the shipped example configs stay far below the limit', () => {
    for (const name of ['example.yaml', 'minimal.yaml']) {
      assert.equal(yamlLineTooDeep(readFileSync(join(REPO_ROOT, 'config', name), 'utf8'), 8), null, `${name} nests at most 8 levels`);
    }
  });
});

describe('cli: a deep config is exit 2, not a stack overflow', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlprobe-config-depth-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('catalog --config with lists 100,000 deep', async () => {
    const file = join(dir, 'deep.yaml');
    writeFileSync(file, DEEP[0]?.text ?? '');
    const run = await runCli(['catalog', '--config', file], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^amlprobe: error: .*deep\.yaml:2:1: the file nests more than 64 levels deep here/);
    assert.doesNotMatch(run.stderr, /call stack|internal error/);
  });

  it('--workspace-json nested 100,000 deep: exit 2 with the line', async () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, `{"properties":\n${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`);
    const run = await runCli(['catalog', '--workspace-json', file], { offline: true });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /deep\.json' nests lists and objects more than 64 levels deep \(line 2\)/);
  });
});
