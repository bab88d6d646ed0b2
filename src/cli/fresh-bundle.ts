// Whether `node dist/src/cli.js` may run the one-file tool built beside it (dist/amlprobe.mjs)
// instead of loading its ~110 modules one by one: the same program (the bundle is built from this
// tsc output), about a quarter less start-up CPU (one file compiled with a V8 code cache, no module
// loader per file). Only when the bundle is certainly built from the files that are here now: a
// stale bundle would run code that is not the code beside it, so any doubt means the modules.
//
// How staleness is ruled out: scripts/build-bundle.mjs writes dist/amlprobe-inputs.json last, with
// the size and ctime of every file the bundle was built from (each dist/src module it carries, npm's
// record of node_modules) and of the bundle itself, taken before bundling and checked unchanged
// after. Here each is stat'ed again: any rewrite (tsc, even a watch that emits one file), a file
// gone, a bundle replaced, cut or copied from another build changes a size or a ctime, which no
// one can set back (unlike mtime). A manifest that is missing or unreadable means the modules.
// Without the bundle (the npm package ships dist/src only) it costs one failed open.
//
// AMLPROBE_UNBUNDLED=1 always runs the modules (the tests that look at which modules load, a
// debugger with source maps). Never throws: any failure here is "run the modules".

import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The manifest's name, in dist/ beside the bundle (scripts/build-bundle.mjs writes it). */
export const INPUTS_MANIFEST = 'amlprobe-inputs.json';

/** One recorded file: path relative to the repository root ('/'-separated), size, ctimeMs. */
type Entry = [string, number, number];

interface Manifest {
  format: 1;
  bundle: Entry;
  inputs: Entry[];
}

/** Throws when the file is gone (the caller's catch: run the modules). */
function unchanged(root: string, entry: unknown): boolean {
  if (!Array.isArray(entry) || entry.length !== 3) return false;
  const [path, size, ctimeMs] = entry as unknown[];
  if (typeof path !== 'string' || path === '' || typeof size !== 'number' || typeof ctimeMs !== 'number') return false;
  // About 220 files at every start: joined by hand ('/' serves Windows too), since path.join's
  // normalising, not yet compiled this early, cost more than the stats; lstat, since a link put in
  // a file's place is not that file (and lstat without options was the cheapest form here).
  const stats = lstatSync(`${root}/${path}`);
  return stats.isFile() && stats.size === size && stats.ctimeMs === ctimeMs;
}

/**
 * The URL of the fresh bundle for the entry module at `entryUrl` (<root>/dist/src/cli.js), or
 * undefined when the modules must run (no bundle, a stale one, AMLPROBE_UNBUNDLED=1).
 */
export function freshBundleUrl(entryUrl: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.AMLPROBE_UNBUNDLED === '1') return undefined;
  try {
    const dist = dirname(dirname(fileURLToPath(entryUrl)));
    const root = dirname(dist);
    const manifest = JSON.parse(readFileSync(join(dist, INPUTS_MANIFEST), 'utf8')) as Manifest;
    if (manifest.format !== 1 || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return undefined;
    // The bundle must be the one recorded, and the entry must be among the inputs (a manifest of another tree).
    if (!Array.isArray(manifest.bundle) || manifest.bundle[0] !== 'dist/amlprobe.mjs' || !unchanged(root, manifest.bundle)) return undefined;
    if (!manifest.inputs.some((entry) => Array.isArray(entry) && entry[0] === 'dist/src/cli/main.js')) return undefined;
    for (const entry of manifest.inputs) if (!unchanged(root, entry)) return undefined;
    return pathToFileURL(join(dist, 'amlprobe.mjs')).href;
  } catch {
    return undefined;
  }
}
