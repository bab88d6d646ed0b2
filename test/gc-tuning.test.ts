// The CLI's garbage-collector tuning (src/cli/gc-tuning.ts): imported first by the entry point (after the version guard),
// it caps old-generation growth and holds the young generation until the plan says how far it may
// grow (test/young-generation.test.ts). Checked in a child process, since it changes process-wide V8 flags.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const tuning = fileURLToPath(new URL('../src/cli/gc-tuning.js', import.meta.url));
// The program (src/cli/main.ts): src/cli.ts only chooses between it and the bundle built from it.
const entry = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

test('after the tuning alone, a workload whose objects survive does not grow the young generation', () => {
  // 40 MB of small objects that all stay alive: left free, V8 doubles the young generation to 32 MB
  // (what a 5,000-endpoint run's planning did before its first packet). Start-up and planning hold
  // it; the plan then lets it grow (test/young-generation.test.ts).
  const script = `
    const v8 = await import('node:v8');
    await import(${JSON.stringify(tuning)});
    const start = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const kept = [];
    for (let i = 0; i < 400_000; i++) kept.push({ i, text: 'x' + i });
    const end = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    console.log(JSON.stringify({ start, end, kept: kept.length }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { start: number; end: number };
  assert.ok(out.end <= 2 * 2 ** 20, `young generation grew to ${out.end} bytes (from ${out.start})`);
});

test('the entry point imports the tuning before anything else but the Node.js version guard', () => {
  const imports = readFileSync(entry, 'utf8').split('\n').filter((line) => line.startsWith('import '));
  assert.deepEqual(imports.slice(0, 2), ["import '../node-guard.js';", "import './gc-tuning.js';"]);
  // The guard comes first and must stay harmless to the tuning: no imports of its own.
  const guard = readFileSync(fileURLToPath(new URL('../src/node-guard.js', import.meta.url)), 'utf8');
  assert.doesNotMatch(guard, /^\s*import\b/m);
});
