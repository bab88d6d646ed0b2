// Where amlprobe's own files live (probes/, config/, package.json): found by walking up from this
// module, so it works from src/ in the repo, from dist/src/ once compiled, and once installed.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding amlprobe's package.json (computed once). */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = fileURLToPath(import.meta.url);
  let dir = dirname(start);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
