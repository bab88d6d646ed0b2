// A run loads the renderers of the formats it writes, and only those (src/report/render.ts): the
// HTML report alone is eight modules, which a run printing a table used to load after its probes.
// Observed with a module-loading hook in the CLI's process, as a user runs it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLI_PATH, cliEnv } from './helpers/cli.js';

// Writes each module of src/report/ that the CLI loads to stderr (hooks run on a thread of their own).
const HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { register } from 'node:module';",
    `register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { const m = /\\\\/src\\\\/report\\\\/(.+)$/.exec(url); if (m) process.stderr.write('REPORT-MODULE ' + m[1] + '\\\\n'); return next(url, context); }"));`,
  ].join('\n'),
)}`;

function reportModules(args: string[]): Promise<{ modules: string[]; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', HOOK, CLI_PATH, ...args], { env: cliEnv(), timeout: 30_000, encoding: 'utf8' }, (_error, stdout, stderr) => {
      resolve({ modules: [...stderr.matchAll(/^REPORT-MODULE (.+)$/gm)].map((m) => m[1] ?? ''), stdout, stderr });
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
    ['table', 'table.js', ['html.js', 'junit.js', 'markdown.js', 'json.js']],
    ['json', 'json.js', ['html.js', 'junit.js', 'markdown.js']],
    ['html', 'html.js', ['junit.js', 'markdown.js']],
  ] as const) {
    it(`--format ${format}: ${loads}, not ${notLoaded.join(', ')}`, async () => {
      const r = await reportModules(['check', target, '--no-system-resolver', '--no-proxy', '--format', format]);
      assert.ok(r.stdout.length > 100, r.stderr);
      assert.ok(r.modules.includes(loads), `${loads} not loaded: ${r.modules.join(' ')}`);
      for (const other of notLoaded) assert.ok(!r.modules.includes(other), `${other} loaded for --format ${format}: ${r.modules.join(' ')}`);
    });
  }
});
