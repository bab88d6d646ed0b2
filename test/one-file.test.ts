// The one-file tool: dist/amlprobe.mjs copied alone into an empty folder, far from the repo and any
// node_modules, runs every command from the data built into it (catalog, schemas, lab
// certificates), and refuses an old Node.js in one line before anything else runs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REGISTRY_GUID, documentedAnswer, sendJson, startDiscoveryFake, startPlainFake } from './helpers/azure-fakes.js';
import { CLI_PATH, cliEnv, REPO_ROOT } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';

const BUNDLE = join(REPO_ROOT, 'dist', 'amlprobe.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node [nodeArgs] file args` in `cwd` with the tests' environment (loopback resolv.conf) plus `env`. */
function runNode(nodeArgs: string[], file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const options = { cwd, env: cliEnv(env), timeout: 60_000, encoding: 'utf8' as const, maxBuffer: 16 * 1024 * 1024 };
    execFile(process.execPath, [...nodeArgs, file, ...args], options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run): string => `exit ${String(r.code)}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`;

describe('dist/amlprobe.mjs copied alone', () => {
  let dir = '';
  let lone = '';
  before(() => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run 'npm run build'`);
    dir = mkdtempSync(join(tmpdir(), 'amlprobe-lone-'));
    lone = join(dir, 'amlprobe.mjs');
    copyFileSync(BUNDLE, lone);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has nothing beside it or above it to read from', () => {
    for (let up = dir; up !== join(up, '..'); up = join(up, '..')) {
      for (const name of ['node_modules', 'probes']) assert.ok(!existsSync(join(up, name)), `${up}/${name} exists: the test would prove nothing`);
    }
  });

  it('--version and --help answer', async () => {
    const version = await runNode([], lone, ['--version'], dir);
    assert.equal(version.code, 0, show(version));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
    const help = await runNode([], lone, ['--help'], dir);
    assert.equal(help.code, 0, show(help));
    assert.match(help.stdout, /catalog/);
  });

  it('catalog prints exactly what the unbundled CLI prints from the files', async () => {
    const [alone, fromFiles] = await Promise.all([
      runNode([], lone, ['catalog', '--format', 'csv', '--region', 'eastus'], dir),
      runNode([], CLI_PATH, ['catalog', '--format', 'csv', '--region', 'eastus'], dir),
    ]);
    assert.equal(alone.code, 0, show(alone));
    assert.ok(alone.stdout.split('\n').length > 20, show(alone));
    assert.equal(alone.stdout, fromFiles.stdout);
  });

  it('lab catches every planted fault (lab certificates and catalog built in)', async () => {
    const r = await runNode([], lone, ['lab', '--no-color'], dir);
    assert.equal(r.code, 0, show(r));
  });

  it('run --config validates against the built-in config schema (a bad key is exit 2, one paragraph)', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'version: 1\nendpoints:\n  - tagret: tcp://10.0.0.4:443\n');
    const r = await runNode([], lone, ['run', '--config', config, '--no-system-resolver'], dir);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /did you mean 'target'/);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });

  it('DefaultAzureCredential, carried as a string, works when a token is needed (managed-identity fake)', async (t) => {
    const token = 'one-file-managed-identity-token';
    const discovery = await startDiscoveryFake((req, res) => {
      const name = /\/registries\/([^/]+)\/discovery$/.exec(req.url ?? '')?.[1] ?? '';
      if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, {});
      sendJson(res, 200, documentedAnswer(name));
    });
    const identity = await startPlainFake((req, res) => {
      if (req.headers['x-identity-header'] !== 'fake-identity-header') return sendJson(res, 401, { error: 'bad header' });
      sendJson(res, 200, { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), token_type: 'Bearer' });
    });
    const dns = await startDnsServer({});
    t.after(async () => {
      await Promise.all([discovery.close(), identity.close(), dns.close()]);
    });
    const args = ['run', '--registry', 'mireg@eastus', '--scenario', 'registry-private', '--no-system-resolver', '--dns-server', dns.server, '--timeout', '300ms', '--format', 'json', '--ca-file', discovery.caFile];
    const r = await runNode([], lone, args, dir, {
      AMLPROBE_DISCOVERY_URL: discovery.url,
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
      IDENTITY_ENDPOINT: `${identity.url}/msi/token`,
      IDENTITY_HEADER: 'fake-identity-header',
    });
    const report = JSON.parse(r.stdout) as { results: { id: string; reason: string; message: string }[]; workspace: { profile: { registries: { id?: string }[] } } };
    const row = report.results.find((result) => result.id === 'registry-discovery-auth-mireg');
    assert.equal(row?.reason, 'ok', `${row?.message ?? ''} ${r.stderr}`);
    assert.equal(report.workspace.profile.registries[0]?.id, REGISTRY_GUID);
    assert.equal(identity.requests.length > 0, true);
  });

  it('undici, ws, @azure/identity, yaml and ajv are evaluated only by the commands that need them', async () => {
    // Records every chunk the bundle evaluates from text (scripts/bundle-plugins.mjs textChunksPlugin).
    const spy = [
      "import vm from 'node:vm';",
      'const seen = []; const run = vm.runInThisContext;',
      'vm.runInThisContext = (code, options) => { seen.push(options?.filename); return run(code, options); };',
      "process.on('exit', () => process.stderr.write(`CHUNKS ${JSON.stringify(seen)}\\n`));",
    ].join('\n');
    const hook = `data:text/javascript,${encodeURIComponent(spy)}`;
    const chunks = (r: Run): string[] => JSON.parse(/CHUNKS (\[.*\])/.exec(r.stderr)?.[1] ?? 'null') as string[];
    for (const args of [['--version'], ['catalog']]) {
      const r = await runNode(['--import', hook], lone, args, dir);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(chunks(r), [], args.join(' '));
    }
    // Control: the lab probes HTTP and WebSocket and validates the catalog it serves, so the spy sees those.
    const lab = await runNode(['--import', hook], lone, ['lab', '--no-faults', '--no-color'], dir);
    assert.equal(lab.code, 0, show(lab));
    assert.deepEqual(chunks(lab).filter((name) => name !== lone).sort(), ['amlprobe-ajv-dist-2020-js.cjs', 'amlprobe-ajv.cjs', 'amlprobe-undici.cjs', 'amlprobe-ws.cjs', 'amlprobe-yaml.cjs']);
  });

  it('on an older Node.js: one line, exit 2, before any other module runs', async () => {
    // The version is faked before the bundle loads; the real Node 12 and 18 binaries gave the same
    // line (checked by hand: the bundle is lowered so they parse it).
    const fake = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"18.19.1"})';
    for (const args of [['--version'], ['lab'], ['catalog']]) {
      const r = await runNode(['--import', fake], lone, args, dir);
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^amlprobe: error: amlprobe needs Node\.js 20\.18\.1 or later, and this is Node\.js 18\.19\.1\. .*single executable/);
      assert.equal(r.stderr.trim().split('\n').length, 1, show(r));
    }
  });

  it('is all ASCII (Node decodes it at every start, three times slower otherwise) and carries its data files exactly', async () => {
    const bytes = readFileSync(lone);
    const wide = bytes.findIndex((byte) => byte > 0x7f);
    assert.equal(wide, -1, `a byte outside ASCII at ${wide}: ${JSON.stringify(bytes.subarray(Math.max(0, wide - 60), wide + 4).toString('latin1'))}`);
    // The carried files, escaped to ASCII as JSON, read back as the files themselves (some are not ASCII).
    const text = bytes.toString('latin1');
    const open = '/*@amlprobe:amlprobe-files.json\n';
    const at = text.indexOf(open);
    const carried = new Map(JSON.parse(text.slice(at + open.length, text.indexOf('\n@amlprobe:end*/', at)).split('*\u0001/').join('*/')) as [string, string][]);
    const plugins = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'bundle-plugins.mjs')).href)) as { bundledFileNames(root: string): string[] };
    const names = plugins.bundledFileNames(REPO_ROOT);
    assert.deepEqual([...carried.keys()], names);
    for (const name of names) assert.equal(carried.get(name), readFileSync(join(REPO_ROOT, name), 'utf8'), name);
    assert.ok([...carried.values()].some((content) => /[^\x00-\x7f]/.test(content)), 'no carried file is outside ASCII: the test proves nothing');
  });
});

describe('dist/amlprobe.mjs code cache', () => {
  // Records each compilation of the program (a vm.Script named after the file, scripts/bundle-code-cache.mjs):
  // whether it was handed a cache, and whether V8 rejected it.
  const spy = [
    "import vm from 'node:vm';",
    'const seen = []; const Script = vm.Script;',
    'vm.Script = class extends Script { constructor(code, options) { super(code, options); if (String(options?.filename).endsWith("amlprobe.mjs")) seen.push({ given: options.cachedData !== undefined, rejected: this.cachedDataRejected === true }); } };',
    "process.on('exit', () => process.stderr.write(`SCRIPTS ${JSON.stringify(seen)}\\n`));",
  ].join('\n');
  const hook = `data:text/javascript,${encodeURIComponent(spy)}`;
  const compiled = (r: Run): { given: boolean; rejected: boolean }[] => JSON.parse(/SCRIPTS (\[.*\])/.exec(r.stderr)?.[1] ?? 'null') as { given: boolean; rejected: boolean }[];
  const cacheFiles = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.v8cache')) : []);

  let dir = '';
  let lone = '';
  let expected = '';
  const catalog = (cacheHome: string): Promise<Run> => runNode(['--import', hook], lone, ['catalog', '--format', 'csv'], dir, { XDG_CACHE_HOME: cacheHome });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amlprobe-cache-'));
    lone = join(dir, 'amlprobe.mjs');
    copyFileSync(BUNDLE, lone);
    expected = (await runNode([], CLI_PATH, ['catalog', '--format', 'csv'], dir)).stdout;
    assert.ok(expected.split('\n').length > 20, expected);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is written by the first run and compiles the program for the next one', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const first = await catalog(home);
    assert.equal(first.code, 0, show(first));
    assert.equal(first.stdout, expected);
    assert.deepEqual(compiled(first), [{ given: false, rejected: false }]);
    const written = cacheFiles(join(home, 'amlprobe'));
    assert.equal(written.length, 1, 'no cache written');
    // Named by the build's digest of the very program the stub runs (scripts/build-bundle.mjs), not hashed at every start.
    const text = readFileSync(lone, 'utf8');
    const open = '/*@amlprobe:program\n';
    const program = text.slice(text.indexOf(open) + open.length, text.indexOf('\n@amlprobe:end*/', text.indexOf(open))).split('*\u0001/').join('*/');
    assert.ok(written[0]?.startsWith(`program-${createHash('sha256').update(program).digest('hex').slice(0, 32)}`), written[0]);
    const second = await catalog(home);
    assert.equal(second.code, 0, show(second));
    assert.equal(second.stdout, expected);
    assert.deepEqual(compiled(second), [{ given: true, rejected: false }]);
  });

  it('a run that changed the young generation\'s growth leaves a cache the next start takes', async () => {
    // A probing run lets the young generation grow once its plan is made (src/cli/gc-tuning.ts), a
    // V8 flag; V8 stamps a cache with the flags of the moment it is made, and the stub makes it at
    // exit: made under the changed flag, every next start would reject it and compile again.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const home = mkdtempSync(join(dir, 'home-'));
      const check = (): Promise<Run> => runNode(['--import', hook], lone, ['check', `tcp://127.0.0.1:${port}`, '--no-system-resolver', '--format', 'json'], dir, { XDG_CACHE_HOME: home });
      const first = await check();
      assert.equal(first.code, 0, show(first));
      assert.deepEqual(compiled(first), [{ given: false, rejected: false }]);
      assert.equal(cacheFiles(join(home, 'amlprobe')).length, 1, 'no cache written');
      const second = await check();
      assert.equal(second.code, 0, show(second));
      assert.deepEqual(compiled(second), [{ given: true, rejected: false }]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a corrupt cache is compiled around and replaced', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    assert.equal((await catalog(home)).code, 0);
    const [name = ''] = cacheFiles(join(home, 'amlprobe'));
    const file = join(home, 'amlprobe', name);
    const garbage = Buffer.alloc(readFileSync(file).length, 0x5a);
    writeFileSync(file, garbage);
    const r = await catalog(home);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, expected);
    assert.deepEqual(compiled(r), [{ given: true, rejected: true }]);
    assert.notDeepEqual(readFileSync(file), garbage, 'the corrupt cache was kept');
    const again = await catalog(home);
    assert.deepEqual(compiled(again), [{ given: true, rejected: false }]);
  });

  it('a cache folder that cannot be made changes nothing but the speed', async () => {
    // A file where the folder should be: mkdir fails even for root.
    const home = join(dir, 'not-a-folder');
    writeFileSync(home, '');
    const r = await catalog(home);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, expected);
    assert.doesNotMatch(r.stderr.replace(/SCRIPTS .*\n/, ''), /\S/);
  });

  it('a cache in a folder others may write to is neither read nor replaced', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    assert.equal((await catalog(home)).code, 0);
    const folder = join(home, 'amlprobe');
    const [name = ''] = cacheFiles(folder);
    const before = readFileSync(join(folder, name));
    chmodSync(folder, 0o777);
    const r = await catalog(home);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, expected);
    assert.deepEqual(compiled(r), [{ given: false, rejected: false }]);
    assert.deepEqual(readFileSync(join(folder, name)), before);
  });
});
