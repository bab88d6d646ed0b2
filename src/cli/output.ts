// Where a rendered report goes: stdout, or a file written atomically (temporary file, then
// rename) so that a crash or the deadline never leaves half a report for a pipeline to read.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/** Writes `text` to `path` atomically, or to stdout when path is undefined. */
export function writeOutput(text: string, path: string | undefined): void {
  if (path === undefined) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text.endsWith('\n') ? text : `${text}\n`);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write the report to '${path}' (${reason}): check that the directory exists and is writable.`, '--output');
  }
}
