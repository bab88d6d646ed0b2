// Why a file the user named could not be read, in the same words for every input file (config,
// workspace JSON, private-endpoint JSON): the message says what to fix, not an errno.

import { resolve } from 'node:path';

/** The reason a read of `path` failed, e.g. "no such file (looked for /abs/path)"; else the error's message. */
export function whyUnreadable(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? `no such file (looked for ${resolve(path)})`
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a directory, not a file'
    : (error as Error).message;
}
