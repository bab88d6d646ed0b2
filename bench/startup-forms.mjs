// Start-up of the jump-box forms of amlprobe against bare `node -e 0` (issue 17): the unbundled CLI,
// the one-file tool dist/amlprobe.mjs (--version, catalog) and the single executable
// dist/amlprobe-linux-x64 when built (`npm run build:sea`). None of these commands sends a packet,
// so no namespace is needed. `node bench/startup-forms.mjs` prints the table;
// `--write` also replaces its section in docs/benchmarks.md (bench/run.mjs keeps that section when
// it rewrites the page); `--smoke` runs 3 times each and writes nothing. Needs hyperfine.

import { execFileSync } from 'node:child_process';
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

function commands() {
  const node = process.execPath;
  const bundle = join(ROOT, 'dist', 'amlprobe.mjs');
  const sea = join(ROOT, 'dist', 'amlprobe-linux-x64');
  const list = [
    ['node -e 0', `${node} -e 0`],
    ['node dist/src/cli.js --version', `${node} ${join(ROOT, 'dist/src/cli.js')} --version`],
    ['node dist/amlprobe.mjs --version', `${node} ${bundle} --version`],
    ['node dist/src/cli.js catalog', `${node} ${join(ROOT, 'dist/src/cli.js')} catalog`],
    ['node dist/amlprobe.mjs catalog', `${node} ${bundle} catalog`],
  ];
  if (existsSync(sea)) list.push(['dist/amlprobe-linux-x64 --version', `${sea} --version`], ['dist/amlprobe-linux-x64 catalog', `${sea} catalog`]);
  return list;
}

function measure() {
  const hyperfine = findProgram('hyperfine');
  if (hyperfine === undefined) throw new Error('hyperfine is missing (Debian package hyperfine)');
  const dir = mkdtempSync(join(tmpdir(), 'amlprobe-startup-'));
  try {
    const out = join(dir, 'hyperfine.json');
    const list = commands();
    // cwd: an empty folder, so no command finds files beside it by accident.
    execFileSync(hyperfine, ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, ...list.flatMap(([name, command]) => ['-n', name, command])], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(out, 'utf8')).results.map((r) => ({ name: r.command, medianMs: r.median * 1000, meanMs: r.mean * 1000, stddevMs: r.stddev * 1000 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function section(rows, loadBefore, loadAfter) {
  const bare = rows[0].medianMs;
  const size = (file) => (existsSync(join(ROOT, file)) ? `${(readFileSync(join(ROOT, file)).length / 1e6).toFixed(1)} MB` : 'not built');
  return `${SECTION_START}
### Jump-box forms: start-up (hyperfine, ${RUNS} runs after 3 warm-ups, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load ${loadBefore} / ${loadAfter})

Measured by \`node bench/startup-forms.mjs --write\` (no packet sent; an empty folder as working directory).${Number(loadBefore) > 2 ? ' **A busy machine** (the load averages above, on this many CPUs): compare the rows with each other, not with the quiet-day tables above.' : ''} Sizes: \`dist/amlprobe.mjs\` ${size('dist/amlprobe.mjs')}, \`dist/amlprobe-linux-x64\` ${size('dist/amlprobe-linux-x64')}. The single executable runs its own Node.js (the LTS pinned in scripts/build-sea.mjs), so its rows compare with another \`node\` than the others; it carries V8's code cache for its script.

| command | median | mean ± σ | above bare node |
| --- | --- | --- | --- |
${rows.map((r) => `| \`${r.name}\` | ${r.medianMs.toFixed(1)} ms | ${r.meanMs.toFixed(1)} ± ${r.stddevMs.toFixed(1)} ms | ${(r.medianMs - bare).toFixed(1)} ms |`).join('\n')}

Why the one file starts slower than \`dist/src/cli.js\` for \`--version\`: Node compiles a module whole before running any of it, and the unbundled CLI loads only the few files \`--version\` imports, while the one file is one 2 MB module. What keeps that cost down: undici, ws and @azure/identity (about 1.1 MB of the 2 MB) are carried as string literals and compiled only by the commands that use them (scripts/bundle-plugins.mjs; test/one-file.test.ts checks which commands do), and the code is minified. The single executable carries V8's code cache, so it skips most compilation.
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
  const rows = measure();
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
