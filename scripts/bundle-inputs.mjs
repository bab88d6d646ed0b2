// The record that lets `node dist/src/cli.js` run the one-file tool instead of its modules
// (src/cli/fresh-bundle.ts, which reads it and says why it is sure): dist/amlprobe-inputs.json,
// the size and ctime of every file the bundle was built from and of the bundle itself.
// build-bundle.mjs takes a snapshot before bundling, and writes the record only if every input
// the bundle read is still as in that snapshot afterwards (a `tsc --watch` writing during the build
// would otherwise be recorded as the version the bundle carries). The tests rewrite it for copies
// of dist/ (test/bundle-delegation.test.ts).

import { existsSync, lstatSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const INPUTS_MANIFEST = 'amlprobe-inputs.json';

/** npm rewrites this on every install that changes node_modules: it stands for the packages the bundle carries. */
const NPM_RECORD = 'node_modules/.package-lock.json';

const slashed = (path) => path.split(sep).join('/');

/** [path, size, ctimeMs] of `path` (relative to `root`, '/'-separated), or undefined when it is not a file. */
export function entryOf(root, path) {
  const stats = lstatSync(join(root, path), { throwIfNoEntry: false });
  return stats !== undefined && stats.isFile() ? [path, stats.size, stats.ctimeMs] : undefined;
}

/** Entries of every file under dist/src and of npm's record, before bundling: path -> entry. */
export function snapshot(root) {
  const entries = new Map();
  const walk = (dir) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else if (item.isFile()) {
        const entry = entryOf(root, slashed(relative(root, path)));
        if (entry !== undefined) entries.set(entry[0], entry);
      }
    }
  };
  walk(join(root, 'dist', 'src'));
  const npm = entryOf(root, NPM_RECORD);
  if (npm !== undefined) entries.set(NPM_RECORD, npm);
  return entries;
}

const same = (a, b) => a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/**
 * Writes dist/amlprobe-inputs.json for the bundle built from `inputPaths` (relative to `root`) when
 * each is unchanged since `before` (snapshot()), and returns why not otherwise (nothing written:
 * cli.js then runs the modules).
 */
export function writeInputsManifest(root, inputPaths, before) {
  const file = join(root, 'dist', INPUTS_MANIFEST);
  rmSync(file, { force: true });
  const paths = [...new Set(inputPaths.map(slashed).filter((path) => path.startsWith('dist/src/')))].sort();
  if (!paths.includes('dist/src/cli/main.js')) return 'the bundle was not built from dist/src/cli/main.js';
  if (before.has(NPM_RECORD)) paths.push(NPM_RECORD);
  else if (existsSync(join(root, 'node_modules'))) return `${NPM_RECORD} is missing (node_modules not installed by npm)`;
  const inputs = [];
  for (const path of paths) {
    const now = entryOf(root, path);
    if (!same(now, before.get(path))) return `${path} changed while the bundle was built`;
    inputs.push(now);
  }
  const bundle = entryOf(root, 'dist/amlprobe.mjs');
  if (bundle === undefined) return 'dist/amlprobe.mjs is missing';
  // A file system that keeps whole seconds could give a file rewritten in the same second the same ctime.
  if ([...inputs, bundle].every((entry) => entry[2] % 1000 === 0)) return 'this file system keeps times in whole seconds';
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ format: 1, bundle, inputs })}\n`);
  renameSync(temporary, file);
  return undefined;
}
