// What a run loads that only some runs need (issue 15: start-up of the unbundled CLI, which pays
// Node's module loader per file): the renderers of the formats it writes, and only those
// (src/report/render.ts: the HTML report alone is eight modules), and the DNS resolver only with a
// name to resolve (src/engine/run-endpoints.ts: the wire client, dns-packet, the system lookup).
// Observed with a module-loading hook in the CLI's process, as a user runs it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLI_PATH, cliEnv } from './helpers/cli.js';

// Writes each module of src/report/, src/dns/ and src/checks/ that the CLI loads to stderr (hooks run on a thread of their own).
const HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { register } from 'node:module';",
    `register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { const m = /\\\\/src\\\\/((report|dns|checks)\\\\/.+)$/.exec(url); if (m) process.stderr.write('LOADED-MODULE ' + m[1] + '\\\\n'); return next(url, context); }"));`,
  ].join('\n'),
)}`;

function loadedModules(args: string[]): Promise<{ modules: string[]; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', HOOK, CLI_PATH, ...args], { env: cliEnv(), timeout: 30_000, encoding: 'utf8' }, (_error, stdout, stderr) => {
      resolve({ modules: [...stderr.matchAll(/^LOADED-MODULE (.+)$/gm)].map((m) => m[1] ?? ''), stdout, stderr });
    });
  });
}

describe('report renderers load with the formats a run writes', () => {
  let listener: Server;
  let target = '';
  before(async () => {
    listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    target = `tcp://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => listener.close(resolve)));

  // The HTML report carries the JSON one, so it loads json.js; the table's helpers serve every format.
  for (const [format, loads, notLoaded] of [
    ['table', 'report/table.js', ['report/html.js', 'report/junit.js', 'report/markdown.js', 'report/json.js']],
    ['json', 'report/json.js', ['report/html.js', 'report/junit.js', 'report/markdown.js']],
    ['html', 'report/html.js', ['report/junit.js', 'report/markdown.js']],
  ] as const) {
    it(`--format ${format}: ${loads}, not ${notLoaded.join(', ')}`, async () => {
      const r = await loadedModules(['check', target, '--no-system-resolver', '--no-proxy', '--format', format]);
      assert.ok(r.stdout.length > 100, r.stderr);
      assert.ok(r.modules.includes(loads), `${loads} not loaded: ${r.modules.join(' ')}`);
      for (const other of notLoaded) assert.ok(!r.modules.includes(other), `${other} loaded for --format ${format}: ${r.modules.join(' ')}`);
    });
  }

  it('the DNS resolver loads with the first name to resolve, not for IP literals', async () => {
    const literal = await loadedModules(['check', target, '--no-system-resolver', '--no-proxy']);
    assert.ok(literal.stdout.length > 100, literal.stderr);
    assert.ok(!literal.modules.includes('dns/resolve-name.js'), literal.modules.join(' '));
    // Control: a name (no DNS server answers on this port: the verdict does not matter here).
    const name = await loadedModules(['check', 'tcp://no-such-name.test:443', '--no-system-resolver', '--no-proxy', '--dns-server', '127.0.0.1:9', '--timeout', '300ms']);
    assert.ok(name.modules.includes('dns/resolve-name.js'), name.modules.join(' '));
  });

  it('the SMB check (and node:crypto with it) loads only for smb:// endpoints', async () => {
    const tcp = await loadedModules(['check', target, '--no-system-resolver', '--no-proxy']);
    assert.ok(tcp.modules.includes('checks/tcp.js'), tcp.modules.join(' '));
    assert.ok(!tcp.modules.includes('checks/smb.js'), tcp.modules.join(' '));
    const smb = await loadedModules(['check', target.replace('tcp://', 'smb://'), '--no-system-resolver', '--no-proxy']);
    assert.ok(smb.modules.includes('checks/smb.js'), smb.modules.join(' '));
  });
});
