// Start-up of the jump-box forms of amlprobe against bare `node -e 0` (issue 17): the CLI entry (which
// runs the one file when that is fresh, src/cli/fresh-bundle.ts),
// the one-file tool dist/amlprobe.mjs (--version, catalog) and the single executable
// dist/amlprobe-linux-x64 when built (`npm run build:sea`). None of these commands sends a packet,
// so no namespace is needed. `node bench/startup-forms.mjs` prints the table;
// `--write` also replaces its section in docs/benchmarks.md (bench/run.mjs keeps that section when
// it rewrites the page); `--smoke` runs 3 times each and writes nothing. Needs hyperfine.

import './scratch-cache.mjs';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lab.mjs';
import { findProgram } from './netns.mjs';

/** Markers of the section in docs/benchmarks.md, so bench/run.mjs can carry it over. */
export const SECTION_START = '<!-- startup-forms: written by bench/startup-forms.mjs -->';
export const SECTION_END = '<!-- /startup-forms -->';

const SMOKE = process.argv.includes('--smoke');
const WRITE = process.argv.includes('--write') && !SMOKE;
const RUNS = SMOKE ? 3 : 30;

function commands(port) {
  const node = process.execPath;
  // A one-endpoint check of a loopback listener: start-up, plan, one connect, the report, exit.
  const check = `check tcp://127.0.0.1:${port} --no-proxy --no-system-resolver --no-color`;
  const bundle = join(ROOT, 'dist', 'amlprobe.mjs');
  const sea = join(ROOT, 'dist', 'amlprobe-linux-x64');
  const list = [
    ['node -e 0', `${node} -e 0`],
    ['node dist/src/cli.js --version', `${node} ${join(ROOT, 'dist/src/cli.js')} --version`],
    ['node dist/amlprobe.mjs --version', `${node} ${bundle} --version`],
    ['node dist/src/cli.js catalog', `${node} ${join(ROOT, 'dist/src/cli.js')} catalog`],
    ['node dist/amlprobe.mjs catalog', `${node} ${bundle} catalog`],
    ['node dist/src/cli.js check tcp://127.0.0.1', `${node} ${join(ROOT, 'dist/src/cli.js')} ${check}`],
    ['node dist/amlprobe.mjs check tcp://127.0.0.1', `${node} ${bundle} ${check}`],
  ];
  if (existsSync(sea)) list.push(['dist/amlprobe-linux-x64 --version', `${sea} --version`], ['dist/amlprobe-linux-x64 catalog', `${sea} catalog`], ['dist/amlprobe-linux-x64 check tcp://127.0.0.1', `${sea} ${check}`]);
  return list;
}

/** A loopback listener in a process of its own (hyperfine blocks this one) that closes each connection. */
async function startListener() {
  const child = spawn(process.execPath, ['-e', "require('net').createServer((s) => s.destroy()).listen(0, '127.0.0.1', function () { console.log(this.address().port); })"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  return { port: Number(String(line).trim()), stop: () => child.kill() };
}

async function measure() {
  const hyperfine = findProgram('hyperfine');
  if (hyperfine === undefined) throw new Error('hyperfine is missing (Debian package hyperfine)');
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-startup-'));
  const listener = await startListener();
  try {
    const out = join(dir, 'hyperfine.json');
    const list = commands(listener.port);
    // cwd: an empty folder, so no command finds files beside it by accident.
    execFileSync(hyperfine, ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, ...list.flatMap(([name, command]) => ['-n', name, command])], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(out, 'utf8')).results.map((r) => ({ name: r.command, medianMs: r.median * 1000, meanMs: r.mean * 1000, stddevMs: r.stddev * 1000 }));
  } finally {
    listener.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function section(rows, loadBefore, loadAfter) {
  const bare = rows[0].medianMs;
  const size = (file) => (existsSync(join(ROOT, file)) ? `${(readFileSync(join(ROOT, file)).length / 1e6).toFixed(1)} MB` : 'not built');
  return `${SECTION_START}
### Jump-box forms: start-up (hyperfine, ${RUNS} runs after 3 warm-ups, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load ${loadBefore} / ${loadAfter})

Measured by \`node bench/startup-forms.mjs --write\` (no packet sent; an empty folder as working directory).${Number(loadBefore) > 2 ? ' **A busy machine** (the load averages above, on this many CPUs): compare the rows with each other, not with the quiet-day tables above.' : ''} Sizes: \`dist/amlprobe.mjs\` ${size('dist/amlprobe.mjs')}, \`dist/amlprobe-linux-x64\` ${size('dist/amlprobe-linux-x64')}. The single executable runs its own Node.js (the LTS pinned in scripts/build-sea.mjs), so its rows compare with another \`node\` than the others; it carries V8's code cache for its script.

| command | median | mean ± σ | above bare node | × bare node |
| --- | --- | --- | --- | --- |
${rows.map((r) => `| \`${r.name}\` | ${r.medianMs.toFixed(1)} ms | ${r.meanMs.toFixed(1)} ± ${r.stddevMs.toFixed(1)} ms | ${(r.medianMs - bare).toFixed(1)} ms | ${(r.medianMs / bare).toFixed(2)} |`).join('\n')}

Targets (issue 15): the one file's \`--version\` ≤ 1.3 × bare node, a one-endpoint \`check\` ≤ 1.5 ×.

What bounds these: Node compiles a module whole before running any of it. The one file is therefore a small stub followed by comments (scripts/build-bundle.mjs): the stub answers \`--version\` alone, and other commands evaluate the program and, on first use, undici, ws, @azure/identity, yaml and ajv, each from a comment of the file (test/one-file.test.ts checks which commands do). The catalog is validated at build time, so \`catalog\` and \`run\` parse no YAML and compile no schema. The one file compiles its program with a V8 code cache kept per user and command (scripts/bundle-code-cache.mjs; the warm-up runs above write it, as a user's first run does), and Node still reads and decodes the whole file, comments included (about 2 ms: the file is all ASCII). \`node dist/src/cli.js\` runs that one file when it is certainly built from the modules beside it (src/cli/fresh-bundle.ts: a size and ctime check of each file it carries, about 3 ms), so its rows differ from the one file's by that check and two small modules; the modules themselves (\`AMLPROBE_UNBUNDLED=1\`, an npm install, a bare \`npx tsc\`) pay for Node's ES module loader on about 110 files (resolve, read, compile, link each). Both forms pay for the Node built-ins a probe needs (net, dns, perf_hooks; dgram, crypto and the DNS resolver only when a name is resolved, crypto also for smb://). The single executable carries V8's code cache in the binary, so it skips most compilation.
${SECTION_END}`;
}

/** This script's section of a benchmarks page (markers included), or '' when it has none. */
export function startupFormsSection(page) {
  const start = page.indexOf(SECTION_START);
  const end = page.indexOf(SECTION_END);
  return start >= 0 && end > start ? page.slice(start, end + SECTION_END.length) : '';
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const loadBefore = loadavg()[0].toFixed(2);
  const rows = await measure();
  const text = section(rows, loadBefore, loadavg()[0].toFixed(2));
  console.log(text);
  if (WRITE) {
    const page = join(ROOT, 'docs', 'benchmarks.md');
    const old = readFileSync(page, 'utf8');
    const previous = startupFormsSection(old);
    writeFileSync(page, previous === '' ? `${old.trimEnd()}\n\n${text}\n` : old.replace(previous, () => text));
    console.error('[startup-forms] wrote its section of docs/benchmarks.md');
  }
}
