// The one file keeps a V8 code cache per user ($XDG_CACHE_HOME/amlprobe, else ~/.cache/amlprobe:
// scripts/bundle-code-cache.mjs). The benchmarks run it as root and must not write into root's
// home: every program they start inherits a scratch XDG_CACHE_HOME, removed when the bench exits.
// The first run of a command there compiles and writes its cache; hyperfine's warm-up runs and the
// other runs of a case then start from it, as every run after the first does on a jump box.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folder = mkdtempSync(join(tmpdir(), 'amlprobe-bench-cache-'));
process.env.XDG_CACHE_HOME = folder;
process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
