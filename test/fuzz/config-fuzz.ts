// Runs the config mutator (config-mutator.ts) for as many cases as asked, by hand:
//
//   npm run build && node dist/test/fuzz/config-fuzz.js --seed 42 --cases 100000
//   node dist/test/fuzz/config-fuzz.js --seed 42 --replay 3141      # print and judge one case
//
// Every finding is printed with its seed and index (the replay command) and its text is saved
// under --out (default: a fresh directory in the system temp dir). Exit 1 when any case found a
// bug, 0 otherwise. `npm test` runs a few hundred seeded cases (test/config-fuzz.test.ts).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCase, judgeCase, schemaKeys, seedConfigs } from './config-mutator.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const { values } = parseArgs({
  options: { seed: { type: 'string' }, cases: { type: 'string' }, replay: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
const seed = Number(values.seed ?? Date.now() % 1_000_000);
const cases = Number(values.cases ?? 10_000);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(cases) || cases < 1) {
  process.stderr.write('usage: config-fuzz.js [--seed N] [--cases N] [--replay INDEX] [--out DIR]\n');
  process.exit(2);
}
const bases = seedConfigs(REPO_ROOT);
const keys = schemaKeys(REPO_ROOT);

if (values.replay !== undefined) {
  const fuzzCase = generateCase(seed, Number(values.replay), bases, keys);
  process.stdout.write(`# seed ${seed}, case ${fuzzCase.index}, from ${fuzzCase.base}\n${fuzzCase.text}\n# ---\n`);
  const outcome = judgeCase(fuzzCase.text);
  process.stdout.write(outcome.kind === 'finding' ? `FINDING: ${(outcome.error as Error)?.stack ?? String(outcome.error)}\n` : `${outcome.kind}${outcome.kind === 'refused' ? `: ${outcome.message}` : ''}\n`);
  process.exit(outcome.kind === 'finding' ? 1 : 0);
}

const out = values.out ?? mkdtempSync(join(tmpdir(), 'amlprobe-config-fuzz-'));
const counts = { accepted: 0, refused: 0, finding: 0 };
const started = Date.now();
for (let index = 0; index < cases; index++) {
  const fuzzCase = generateCase(seed, index, bases, keys);
  const outcome = judgeCase(fuzzCase.text);
  counts[outcome.kind]++;
  if (outcome.kind === 'finding') {
    const file = join(out, `seed-${seed}-case-${index}.yaml`);
    writeFileSync(file, fuzzCase.text);
    const error = outcome.error as Error;
    process.stdout.write(`finding: case ${index} (${error?.name}: ${String(error?.message).split('\n')[0]}); saved ${file}; replay: node dist/test/fuzz/config-fuzz.js --seed ${seed} --replay ${index}\n`);
  }
  if ((index + 1) % 10_000 === 0) process.stderr.write(`${index + 1} cases, ${Math.round((Date.now() - started) / 1000)} s\n`);
}
process.stdout.write(`seed ${seed}: ${cases} cases in ${Math.round((Date.now() - started) / 1000)} s: ${counts.accepted} accepted, ${counts.refused} refused (exit 2), ${counts.finding} findings\n`);
process.exit(counts.finding > 0 ? 1 : 0);
