// A few hundred seeded cases of the config mutator (test/fuzz/config-mutator.ts; run it by hand
// for 100,000+): every mutant of the shipped and fixture configs is accepted or refused with a
// usage error (exit 2 with a message), never thrown as anything else. The seed is fixed, so a
// failure here replays with `node dist/test/fuzz/config-fuzz.js --seed 20261205 --replay INDEX`.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCase, judgeCase, schemaKeys, seedConfigs } from './fuzz/config-mutator.js';
import { REPO_ROOT } from './helpers/cli.js';

const SEED = 20261205;
const CASES = 300;

describe('config mutator (seeded)', () => {
  const bases = seedConfigs(REPO_ROOT);
  const keys = schemaKeys(REPO_ROOT);

  it('the seed configs themselves are accepted', () => {
    assert.ok(bases.length >= 3, `${bases.length} seed configs`);
    for (const base of bases) assert.deepEqual(judgeCase(base.text), { kind: 'accepted' }, base.name);
  });

  it('cases replay identically from (seed, index) alone', () => {
    assert.deepEqual(generateCase(SEED, 123, bases, keys), generateCase(SEED, 123, bases, keys));
    assert.notEqual(generateCase(SEED, 123, bases, keys).text, generateCase(SEED + 1, 123, bases, keys).text);
  });

  it(`${CASES} mutants: accepted or exit 2 with a message, never another error`, () => {
    const counts = { accepted: 0, refused: 0 };
    const findings: string[] = [];
    for (let index = 0; index < CASES; index++) {
      const outcome = judgeCase(generateCase(SEED, index, bases, keys).text);
      if (outcome.kind === 'finding') findings.push(`case ${index}: ${String((outcome.error as Error)?.stack ?? outcome.error).split('\n').slice(0, 3).join(' | ')}`);
      else counts[outcome.kind]++;
    }
    assert.deepEqual(findings, [], `replay with: node dist/test/fuzz/config-fuzz.js --seed ${SEED} --replay INDEX`);
    // The mutator reaches both sides of the validators: some mutants stay valid, most do not.
    assert.ok(counts.accepted >= 10, `${counts.accepted} accepted`);
    assert.ok(counts.refused >= 100, `${counts.refused} refused`);
  });
});
