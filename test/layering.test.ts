// The folders' direction, read from the sources: the checks and the engine know nothing of the
// command line or the renderers, and what the checks share with the engine (src/abort.ts) does not
// live in src/engine/, which imports the checks (that would be a folder circle).

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

  it('src/checks/ and src/abort.ts import nothing from src/engine/', () => {
    const offending = [...sources('checks'), join(src, 'abort.ts')].flatMap((file) =>
      importsOf(file).filter((spec) => /(?:^|\/)engine\//.test(spec)).map((spec) => `${file}: ${spec}`),
    );
    assert.deepEqual(offending, []);
  });
});
