// Where a rendered report goes: stdout, or an --output path. A regular file (or a new one) is
// written atomically (temporary file, then rename) so that a crash or the deadline never leaves
// half a report for a pipeline to read; a device, FIFO or socket is written through, never
// replaced; a symbolic link is followed (output-destination.ts).

import { accessSync, closeSync, constants, fchmodSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { outputDestination } from './output-destination.js';
import type { OutputDestination } from './output-destination.js';

/**
 * How long a FIFO may wait for its reader. Opening a FIFO for writing blocks until someone opens
 * it for reading (as `echo > fifo` does); a reader that never comes must not hang amlprobe forever.
 */
export const FIFO_READER_WAIT_MS = 30_000;

/**
 * Checks before a run that the report can be written to `path`, so that a typo in --output costs
 * a second rather than a whole run whose report is then lost. writeOutput still reports any
 * failure that happens later (disk full, directory removed meanwhile).
 */
export function checkOutputPath(path: string | undefined): void {
  if (path === undefined) return;
  const fail = (why: string): never => {
    throw new UsageError(`cannot write the report to '${path}': ${why}.`, '--output');
  };
  if (path.trim() === '') fail('the file name is empty');
  let destination: OutputDestination;
  try {
    destination = outputDestination(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOTDIR' ? `'${dirname(path)}' is not a directory` : code === 'EACCES' ? 'permission denied' : (error as Error).message);
  }
  if (destination.kind === 'directory') fail('it is a directory; name a file');
  if (destination.kind === 'stream' || destination.kind === 'socket') {
    try {
      accessSync(destination.file, constants.W_OK);
    } catch {
      fail(`the ${destination.kind === 'socket' ? 'socket' : destination.what} is not writable`);
    }
    return;
  }
  if (destination.kind !== 'atomic') return;
  const directory = dirname(destination.file);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    return fail(`the directory '${directory}' does not exist`);
  }
  if (!isDirectory) fail(`'${directory}' is not a directory`);
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    fail(`the directory '${directory}' is not writable`);
  }
}

/**
 * Writes `text` (a string, or its pieces in order) to `path`, or to stdout when path is undefined,
 * adding a final newline when the text lacks one. Pieces are written as they come, so a large
 * report never has to exist whole. Every failure is a UsageError naming the path (exit 2).
 */
export async function writeOutput(text: string | Iterable<string>, path: string | undefined): Promise<void> {
  const pieces = withFinalNewline(typeof text === 'string' ? [text] : text);
  if (path === undefined) return writeToStdout(pieces);
  const fail = (error: unknown): never => {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write the report to '${path}' (${reason}): check that the directory exists and is writable.`, '--output');
  };
  let destination: OutputDestination;
  try {
    destination = outputDestination(path);
  } catch (error) {
    return fail(error);
  }
  switch (destination.kind) {
    case 'directory':
      throw new UsageError(`cannot write the report to '${path}': it is a directory; name a file.`, '--output');
    case 'atomic':
      return writeAtomically(pieces, destination.file, destination.mode, fail);
    case 'socket':
      return writeToSocket(pieces, destination.file).catch(fail);
    case 'stream':
    case 'through-link':
      return writeInPlace(pieces, destination.file, path).catch(fail);
  }
}

/**
 * Piece by piece, each written once stdout has taken the one before. Why: stdout into a pipe is
 * asynchronous, and written in one go a report waited whole in the stream's queue (as Buffers, on
 * top of the results) until the reader took it: 230 MiB of peak RSS at 50,000 endpoints
 * (issue 15). A reader that goes away (`| head`) ends the writing quietly and the run keeps its
 * exit code, as when the whole report was queued at once and the process exited before the
 * stream reported the broken pipe.
 */
async function writeToStdout(pieces: Iterable<string>): Promise<void> {
  const out = process.stdout;
  let broken = false;
  const onError = (): void => {
    broken = true;
  };
  out.on('error', onError);
  try {
    for (const piece of pieces) {
      if (broken || out.destroyed) return;
      if (!out.write(piece)) await drained(out);
    }
  } finally {
    out.off('error', onError);
  }
}

/** Resolves when `out` wants more, or when it can take no more (an error, closed). */
function drained(out: NodeJS.WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

/** Temporary file in the target's own directory (same file system, so rename is atomic), then rename. */
function writeAtomically(pieces: Iterable<string>, file: string, mode: number | undefined, fail: (error: unknown) => never): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      // A replaced report keeps its permissions: a 0600 report must not become world-readable.
      if (mode !== undefined) fchmodSync(fd, mode);
      for (const piece of pieces) writeAll(fd, Buffer.from(piece));
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    fail(error);
  }
}

/** Opens a device, a FIFO or a link's missing target and writes into it; never renames. */
async function writeInPlace(pieces: Iterable<string>, file: string, asked: string): Promise<void> {
  // The open runs on libuv's thread pool: a FIFO without a reader blocks a pool thread, not the process.
  const opening = open(file, 'w');
  let timer: NodeJS.Timeout | undefined;
  const noReader = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new UsageError(`cannot write the report to '${asked}': nothing opened the FIFO for reading within ${FIFO_READER_WAIT_MS / 1000} s.`, '--output'));
    }, FIFO_READER_WAIT_MS);
    timer.unref();
  });
  const handle = await Promise.race([opening, noReader]).finally(() => clearTimeout(timer));
  try {
    for (const piece of pieces) {
      const bytes = Buffer.from(piece);
      for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset)).bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

/** A Unix socket cannot be open(2)ed: connect, write with back-pressure, end. */
async function writeToSocket(pieces: Iterable<string>, file: string): Promise<void> {
  const socket = createConnection({ path: file });
  const failed = new Promise<never>((_, reject) => socket.once('error', reject));
  failed.catch(() => {});
  await Promise.race([new Promise<void>((resolve) => socket.once('connect', resolve)), failed]);
  for (const piece of pieces) {
    if (!socket.write(piece)) await Promise.race([new Promise<void>((resolve) => socket.once('drain', resolve)), failed]);
  }
  await Promise.race([new Promise<void>((resolve) => socket.end(resolve)), failed]);
}

function* withFinalNewline(pieces: Iterable<string>): Iterable<string> {
  let last = '';
  for (const piece of pieces) {
    if (piece === '') continue;
    yield piece;
    last = piece;
  }
  if (!last.endsWith('\n')) yield '\n';
}

/** writeSync may write less than asked (a full disk); go on until every byte is written or it throws. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}
