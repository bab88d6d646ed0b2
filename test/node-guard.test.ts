// The Node.js version check that runs first (src/node-guard.ts), as a table.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeVersionProblem } from '../src/node-guard.js';

describe('nodeVersionProblem', () => {
  const cases: { version: string; refused: boolean }[] = [
    { version: '10.19.0', refused: true },
    { version: '12.22.9', refused: true },
    { version: '18.19.1', refused: true },
    { version: '20.0.0', refused: true },
    { version: '20.18.0', refused: true },
    { version: '20.18.1', refused: false },
    { version: '20.19.0', refused: false },
    { version: '21.0.0', refused: false },
    { version: '24.22.3', refused: false },
    { version: '100.0.0', refused: false },
    { version: 'garbage', refused: true },
    { version: '', refused: true },
  ];
  for (const { version, refused } of cases) {
    it(`${version || '(empty)'}: ${refused ? 'refused' : 'accepted'}`, () => {
      const problem = nodeVersionProblem(version);
      if (!refused) return assert.equal(problem, undefined);
      assert.match(problem ?? '', /^amlprobe: error: amlprobe needs Node\.js 20\.18\.1 or later/);
      assert.ok(!(problem ?? '').includes('\n'));
    });
  }
});
