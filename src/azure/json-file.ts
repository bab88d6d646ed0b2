// Reads a JSON file the user saved from the Azure CLI (`az ... -o json > file`): BOM-tolerant
// (PowerShell's `>` writes UTF-16 with a BOM), with errors that name the file, the line and the
// likely cause, so a bad hand-over costs one round trip.

import { readFileCapped } from '../bounded-read.js';
import { UsageError } from '../errors.js';
import { whyUnreadable } from '../file-read-error.js';
import { lineTooDeep, MAX_JSON_DEPTH } from '../json-depth.js';

/** The parsed content of a JSON file of at most `limit` bytes; throws UsageError (exit 2) naming `flag` and the file. */
export function readJsonFile(path: string, flag: string, limit: number): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileCapped(path, limit);
  } catch (error) {
    throw new UsageError(`cannot read '${path}': ${whyUnreadable(error, path)}.`, flag);
  }
  return parseJsonText(decode(bytes), path, flag);
}

/** Text of the file: UTF-16 LE/BE when a BOM says so (Windows PowerShell redirection), else UTF-8. */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON text, turning V8's "at position N" into line:column and guessing the usual causes. */
export function parseJsonText(text: string, path: string, flag: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`'${path}' is empty; save the command's output with '-o json > ${path}'.`, flag);
  const deep = lineTooDeep(trimmed);
  if (deep !== null) {
    throw new UsageError(`'${path}' nests lists and objects more than ${MAX_JSON_DEPTH} levels deep (line ${deep}); no Azure CLI output does. Is it the right file?`, flag);
  }
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (error) {
    // `az ... 2>&1 > file` or `-o table` / `-o yaml` leave text that is not JSON at the start.
    if (!/^[[{]/.test(trimmed)) {
      const start = (trimmed.split('\n')[0] ?? '').slice(0, 60);
      throw new UsageError(
        `'${path}' is not JSON: it starts with '${start}'. Save only the JSON: 'az ... -o json > ${path}' (no '-o table', no warnings from stderr).`,
        flag,
      );
    }
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const at = position === undefined ? '' : ` at ${lineColumn(trimmed, Number(position))}`;
    throw new UsageError(`'${path}' is not valid JSON${at}: ${message.split('\n')[0]}. Is the file complete (the command interrupted, or the output cut)?`, flag);
  }
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
