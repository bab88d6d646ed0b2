// The single executable (scripts/build-sea.mjs) on a machine without Node.js: built once per test
// run (5-10 s with the Node binary cached, npm's cache included), copied alone into an empty root
// with only the C libraries it links, and run there with chroot inside a fresh network namespace
// (loopback only), with PATH=/nonexistent. No `node` exists anywhere in that root; the test checks.
// Needs root (chroot, ip netns), like the e2e suite.

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_PATH, cliEnv, REPO_ROOT } from './helpers/cli.js';
import { findProgram } from './e2e/helpers/netns.js';

const EXECUTABLE = join(REPO_ROOT, 'dist', 'amlprobe-linux-x64');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const show = (r: Run): string => `exit ${String(r.code)}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`;

function need(program: string, debianPackage: string): string {
  const found = findProgram(program);
  assert.ok(found !== undefined, `${program} is missing (Debian package ${debianPackage}); this test needs it and root`);
  return found;
}

/** Every file under `dir`, as paths relative to it. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).flatMap((name) => {
    const rel = join(prefix, name);
    return statSync(join(dir, rel)).isDirectory() ? walk(dir, rel) : [rel];
  });
}

describe('single executable where there is no Node.js', () => {
  const ip = need('ip', 'iproute2');
  const chroot = need('chroot', 'coreutils');
  const ns = `hj-sea-${process.pid}`;
  let root = '';

  /** Runs the executable in the namespace, chrooted, with nothing but PATH=/nonexistent. */
  const runAlone = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const options = { env: { PATH: '/nonexistent' }, timeout: 60_000, encoding: 'utf8' as const, maxBuffer: 16 * 1024 * 1024 };
      execFile(ip, ['netns', 'exec', ns, chroot, root, '/amlprobe', ...args], options, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      });
    });

  before(() => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-sea.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    assert.ok(existsSync(EXECUTABLE), `${EXECUTABLE} was not built`);
    root = mkdtempSync(join(tmpdir(), 'amlprobe-sea-root-'));
    copyFileSync(EXECUTABLE, join(root, 'amlprobe'));
    // The dynamic loader and the libraries the Node binary links (glibc, libstdc++), as a bare
    // Linux machine has them: nothing else.
    const libraries = execFileSync('ldd', [EXECUTABLE], { encoding: 'utf8' }).match(/\/\S+/g) ?? [];
    for (const library of libraries) {
      mkdirSync(join(root, dirname(library)), { recursive: true });
      copyFileSync(library, join(root, library));
    }
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'tmp'));
    writeFileSync(join(root, 'etc', 'resolv.conf'), 'nameserver 127.0.0.1\n');
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n');
    execFileSync(ip, ['netns', 'add', ns]);
    execFileSync(ip, ['-n', ns, 'link', 'set', 'lo', 'up']);
  });
  after(() => {
    execFileSync(ip, ['netns', 'del', ns], { stdio: 'ignore' });
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('the root holds the executable and C libraries only: no node', () => {
    const files = walk(root);
    assert.ok(files.includes('amlprobe'));
    assert.deepEqual(
      files.filter((file) => /(^|\/)node(js)?$|node_modules/.test(file)),
      [],
    );
    assert.ok(files.length < 15, files.join(', '));
  });

  it('--version', async () => {
    const r = await runAlone(['--version']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('catalog prints exactly what the unbundled CLI prints', async () => {
    const alone = await runAlone(['catalog', '--format', 'csv', '--region', 'eastus']);
    assert.equal(alone.code, 0, show(alone));
    const fromFiles = execFileSync(process.execPath, [CLI_PATH, 'catalog', '--format', 'csv', '--region', 'eastus'], { env: cliEnv(), encoding: 'utf8' });
    assert.ok(alone.stdout.split('\n').length > 20);
    assert.equal(alone.stdout, fromFiles);
  });

  it('lab catches every planted fault', async () => {
    const r = await runAlone(['lab', '--no-color']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /lab/i);
  });

  it('bad input is one paragraph, exit 2', async () => {
    const r = await runAlone(['check', 'tcp://10.0.0.4:99999']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /^amlprobe: error: .*out of range/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
