// The one-file tool's V8 code cache (scripts/bundle-stub.mjs): the program, about 450 KB of
// JavaScript, was compiled at every start, and so was every function of it a command ran. V8 can
// save what it compiled (vm.Script createCachedData) and take it back instead of compiling
// (cachedData); the single executable carries such a cache inside it, the one file keeps one per
// user. Node 22's module.enableCompileCache does this for modules only, not for a vm.Script.
//
// Where: $XDG_CACHE_HOME/amlprobe, else ~/.cache/amlprobe, else <tmpdir>/amlprobe-<uid>; the file
// is named by a digest of the program's text, the Node.js and V8 versions, the platform and the
// V8 flags of the command line, so another build or another Node.js never finds it, and by the
// command: each command compiles functions of its own (a `check` started from the cache a `--help`
// made compiled about 15 ms more than from its own). V8 checks the rest (its version, the
// source's length, the flags) and rejects what does not fit.
// Never at the run's expense: a cache that is missing, unreadable, corrupt or rejected means only
// that the program is compiled as before; one that cannot be written is skipped in silence. It is
// written once, when the run that compiled the program exits (so it holds every function that run
// compiled), atomically (a temporary file, then a rename), and removes those of other builds.
// A cache is code: it is read only from a folder and a file that belong to this user and that no
// one else may write to (a shared temporary folder is the case this guards).
// Lowered for old Node.js like the rest of the stub; reached only on a Node.js node-guard.ts allows.

import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { isAbsolute, join } from 'path';
import vm from 'vm';

const PREFIX = 'program-';
const SUFFIX = '.v8cache';

/** The folder of this user's caches (not created here). */
export function cacheFolder(env = process.env) {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'amlprobe');
  let home = '';
  try {
    home = homedir();
  } catch (error) {
    // No home folder (a service account without one): the temporary folder below.
  }
  if (home) return join(home, '.cache', 'amlprobe');
  return join(tmpdir(), `amlprobe-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
}

/** True for a folder or file that only this user can have written (always true where there are no uids). */
function ownedByMe(stats) {
  if (typeof process.getuid !== 'function') return true;
  return stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

function readCache(folder, name) {
  try {
    const folderStats = lstatSync(folder);
    if (!folderStats.isDirectory() || !ownedByMe(folderStats)) return undefined;
    const fd = openSync(join(folder, name), 'r');
    try {
      const stats = fstatSync(fd);
      return stats.isFile() && ownedByMe(stats) ? readFileSync(fd) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return undefined;
  }
}

function writeCache(folder, name, data) {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const folderStats = lstatSync(folder);
    if (!folderStats.isDirectory() || !ownedByMe(folderStats)) return;
    const temporary = join(folder, `.${name}.${process.pid}.tmp`);
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, join(folder, name));
    // Caches of other builds or Node.js versions: only this one's are kept.
    const build = name.slice(0, PREFIX.length + 41);
    for (const other of readdirSync(folder)) {
      if (!other.startsWith(build) && other.startsWith(PREFIX) && other.endsWith(SUFFIX)) unlinkSync(join(folder, other));
    }
  } catch (error) {
    // A read-only home, a full disk, a folder of someone else's: the next run compiles again.
  }
}

/**
 * 32-bit FNV-1a of `text`, as 8 hex digits. The file name only tells builds, runtimes and flags
 * apart (V8 checks the cache itself, and only this user can write the folder): no need to load
 * node:crypto, about 7 ms of a one-endpoint check that needs no other crypto.
 */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The cache file's name for the program whose SHA-256 `programDigest` the build computed, run as
 * `command` on this Node.js with these flags.
 */
function cacheName(programDigest, command) {
  const runtime = fnv1a([process.version, process.versions.v8, process.platform, process.arch].join('\0'));
  const build = `${programDigest.slice(0, 32)}${runtime}`;
  // Apart from the build's digest, so that runs with other flags keep their own file instead of
  // removing each other's as another build's.
  const flags = fnv1a([process.execArgv.join(' '), process.env.NODE_OPTIONS || ''].join('\0'));
  // Only a command's name (anything else shares one file), so the folder stays small.
  const variant = /^[a-z]{2,12}$/.test(command || '') ? command : 'other';
  return `${PREFIX}${build}-${flags}-${variant}${SUFFIX}`;
}

/**
 * Compiles `source` (named `filename` in stack traces; `programDigest` the build's SHA-256 of the
 * program in it) with this user's cache for `command` (the first argument), runs it and returns its
 * value. `startFlags` puts back the V8 flags the program was compiled under before a cache is saved.
 */
export function runCached(source, programDigest, filename, command, startFlags = () => {}) {
  const folder = cacheFolder();
  let name;
  let cachedData;
  try {
    name = cacheName(programDigest, command);
    cachedData = readCache(folder, name);
  } catch (error) {
    name = undefined;
  }
  let script;
  try {
    script = new vm.Script(source, { filename, cachedData });
  } catch (error) {
    // Data V8 cannot even parse as a cache: compile as if there were none (a syntax error still throws).
    if (cachedData === undefined) throw error;
    cachedData = undefined;
    script = new vm.Script(source, { filename });
  }
  if (name !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit, so that the cache holds the functions this run compiled, not only the top level.
    process.once('exit', () => {
      let data;
      try {
        // V8 stamps the cache with its flags as they are now: as they were when it was compiled.
        startFlags();
        data = script.createCachedData();
      } catch (error) {
        return; // Nothing to save: the run still exits as it was going to.
      }
      writeCache(folder, name, data);
    });
  }
  return script.runInThisContext();
}
