// `node dist/src/cli.js` runs the one-file tool built beside it when, and only when, that bundle is
// certainly built from the modules beside it (src/cli/fresh-bundle.ts, scripts/bundle-inputs.mjs).
// Each way a bundle can be stale is made in a copy of dist/ (never the repository's own, which
// other test files use at the same time), after a control showing the copy delegates while fresh.
// Which program ran is observed with a module-loading hook in the CLI's process.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cliEnv, REPO_ROOT } from './helpers/cli.js';

interface InputsScript {
  snapshot(root: string): Map<string, [string, number, number]>;
  writeInputsManifest(root: string, paths: string[], before: Map<string, [string, number, number]>): string | undefined;
}

// Says on stderr whether the bundle or the program's modules were loaded (hooks run on a thread of their own).
const HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { register } from 'node:module';",
    `register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { if (/\\\\/dist\\\\/amlprobe\\\\.mjs$/.test(url)) process.stderr.write('LOADED bundle\\\\n'); if (/\\\\/dist\\\\/src\\\\/cli\\\\/main\\\\.js$/.test(url)) process.stderr.write('LOADED modules\\\\n'); return next(url, context); }"));`,
  ].join('\n'),
)}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ran: string;
}

/** Runs `node <root>/dist/src/cli.js args` as a user does (no AMLPROBE_UNBUNDLED) plus `env`. */
function runEntry(root: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const options = { cwd: root, env: cliEnv({ AMLPROBE_UNBUNDLED: undefined, ...env }), timeout: 30_000, encoding: 'utf8' as const };
    execFile(process.execPath, ['--import', HOOK, join(root, 'dist', 'src', 'cli.js'), ...args], options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      const ran = [...stderr.matchAll(/^LOADED (\w+)$/gm)].map((m) => m[1]).join('+');
      resolve({ code, stdout, stderr, ran });
    });
  });
}

const show = (r: Run): string => `exit ${String(r.code)}, ran ${r.ran || 'nothing'}\nstdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(-2000)}`;

describe('dist/src/cli.js and the bundle beside it', () => {
  let root = '';
  let script: InputsScript;
  let inputs: string[] = [];
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  /** Records the copy as it is now, as scripts/build-bundle.mjs does after a build. */
  const record = (): void => {
    const why = script.writeInputsManifest(root, inputs, script.snapshot(root));
    assert.equal(why, undefined);
  };

  /** Runs --version and checks the answer and which program gave it. */
  const expectRan = async (which: 'bundle' | 'modules', env: Record<string, string | undefined> = {}): Promise<void> => {
    const r = await runEntry(root, ['--version'], env);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, `${version}\n`, show(r));
    assert.equal(r.ran, which, show(r));
  };

  before(async () => {
    script = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'bundle-inputs.mjs')).href)) as InputsScript;
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'amlprobe-inputs.json'), 'utf8')) as { inputs: [string][] };
    inputs = manifest.inputs.map(([path]) => path).filter((path) => path.startsWith('dist/src/'));
    root = mkdtempSync(join(tmpdir(), 'amlprobe-delegation-'));
    for (const part of ['package.json', 'probes', 'config']) cpSync(join(REPO_ROOT, part), join(root, part), { recursive: true });
    cpSync(join(REPO_ROOT, 'dist', 'src'), join(root, 'dist', 'src'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'dist', 'amlprobe.mjs'), join(root, 'dist', 'amlprobe.mjs'));
    // The packages by link, npm's record of them as a file of the copy's own (a test rewrites it).
    mkdirSync(join(root, 'node_modules'));
    for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (name === '.package-lock.json') copyFileSync(join(REPO_ROOT, 'node_modules', name), join(root, 'node_modules', name));
      else symlinkSync(join(REPO_ROOT, 'node_modules', name), join(root, 'node_modules', name));
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  // Each test starts from a fresh record and first shows that it delegates.
  beforeEach(async () => {
    record();
    await expectRan('bundle');
  });

  it('runs the bundle when fresh, with the same output as the modules; AMLPROBE_UNBUNDLED=1 runs the modules', async () => {
    const args = ['catalog', '--format', 'csv', '--region', 'eastus'];
    const [bundled, modules] = await Promise.all([runEntry(root, args), runEntry(root, args, { AMLPROBE_UNBUNDLED: '1' })]);
    assert.equal(bundled.code, 0, show(bundled));
    assert.equal(bundled.ran, 'bundle', show(bundled));
    assert.equal(modules.ran, 'modules', show(modules));
    assert.ok(bundled.stdout.split('\n').length > 20, show(bundled));
    assert.equal(bundled.stdout, modules.stdout);
  });

  it('runs the modules once tsc has rewritten any module the bundle carries, even with the same bytes', async () => {
    // A module far from the entry: `tsc --watch` rewrites only what changed.
    const deep = inputs.find((path) => path.endsWith('/dns/resolve-name.js'));
    assert.ok(deep !== undefined, inputs.join(' '));
    writeFileSync(join(root, deep), readFileSync(join(root, deep)));
    await expectRan('modules');
  });

  it('runs the modules when a module the bundle carries is gone', async () => {
    const gone = inputs.find((path) => path.endsWith('/report/junit.js'));
    assert.ok(gone !== undefined);
    renameSync(join(root, gone), join(root, `${gone}.away`));
    try {
      await expectRan('modules');
    } finally {
      renameSync(join(root, `${gone}.away`), join(root, gone));
    }
  });

  it('runs the modules when the bundle is missing, cut, or replaced by another of the same size', async () => {
    const bundle = join(root, 'dist', 'amlprobe.mjs');
    renameSync(bundle, `${bundle}.away`);
    await expectRan('modules');
    renameSync(`${bundle}.away`, bundle);
    record();
    const whole = readFileSync(bundle);
    truncateSync(bundle, whole.length - 100);
    await expectRan('modules');
    writeFileSync(bundle, whole);
    await expectRan('modules');
  });

  it('runs the modules when the record is missing, corrupt, or of another tree', async () => {
    const manifest = join(root, 'dist', 'amlprobe-inputs.json');
    const text = readFileSync(manifest, 'utf8');
    rmSync(manifest);
    await expectRan('modules');
    writeFileSync(manifest, text.slice(0, text.length / 2));
    await expectRan('modules');
    // The record of the repository's own dist/: the same paths, other files.
    copyFileSync(join(REPO_ROOT, 'dist', 'amlprobe-inputs.json'), manifest);
    await expectRan('modules');
  });

  it('runs the modules once npm has changed node_modules', async () => {
    appendFileSync(join(root, 'node_modules', '.package-lock.json'), '\n');
    await expectRan('modules');
  });

  it('the build writes no record when a module changed while the bundle was built', () => {
    const snapshot = script.snapshot(root);
    const main = join(root, 'dist', 'src', 'cli', 'main.js');
    writeFileSync(main, readFileSync(main));
    assert.match(script.writeInputsManifest(root, inputs, snapshot) ?? '', /dist\/src\/cli\/main\.js changed while the bundle was built/);
    assert.equal(readdirSync(join(root, 'dist')).includes('amlprobe-inputs.json'), false);
  });
});
