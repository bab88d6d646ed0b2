// The folders' direction, read from the sources: the checks and the engine know nothing of the
// command line or the renderers. (No folder circles, and nothing of cli/ in plan/, lab/, engine/ or
// serve/: test/plan-builder.test.ts.)

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../src/package-root.js';

const src = join(packageRoot(), 'src');

/** The relative module specifiers a source file imports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
}

function sources(folder: string): string[] {
  return readdirSync(join(src, folder)).filter((name) => name.endsWith('.ts')).map((name) => join(src, folder, name));
}

describe('layering', () => {
  for (const folder of ['checks', 'engine']) {
    it(`src/${folder}/ imports nothing from cli/ or report/`, () => {
      const files = sources(folder);
      assert.ok(files.length > 0);
      const offending = files.flatMap((file) => importsOf(file).filter((spec) => /^\.\.\/(?:cli|report)\//.test(spec)).map((spec) => `${file}: ${spec}`));
      assert.deepEqual(offending, []);
    });
  }
});
