// The jump-box bundle (scripts/build-bundle.mjs, part of `npm run build`) as a user runs it: the
// tarball unpacked in a temporary folder outside the repo, with no node_modules anywhere above it,
// run with plain `node`. The bundle copied alone: test/one-file.test.ts.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, REPO_ROOT } from './helpers/cli.js';

const TARBALL = join(REPO_ROOT, 'dist', 'amlprobe-bundle.tar.gz');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with the tests' environment (loopback resolv.conf, no AMLPROBE_* from the shell). */
function run(file: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: cliEnv(), timeout: 30_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run): string => `exit ${String(r.code)}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`;

describe('jump-box bundle', () => {
  let dir = '';
  let entry = '';

  before(async () => {
    assert.ok(existsSync(TARBALL), `${TARBALL} is missing: run 'npm run build' (it builds the bundle after tsc)`);
    dir = mkdtempSync(join(tmpdir(), 'amlprobe-bundle-'));
    const untar = await run('tar', ['-xzf', TARBALL, '-C', dir], dir);
    assert.equal(untar.code, 0, show(untar));
    entry = join(dir, 'amlprobe', 'amlprobe.mjs');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('unpacks outside the repo with its data and no node_modules', () => {
    assert.ok(!dir.startsWith(REPO_ROOT), `${dir} must be outside ${REPO_ROOT}`);
    for (const file of ['amlprobe.mjs', 'package.json', 'probes/catalog.schema.json', 'probes/studio.yaml', 'config/amlprobe.schema.json', 'lab/certs/lab-ca.pem']) {
      assert.ok(existsSync(join(dir, 'amlprobe', file)), `the tarball lacks amlprobe/${file}`);
    }
    for (let up = join(dir, 'amlprobe'); up !== join(up, '..'); up = join(up, '..')) {
      assert.ok(!existsSync(join(up, 'node_modules')), `${up}/node_modules exists: the test would not prove the bundle is self-contained`);
    }
  });

  it('--version prints package.json version', async () => {
    const r = await run(process.execPath, [entry, '--version'], dir);
    assert.equal(r.code, 0, show(r));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('catalog --format csv lists the shipped catalog', async () => {
    const r = await run(process.execPath, [entry, 'catalog', '--format', 'csv'], dir);
    assert.equal(r.code, 0, show(r));
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^id,host,/);
    assert.ok(lines.length > 20, `only ${lines.length} lines`);
    assert.ok(lines.some((line) => line.startsWith('mcr,mcr.microsoft.com,')), 'no mcr row');
  });

  it('lab --no-faults passes (ajv, yaml, dns-packet, undici, ws and the lab certs all work bundled)', async () => {
    const r = await run(process.execPath, [entry, 'lab', '--no-faults', '--no-color'], dir);
    assert.equal(r.code, 0, show(r));
  });
});
