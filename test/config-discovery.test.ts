// Which config a command reads without --config: --config, then ./amlprobe.yaml, then
// AMLPROBE_CONFIG, then none; one not given with --config is named on stderr.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chooseConfig } from '../src/plan/config-discovery.js';
import { describeRun, runCli } from './helpers/cli.js';

const configFor = (region: string): string => `version: 1\nworkspace:\n  region: ${region}\n`;

describe('config discovery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-discovery-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cwd = join(dir, 'project');
  mkdirSync(cwd);
  writeFileSync(join(cwd, 'amlprobe.yaml'), configFor('westeurope'));
  const fromEnv = join(dir, 'env.yaml');
  writeFileSync(fromEnv, configFor('northeurope'));
  const flagged = join(dir, 'flag.yaml');
  writeFileSync(flagged, configFor('eastus2'));
  const empty = join(dir, 'empty');
  mkdirSync(empty);

  it('decides --config, then ./amlprobe.yaml, then AMLPROBE_CONFIG, then none', () => {
    assert.deepEqual(chooseConfig(flagged, cwd, { AMLPROBE_CONFIG: fromEnv }), { path: flagged, origin: 'flag' });
    assert.deepEqual(chooseConfig(undefined, cwd, { AMLPROBE_CONFIG: fromEnv }), { path: join(cwd, 'amlprobe.yaml'), origin: 'working-directory' });
    assert.deepEqual(chooseConfig(undefined, empty, { AMLPROBE_CONFIG: fromEnv }), { path: fromEnv, origin: 'environment' });
    assert.deepEqual(chooseConfig(undefined, cwd, { AMLPROBE_CONFIG: '  ' }), { path: join(cwd, 'amlprobe.yaml'), origin: 'working-directory' });
    assert.equal(chooseConfig(undefined, empty, {}), undefined);
    // A directory called amlprobe.yaml is not a config.
    mkdirSync(join(empty, 'amlprobe.yaml'));
    assert.equal(chooseConfig(undefined, empty, {}), undefined);
    assert.throws(() => chooseConfig(undefined, empty, { AMLPROBE_CONFIG: join(dir, 'missing.yaml') }), /'.*missing\.yaml' is not a file\. Set AMLPROBE_CONFIG/);
  });

  it('catalog reads the file it finds and says which on stderr; --config names none', async () => {
    const [local, env, flag] = await Promise.all([
      runCli(['catalog', '--format', 'json'], { offline: true, cwd }),
      runCli(['catalog', '--format', 'json'], { offline: true, cwd: empty, env: { AMLPROBE_CONFIG: fromEnv } }),
      runCli(['catalog', '--format', 'json', '--config', flagged], { offline: true, cwd, env: { AMLPROBE_CONFIG: fromEnv } }),
    ]);
    for (const run of [local, env, flag]) assert.equal(run.code, 0, describeRun(run));
    const region = (stdout: string): unknown => (JSON.parse(stdout) as { profile: { region?: string } }).profile.region;
    assert.equal(region(local.stdout), 'westeurope');
    assert.match(local.stderr, /^amlprobe: config \S+amlprobe\.yaml \(found in the working directory; --config FILE names another\)$/m);
    assert.equal(region(env.stdout), 'northeurope');
    assert.match(env.stderr, /\(from AMLPROBE_CONFIG; /);
    assert.equal(region(flag.stdout), 'eastus2');
    assert.equal(flag.stderr, '');
  });

  it('a missing AMLPROBE_CONFIG file is a usage error, not silently no config', async () => {
    const run = await runCli(['catalog'], { offline: true, cwd: empty, env: { AMLPROBE_CONFIG: join(dir, 'missing.yaml') } });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /^amlprobe: error: AMLPROBE_CONFIG: '.*missing\.yaml' is not a file/);
  });
});
