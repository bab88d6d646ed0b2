// `amlprobe init`: the starter config parses with the config loader, carries what amlprobe learned
// (workspace JSON, compute-instance markers), points editors at a schema that exists wherever the
// file is copied, and never replaces a file without --force.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../src/plan/config.js';
import { describeRun, REPO_ROOT, runCli } from './helpers/cli.js';

const WORKSPACE_JSON = join(REPO_ROOT, 'test', 'fixtures', 'azure', 'workspace-show.json');

describe('cli: init', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-init-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes ./amlprobe.yaml filled from the workspace JSON; the loader reads it as the same profile', async () => {
    const cwd = mkdtempSync(join(dir, 'ws-'));
    const run = await runCli(['init', '--workspace-json', WORKSPACE_JSON], { offline: true, cwd });
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^amlprobe: wrote amlprobe\.yaml$/m);
    const file = join(cwd, 'amlprobe.yaml');
    const text = readFileSync(file, 'utf8');
    const config = loadConfig(file);
    const ws = JSON.parse(readFileSync(WORKSPACE_JSON, 'utf8')) as { location: string; name: string };
    assert.equal(config.profile?.region, ws.location.toLowerCase());
    assert.equal(config.profile?.workspaceName, ws.name);
    assert.match(text, new RegExp(`region: ${ws.location.toLowerCase()} +# from ${WORKSPACE_JSON.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    // Everything not learned is there, commented out, to edit.
    assert.match(text, /^# settings:$/m);
    assert.match(text, /^#   timeout: 3s/m);
  });

  it("the schema line is an absolute file URL to the shipped schema, still right after the file is copied", async () => {
    const cwd = mkdtempSync(join(dir, 'schema-'));
    const run = await runCli(['init'], { offline: true, cwd });
    assert.equal(run.code, 0, describeRun(run));
    const first = readFileSync(join(cwd, 'amlprobe.yaml'), 'utf8').split('\n')[0] ?? '';
    const ref = /^# yaml-language-server: \$schema=(file:\/\/\S+)$/.exec(first)?.[1];
    assert.ok(ref !== undefined, first);
    const schema = fileURLToPath(ref);
    assert.equal(schema, join(REPO_ROOT, 'config', 'amlprobe.schema.json'));
    assert.ok(existsSync(schema));
    // Copied elsewhere, the line still names the same existing file (a relative ./amlprobe.schema.json would not).
    const elsewhere = mkdtempSync(join(dir, 'copy-'));
    copyFileSync(join(cwd, 'amlprobe.yaml'), join(elsewhere, 'amlprobe.yaml'));
    assert.ok(existsSync(fileURLToPath(/\$schema=(\S+)/.exec(readFileSync(join(elsewhere, 'amlprobe.yaml'), 'utf8'))?.[1] ?? '')));
    // Nothing learned: the workspace section is commented out, and the file still loads.
    assert.match(readFileSync(join(cwd, 'amlprobe.yaml'), 'utf8'), /^# workspace:/m);
    assert.deepEqual(loadConfig(join(cwd, 'amlprobe.yaml')).endpoints, []);
  });

  it('reads the compute-instance markers (.nbvm, CI_WORKSPACE)', async () => {
    const cwd = mkdtempSync(join(dir, 'ci-'));
    const nbvm = join(cwd, 'nbvm');
    writeFileSync(nbvm, 'instance=contoso-ci-01\ndomainsuffix=westeurope.instances.azureml.ms\n');
    const run = await runCli(['init', 'starter.yaml'], { offline: true, cwd, env: { AMLPROBE_NBVM_FILE: nbvm, CI_WORKSPACE: 'contoso-ml' } });
    assert.equal(run.code, 0, describeRun(run));
    const config = loadConfig(join(cwd, 'starter.yaml'));
    assert.equal(config.profile?.computeInstance, 'contoso-ci-01');
    assert.equal(config.profile?.region, 'westeurope');
    assert.equal(config.profile?.workspaceName, 'contoso-ml');
    assert.match(readFileSync(join(cwd, 'starter.yaml'), 'utf8'), /workspaceName: contoso-ml +# from CI_WORKSPACE \(compute instance\)/);
  });

  it('never replaces a file without --force; - writes to stdout', async () => {
    const cwd = mkdtempSync(join(dir, 'force-'));
    writeFileSync(join(cwd, 'amlprobe.yaml'), 'version: 1 # mine\n');
    const refused = await runCli(['init'], { offline: true, cwd });
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /^amlprobe: error: 'amlprobe\.yaml' exists; init never replaces a file\. Pass --force/);
    assert.equal(readFileSync(join(cwd, 'amlprobe.yaml'), 'utf8'), 'version: 1 # mine\n');
    const forced = await runCli(['init', '--force'], { offline: true, cwd });
    assert.equal(forced.code, 0, describeRun(forced));
    assert.match(readFileSync(join(cwd, 'amlprobe.yaml'), 'utf8'), /written by `amlprobe init`/);
    const stdout = await runCli(['init', '-'], { offline: true, cwd });
    assert.equal(stdout.code, 0, describeRun(stdout));
    assert.match(stdout.stdout, /^# yaml-language-server: \$schema=file:\/\//);
  });
});
