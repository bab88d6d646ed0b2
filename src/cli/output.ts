// Where a rendered report goes: stdout, or a file written atomically (temporary file, then
// rename) so that a crash or the deadline never leaves half a report for a pipeline to read.

import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Checks before a run that the report can be written to `path`, so that a typo in --output costs
 * a second rather than a whole run whose report is then lost. writeOutput still reports any
 * failure that happens later (disk full, directory removed meanwhile).
 */
export function checkOutputPath(path: string | undefined): void {
  if (path === undefined) return;
  const directory = dirname(path);
  const fail = (why: string): never => {
    throw new UsageError(`cannot write the report to '${path}': ${why}.`, '--output');
  };
  if (path.trim() === '') fail('the file name is empty');
  let isDirectory: boolean;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    return fail(`the directory '${directory}' does not exist`);
  }
  if (!isDirectory) fail(`'${directory}' is not a directory`);
  try {
    if (statSync(path).isDirectory()) fail('it is a directory; name a file');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Absent: it will be created.
  }
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    fail(`the directory '${directory}' is not writable`);
  }
}

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
