// scripts/compute-instance-setup.sh as Azure ML runs it at instance creation, in a fake
// environment: a temporary HOME, report and install folders, a fake `logger` on PATH that records
// what would go to syslog. Cases: an amlprobe that hangs past the deadline (stopped in time, exit 0),
// the real bundle given by AMLPROBE_BUNDLE with a loopback-only config (PASS; JSON and HTML from
// one run), the bundle found and config beside the script in a fake workspace file share with a
// failing endpoint (FAIL, still exit 0, reports copied to the share), AMLPROBE_ARGS quoted as in a
// shell but never expanded, a Node.js too old, and no amlprobe at all.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/model/report.js';
import { cliEnv, REPO_ROOT } from './helpers/cli.js';
import { startDnsServer } from './helpers/dns-server.js';
import type { TestDnsServer } from './helpers/dns-server.js';
import { closedTcpPort, startTcpServer } from './helpers/listeners.js';
import type { Listener } from './helpers/listeners.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'compute-instance-setup.sh');
const TARBALL = join(REPO_ROOT, 'dist', 'amlprobe-bundle.tar.gz');

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A fake world for one run: HOME, bin/ (first on PATH), reports/, opt/. */
function fakeEnvironment(root: string): { home: string; bin: string; reports: string; opt: string } {
  const dirs = { home: join(root, 'home'), bin: join(root, 'bin'), reports: join(root, 'reports'), opt: join(root, 'opt') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  // syslog stand-in: records its arguments, one call per line.
  writeExecutable(join(dirs.bin, 'logger'), `#!/bin/sh\nprintf '%s|' "$@" >> "${join(root, 'syslog')}"\necho >> "${join(root, 'syslog')}"\n`);
  return dirs;
}

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function runScript(script: string, env: Record<string, string>, scriptArgs: string[] = [], killAfterMs = 60_000): Promise<ScriptRun> {
  const started = performance.now();
  const base = cliEnv({ CI_WORKSPACE: undefined, CI_NAME: undefined });
  return new Promise((resolve) => {
    execFile('bash', [script, ...scriptArgs], { env: { ...base, ...env }, timeout: killAfterMs, encoding: 'utf8', cwd: env.HOME }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

const show = (r: ScriptRun): string => `exit ${String(r.code)} after ${r.ms} ms\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/** A config that keeps every packet on loopback: IP-literal targets, loopback DNS, no getaddrinfo. */
function loopbackConfig(file: string, dns: TestDnsServer, targets: string[]): void {
  const endpoints = targets.map((target) => `  - target: ${target}\n`).join('');
  writeFileSync(file, `version: 1\nsettings:\n  timeout: 800ms\n  systemResolver: false\n  dnsServers: ["${dns.server}"]\nendpoints:\n${endpoints}`);
}

function reportsIn(dir: string, ext: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('amlprobe-2') && name.endsWith(ext));
}

describe('compute instance setup script', () => {
  let root = '';
  let server: Listener;
  let dns: TestDnsServer;

  before(async () => {
    assert.ok(existsSync(TARBALL), `${TARBALL} is missing: run 'npm run build' (it builds the bundle after tsc)`);
    root = mkdtempSync(join(tmpdir(), 'amlprobe-ci-setup-'));
    server = await startTcpServer();
    dns = await startDnsServer({});
  });
  after(async () => {
    await server.close();
    await dns.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('stops an amlprobe that hangs past the deadline, exits 0 and says so', async () => {
    const dir = join(root, 'hang');
    const env = fakeEnvironment(dir);
    const script = join(dir, 'compute-instance-setup.sh');
    copyFileSync(SCRIPT, script); // no bundle beside it: the amlprobe on PATH is used
    writeExecutable(join(env.bin, 'amlprobe'), `#!/bin/sh\necho "$@" > "${join(dir, 'args')}"\nexec sleep 30\n`);
    const r = await runScript(script, {
      HOME: env.home,
      PATH: `${env.bin}:/usr/bin:/bin`,
      AMLPROBE_DEADLINE: '1',
      AMLPROBE_GRACE: '1',
      AMLPROBE_REPORT_DIR: env.reports,
      AMLPROBE_INSTALL_DIR: env.opt,
    }, ['--region', 'eastus']);
    assert.equal(r.code, 0, show(r));
    assert.ok(r.ms < 15_000, `took ${r.ms} ms for a 2 s hard limit\n${show(r)}`);
    // One run, both reports: the JSON and the HTML cannot disagree.
    assert.match(readFileSync(join(dir, 'args'), 'utf8'), /^run --deadline 1s --output \S+\.json --output \S+\.html --no-color --region eastus$/m);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, show(r));
    assert.match(lines[0] ?? '', /^amlprobe: TIMEOUT: amlprobe did not finish within 2 s and was stopped; no report; log: \S+\.log$/);
    assert.equal(readFileSync(join(dir, 'syslog'), 'utf8'), `-t|amlprobe|--|${lines[0]}|\n`);
    assert.deepEqual(reportsIn(env.reports, '.json'), []);
  });

  it('unpacks the bundle named by AMLPROBE_BUNDLE and reports a passing loopback run', async () => {
    const dir = join(root, 'pass');
    const env = fakeEnvironment(dir);
    const config = join(dir, 'config.yaml');
    loopbackConfig(config, dns, [`tcp://127.0.0.1:${server.port}`]);
    const r = await runScript(SCRIPT, {
      HOME: env.home,
      PATH: `${env.bin}:/usr/bin:/bin`,
      AMLPROBE_BUNDLE: TARBALL,
      AMLPROBE_CONFIG: config,
      AMLPROBE_DEADLINE: '10',
      AMLPROBE_REPORT_DIR: env.reports,
      AMLPROBE_INSTALL_DIR: env.opt,
    });
    assert.equal(r.code, 0, show(r));
    assert.ok(existsSync(join(env.opt, 'amlprobe', 'amlprobe.mjs')), 'bundle not unpacked into AMLPROBE_INSTALL_DIR');
    const [json] = reportsIn(env.reports, '.json');
    assert.ok(json !== undefined, `no JSON report in ${env.reports}: ${readdirSync(env.reports).join(', ')}\n${show(r)}`);
    const report = JSON.parse(readFileSync(join(env.reports, json), 'utf8')) as Report;
    assert.equal(report.summary.total, 1);
    assert.equal(report.summary.pass, 1);
    assert.deepEqual(readFileSync(join(env.reports, 'amlprobe-latest.json'), 'utf8'), readFileSync(join(env.reports, json), 'utf8'));
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, show(r));
    assert.match(lines[0] ?? '', /^amlprobe: PASS: every required endpoint passed \(1 endpoints: 1 pass, 0 fail, 0 warn, 0 skip; [\d.]+ s\); report: \S+\.json/);
    assert.ok((lines[0] ?? '').includes(join(env.reports, json)), lines[0]);
    // The HTML page embeds the JSON of its run: the same run as the JSON file, to the millisecond.
    const [html] = reportsIn(env.reports, '.html');
    assert.ok(html !== undefined, show(r));
    const page = readFileSync(join(env.reports, html), 'utf8');
    assert.ok(page.includes(`${JSON.stringify(report.startedAt).slice(1, -1)}`), 'the HTML report is not of the same run');
    assert.equal(readFileSync(join(env.reports, 'amlprobe-latest.html'), 'utf8'), page);
    assert.match(readFileSync(join(dir, 'syslog'), 'utf8'), /^-t\|amlprobe\|--\|amlprobe: PASS/);
  });

  it('uses the bundle and amlprobe.yaml beside the script in the file share, exits 0 when a required endpoint fails, copies the reports there', async () => {
    const base = join(root, 'fail');
    const env = fakeEnvironment(base);
    // Where Azure ML runs a creation script uploaded to Users > alice in the studio.
    const dir = join(env.home, 'cloudfiles', 'code', 'Users', 'alice', 'amlprobe');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'compute-instance-setup.sh');
    copyFileSync(SCRIPT, script);
    copyFileSync(TARBALL, join(dir, 'amlprobe-bundle.tar.gz'));
    loopbackConfig(join(dir, 'amlprobe.yaml'), dns, [`tcp://127.0.0.1:${server.port}`, `tcp://127.0.0.1:${await closedTcpPort()}`]);
    const r = await runScript(script, {
      HOME: env.home,
      PATH: `${env.bin}:/usr/bin:/bin`,
      AMLPROBE_DEADLINE: '10',
      AMLPROBE_REPORT_DIR: env.reports,
      AMLPROBE_INSTALL_DIR: env.opt,
      CI_NAME: 'contoso-ci',
    });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout.trim(), /^amlprobe: FAIL: 1 required endpoint\(s\) failed \(2 endpoints: 1 pass, 1 fail, /);
    assert.equal(reportsIn(env.reports, '.json').length, 1);
    const share = join(dir, 'amlprobe-reports', 'contoso-ci');
    assert.ok(r.stdout.includes(` share: ${share} `), show(r));
    const copied = readdirSync(share).sort();
    assert.deepEqual(copied.filter((f) => f.startsWith('amlprobe-latest')), ['amlprobe-latest.html', 'amlprobe-latest.json']);
    assert.equal(readFileSync(join(share, 'amlprobe-latest.json'), 'utf8'), readFileSync(join(env.reports, reportsIn(env.reports, '.json')[0]!), 'utf8'));
    assert.equal(copied.filter((f) => /^amlprobe-2.*\.(json|html|log)$/.test(f)).length, 3, copied.join(', '));
  });

  it('splits AMLPROBE_ARGS like a shell but expands nothing; an unmatched quote runs nothing', async () => {
    const dir = join(root, 'args');
    const env = fakeEnvironment(dir);
    const script = join(dir, 'compute-instance-setup.sh');
    copyFileSync(SCRIPT, script);
    writeExecutable(join(env.bin, 'amlprobe'), `#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done > "${join(dir, 'args')}"\n`);
    writeFileSync(join(env.home, 'decoy'), '');
    const env0 = { HOME: env.home, PATH: `${env.bin}:/usr/bin:/bin`, AMLPROBE_REPORT_DIR: env.reports, AMLPROBE_INSTALL_DIR: env.opt, AMLPROBE_SHARE_DIR: 'off' };
    const r = await runScript(script, { ...env0, AMLPROBE_ARGS: `--region eastus --ca-file "/my dir/ca.pem" * $HOME 'it''s'` });
    assert.equal(r.code, 0, show(r));
    const args = readFileSync(join(dir, 'args'), 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(args.slice(args.indexOf('[--no-color]') + 1), ['[--region]', '[eastus]', '[--ca-file]', '[/my dir/ca.pem]', '[*]', '[$HOME]', '[its]']);
    rmSync(join(dir, 'args'));
    const bad = await runScript(script, { ...env0, AMLPROBE_ARGS: '--region "eastus' });
    assert.equal(bad.code, 0, show(bad));
    assert.match(bad.stdout.trim(), /^amlprobe: not run: AMLPROBE_ARGS has an unmatched quote: --region "eastus$/);
    assert.ok(!existsSync(join(dir, 'args')), 'amlprobe ran with half the arguments');
  });

  it('refuses a Node.js older than 20.18 with one line, exit 0', async () => {
    const dir = join(root, 'old-node');
    const env = fakeEnvironment(dir);
    writeExecutable(join(env.bin, 'node'), '#!/bin/sh\necho v18.19.1\n');
    const r = await runScript(SCRIPT, { HOME: env.home, PATH: `${env.bin}:/usr/bin:/bin`, AMLPROBE_BUNDLE: TARBALL, AMLPROBE_REPORT_DIR: env.reports, AMLPROBE_INSTALL_DIR: env.opt });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout.trim(), /^amlprobe: not run: 'node' is Node\.js v18\.19\.1; amlprobe needs 20\.18 or later/);
    assert.ok(!existsSync(join(env.opt, 'amlprobe')), 'unpacked for a node that cannot run it');
  });

  it('exits 0 with a clear line when there is no amlprobe to run', async () => {
    const dir = join(root, 'none');
    const env = fakeEnvironment(dir);
    const script = join(dir, 'compute-instance-setup.sh');
    copyFileSync(SCRIPT, script);
    assert.ok(!existsSync('/usr/bin/amlprobe') && !existsSync('/bin/amlprobe'), 'an amlprobe in /usr/bin or /bin spoils this case');
    const r = await runScript(script, { HOME: env.home, PATH: `${env.bin}:/usr/bin:/bin`, AMLPROBE_REPORT_DIR: env.reports });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout.trim(), /^amlprobe: not run: no amlprobe-bundle\.tar\.gz beside \S+, no AMLPROBE_BUNDLE and no amlprobe on PATH$/);
  });
});
