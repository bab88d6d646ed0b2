// Reading a JSON report back for `amlprobe diff`: every way the file can be wrong is a usage error
// (exit 2) that names the file and says what to give instead: too large, not JSON, nested deeper
// than any report, the wrong shape (report-shape.ts), another schemaVersion.

import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { whyUnreadable } from '../file-read-error.js';
import { UsageError } from '../errors.js';
import { lineTooDeep, MAX_JSON_DEPTH } from '../json-depth.js';
import { REPORT_SCHEMA_VERSION } from '../model/report.js';
import type { Report } from '../model/report.js';
import { cleanJson } from '../untrusted/evidence.js';
import { reportShapeProblem } from './report-shape.js';

const HOW = "Give two reports written by 'amlprobe --format json' (or --output FILE with --format json).";

function readText(path: string, role: string): string {
  try {
    return readFileCapped(path, INPUT_LIMITS.diffReport).toString('utf8');
  } catch (error) {
    const why = whyUnreadable(error, path);
    throw new UsageError(`cannot read the ${role} report '${path}': ${why}. ${HOW}`, 'diff');
  }
}

/** Reads and validates one JSON report; `role` ("old" or "new") goes in the messages. */
export function loadReport(path: string, role: string): Report {
  const text = readText(path, role);
  const deep = lineTooDeep(text);
  if (deep !== null) {
    throw new UsageError(`the ${role} report '${path}' nests lists and objects more than ${MAX_JSON_DEPTH} levels deep (line ${deep}); no amlprobe report does. ${HOW}`, 'diff');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the ${role} report '${path}' is not JSON (${(error as Error).message}). ${HOW}`, 'diff');
  }
  // Another schema version first: its shape may differ, and the version is what to fix.
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== REPORT_SCHEMA_VERSION && reportShapeProblem({ ...(value as object), results: [] }) === null) {
    throw new UsageError(
      `the ${role} report '${path}' has schemaVersion ${version}; this amlprobe reads schemaVersion ${REPORT_SCHEMA_VERSION}. ` +
        'Compare reports written by the same amlprobe version, or run the probe again with this one.',
      'diff',
    );
  }
  const problem = reportShapeProblem(value);
  if (problem !== null) throw new UsageError(`the ${role} report '${path}' cannot be compared: ${problem}. ${HOW}`, 'diff');
  // The file is input like any other: its texts may hold raw escapes (an older amlprobe, a hand
  // edit) that the diff would otherwise print to the terminal.
  const report = value as Report;
  return { ...report, results: report.results.map(cleanJson) };
}
