// Where amlprobe's own files live (probes/, config/, lab/, package.json): found by walking up from
// this module, so it works from src/ in the repo, from dist/src/ once compiled, once installed, and
// from the jump-box bundle (dist/amlprobe.mjs, or amlprobe.mjs unpacked with its files beside it).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';

let cached: string | undefined;

/**
 * The directory holding amlprobe's package.json and probes/ (computed once). Both are required so
 * that a bundle copied alone under some other project's package.json is not fooled by it. Throws a
 * UsageError (exit 2, one paragraph) when amlprobe's files are missing: an installation problem.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = fileURLToPath(import.meta.url);
  let dir = dirname(start);
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'probes')))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new UsageError(
        `amlprobe's data files (package.json, probes/, config/, lab/) are not beside ${start} or in any folder above it. ` +
          'Unpack the whole amlprobe-bundle.tar.gz (not only amlprobe.mjs), or reinstall amlprobe.',
      );
    }
    dir = parent;
  }
  cached = dir;
  return dir;
}
