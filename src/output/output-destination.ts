// What an --output path names, decided once before writing: a new file or a regular file (written
// atomically beside its real location), a device, FIFO or socket (written through, never replaced:
// `--output /dev/null` as root must not turn the device into a regular file), or a directory
// (refused). Symbolic links are followed, so a link keeps pointing where it did.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';

/** How a report reaches an --output path. */
export type OutputDestination =
  /** A regular file or none yet: temporary file beside `file`, then rename onto it (keeping `mode` when it existed). */
  | { kind: 'atomic'; file: string; mode: number | undefined }
  /** A character or block device or a FIFO: opened and written in place. */
  | { kind: 'stream'; file: string; what: 'device' | 'FIFO' }
  /** A Unix socket: connected to and written to. */
  | { kind: 'socket'; file: string }
  /** A symbolic link whose target does not exist yet: created through the link. */
  | { kind: 'through-link'; file: string }
  /** A directory: refused. */
  | { kind: 'directory'; file: string };

/** What `path` is, following symbolic links; throws the lstat/stat error for anything but "absent". */
export function outputDestination(path: string): OutputDestination {
  let own: Stats;
  try {
    own = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'atomic', file: path, mode: undefined };
    throw error;
  }
  if (!own.isSymbolicLink()) return destinationOf(path, own);
  let target: Stats;
  try {
    target = statSync(path);
  } catch (error) {
    // A dangling link: opening it for writing creates its target, as a shell redirection does.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'through-link', file: path };
    throw error;
  }
  // A regular file is replaced at its real place; /dev/stdout -> /proc/self/fd/1 -> pipe:[...] has
  // no real path, so special files are opened through the link instead.
  return destinationOf(target.isFile() ? realpathSync(path) : path, target);
}

function destinationOf(file: string, stats: Stats): OutputDestination {
  if (stats.isDirectory()) return { kind: 'directory', file };
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return { kind: 'stream', file, what: 'device' };
  if (stats.isFIFO()) return { kind: 'stream', file, what: 'FIFO' };
  if (stats.isSocket()) return { kind: 'socket', file };
  return { kind: 'atomic', file, mode: stats.mode & 0o7777 };
}
