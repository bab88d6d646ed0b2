// Where a rendered report goes: stdout, or a file written atomically (temporary file, then
// rename) so that a crash or the deadline never leaves half a report for a pipeline to read.

import { accessSync, closeSync, constants, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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

/**
 * Writes `text` (a string, or its pieces in order) to `path` atomically, or to stdout when path is
 * undefined, adding a final newline when the text lacks one. Pieces are written as they come, so a
 * large report never has to exist whole.
 */
export function writeOutput(text: string | Iterable<string>, path: string | undefined): void {
  const pieces = typeof text === 'string' ? [text] : text;
  if (path === undefined) {
    writePieces(pieces, (piece) => process.stdout.write(piece));
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writePieces(pieces, (piece) => writeAll(fd, Buffer.from(piece)));
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write the report to '${path}' (${reason}): check that the directory exists and is writable.`, '--output');
  }
}

function writePieces(pieces: Iterable<string>, write: (piece: string) => void): void {
  let last = '';
  for (const piece of pieces) {
    if (piece === '') continue;
    write(piece);
    last = piece;
  }
  if (!last.endsWith('\n')) write('\n');
}

/** writeSync may write less than asked (a full disk); go on until every byte is written or it throws. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}
