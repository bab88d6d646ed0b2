// Reading amlprobe's own files wherever they are: on disk, or built into the one-file tool (under
// BUILTIN_ROOT). Callers keep working with paths; a path under BUILTIN_ROOT is served from memory,
// any other path (a user's catalog folder, a test fixture) from disk.

import { readdirSync, readFileSync } from 'node:fs';
import { BUNDLED_FILES } from './bundled-files.js';
import { BUILTIN_ROOT } from './package-root.js';

/**
 * The key of a built-in file ('probes/studio.yaml'), or undefined for a path on disk. Plain text
 * work, not path.relative: callers build these paths with path.join, which writes '\\' on Windows.
 */
function builtinKey(path: string): string | undefined {
  if (path === BUILTIN_ROOT) return '';
  if (!path.startsWith(`${BUILTIN_ROOT}/`) && !path.startsWith(`${BUILTIN_ROOT}\\`)) return undefined;
  return path.slice(BUILTIN_ROOT.length + 1).replaceAll('\\', '/');
}

/** Errors shaped like fs's, so callers' messages ("ENOENT") read the same for both sources. */
function notFound(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such built-in file, open '${path}'`), { code: 'ENOENT' });
}

/** The text of a file (UTF-8); throws like readFileSync when it does not exist. */
export function readTextFile(path: string): string {
  const key = builtinKey(path);
  if (key === undefined) return readFileSync(path, 'utf8');
  const text = BUNDLED_FILES.get(key);
  if (text === undefined) throw notFound(path);
  return text;
}

/** The names in a folder; throws like readdirSync when it does not exist. */
export function listFolder(path: string): string[] {
  const key = builtinKey(path);
  if (key === undefined) return readdirSync(path);
  const prefix = key === '' ? '' : `${key}/`;
  const names = new Set<string>();
  for (const file of BUNDLED_FILES.keys()) {
    if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split('/')[0] ?? '');
  }
  if (names.size === 0) throw notFound(path);
  return [...names];
}
