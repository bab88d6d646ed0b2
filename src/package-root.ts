// Where amlprobe's own files live (probes/, config/, lab/, package.json): found by walking up from
// this module, so it works from src/ in the repo, from dist/src/ once compiled, once installed, and
// from the jump-box bundle (dist/amlprobe.mjs, or amlprobe.mjs unpacked with its files beside it).
// When no such folder exists but the running code carries its files (the one-file bundle copied
// alone, the single executable), the root is BUILTIN_ROOT and package-files.ts serves them.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_FILES } from './bundled-files.js';
import { UsageError } from './errors.js';

/**
 * The root of the files built into the bundle. Not a real folder: the brackets keep it from ever
 * matching one, and it reads well in a message ("<built-in>/probes/studio.yaml:12").
 */
export const BUILTIN_ROOT = '<built-in>';

let cached: string | undefined;

/**
 * The directory holding amlprobe's package.json and probes/ (computed once), else BUILTIN_ROOT when
 * this build carries its files. Files on disk win over built-in ones so the catalog of an unpacked
 * tarball can be read and edited on the box. Both package.json and probes/ are required so that a
 * bundle copied alone under some other project's package.json is not fooled by it. Throws a
 * UsageError (exit 2, one paragraph) when amlprobe's files are missing: an installation problem.
 */
export function packageRoot(): string {
  cached ??= findRoot();
  return cached;
}

function findRoot(): string {
  // The single executable is CommonJS: import.meta is empty there, and its files are all built in.
  const here: unknown = import.meta.url;
  if (typeof here !== 'string') return builtinOr(undefined);
  const start = fileURLToPath(here);
  let dir = dirname(start);
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'probes')))) {
    const parent = dirname(dir);
    if (parent === dir) return builtinOr(start);
    dir = parent;
  }
  return dir;
}

function builtinOr(start: string | undefined): string {
  if (BUNDLED_FILES.size > 0) return BUILTIN_ROOT;
  throw new UsageError(
    `amlprobe's data files (package.json, probes/, config/, lab/) are not beside ${start ?? 'the program'} or in any folder above it. ` +
      'Unpack the whole amlprobe-bundle.tar.gz, or reinstall amlprobe.',
  );
}
