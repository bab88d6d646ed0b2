// Why a file the user named could not be read, in the same words for every input file (config,
// workspace JSON, private-endpoint JSON, CA file, token file, diff report): the message says what
// to fix, not an errno.

import { resolve } from 'node:path';
import { describeBytes, InputTooLargeError } from './bounded-read.js';

/** The reason a read of `path` failed, e.g. "no such file (looked for /abs/path)"; else the error's message. */
export function whyUnreadable(error: unknown, path: string): string {
  if (error instanceof InputTooLargeError) {
    return `it is larger than ${describeBytes(error.limit)}, the most amlprobe reads from such a file (is it the right file, not a device or an endless stream?)`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? `no such file (looked for ${resolve(path)})`
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a directory, not a file'
    : (error as Error).message;
}
