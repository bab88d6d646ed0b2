// Reading a JSON report back for `amlprobe diff`: every way the file can be wrong is a usage error
// (exit 2) that names the file and says what to give instead. Only the fields the diff reads are
// checked; fields added by later minor versions are ignored, a different schemaVersion is refused.

import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { REPORT_SCHEMA_VERSION } from '../types.js';
import type { Report } from '../types.js';
import { cleanJson } from '../untrusted/evidence.js';

const STATUSES: readonly string[] = ['pass', 'fail', 'warn', 'skip'];

const HOW = "Give two reports written by 'amlprobe --format json' (or --output FILE with --format json).";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readText(path: string, role: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new UsageError(`cannot read the ${role} report '${path}': ${why}. ${HOW}`, 'diff');
  }
}

/** The first problem that keeps `value` from being an amlprobe report the diff can read, or null. */
function shapeProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'it is JSON but not an object';
  if (!isRecord(value.tool) || value.tool.name !== 'amlprobe') return 'it is JSON but not an amlprobe report (no tool.name "amlprobe")';
  if (typeof value.schemaVersion !== 'number') return 'it has no schemaVersion';
  if (!Array.isArray(value.results)) return 'it has no results list';
  for (const [index, result] of value.results.entries()) {
    if (!isRecord(result)) return `results[${index}] is not an object`;
    if (typeof result.id !== 'string' || result.id === '') return `results[${index}] has no id`;
    if (typeof result.status !== 'string' || !STATUSES.includes(result.status)) return `results[${index}] ('${result.id}') has no valid status`;
    if (typeof result.reason !== 'string') return `results[${index}] ('${result.id}') has no reason`;
    if (!Array.isArray(result.checks)) return `results[${index}] ('${result.id}') has no checks list`;
  }
  return null;
}

/** Reads and validates one JSON report; `role` ("old" or "new") goes in the messages. */
export function loadReport(path: string, role: string): Report {
  const text = readText(path, role);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the ${role} report '${path}' is not JSON (${(error as Error).message}). ${HOW}`, 'diff');
  }
  const problem = shapeProblem(value);
  if (problem !== null) throw new UsageError(`the ${role} report '${path}' cannot be compared: ${problem}. ${HOW}`, 'diff');
  const report = value as Report;
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new UsageError(
      `the ${role} report '${path}' has schemaVersion ${report.schemaVersion}; this amlprobe reads schemaVersion ${REPORT_SCHEMA_VERSION}. ` +
        'Compare reports written by the same amlprobe version, or run the probe again with this one.',
      'diff',
    );
  }
  // The file is input like any other: its texts may hold raw escapes (an older amlprobe, a hand
  // edit) that the diff would otherwise print to the terminal.
  return { ...report, results: report.results.map(cleanJson) };
}
