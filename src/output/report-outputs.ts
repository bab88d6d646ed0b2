// Where the report of one probe run goes: stdout, or one or more files (repeatable --output), each
// in the format its extension names, so one run can feed a CI (JUnit), a ticket (Markdown) and an
// archive (JSON) without probing three times. Decided from the flags before the first packet.

import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { FORMAT_BY_EXTENSION, RUN_FORMATS, formatOfFileName, isRunFormat } from '../report/formats.js';
import type { RunFormat } from '../report/formats.js';
import { checkOutputPath, writeOutput } from './output.js';

/** What a command was asked about its reports: --format, each --output, --compact. */
export interface ReportOutputRequest {
  format?: string | undefined;
  output?: string[] | undefined;
  compact?: boolean | undefined;
}

/** One report to write: a file, or stdout when `path` is undefined. */
export interface ReportOutput {
  path: string | undefined;
  format: RunFormat;
}

const EXTENSIONS = Object.entries(FORMAT_BY_EXTENSION).map(([ext, format]) => `${ext} (${format})`).join(', ');

/** The --format flag as a run format, or undefined when absent; exit 2 when it names none. */
function explicitFormat(flags: ReportOutputRequest): RunFormat | undefined {
  if (flags.format === undefined) return undefined;
  // Case-insensitive, as for `amlprobe catalog --format`.
  const format = flags.format.trim().toLowerCase();
  if (!isRunFormat(format)) {
    throw new UsageError(`unknown format '${flags.format}'; use one of: ${RUN_FORMATS.join(', ')}.`, '--format');
  }
  return format;
}

/**
 * The reports a run writes, checked whole before any probe: each --output takes the format of its
 * extension; one without a known extension takes --format (default table) when it is the only
 * one; a known extension that disagrees with --format, the same file twice, or several outputs of
 * which one has no known extension is exit 2. Each file's directory is checked too.
 */
export function planReportOutputs(flags: ReportOutputRequest): ReportOutput[] {
  const asked = explicitFormat(flags);
  const paths = flags.output ?? [];
  if (paths.length === 0) return withCompact(flags, [{ path: undefined, format: asked ?? 'table' }]);
  const seen = new Map<string, string>();
  const outputs = paths.map((path): ReportOutput => {
    const fail = (why: string): never => {
      throw new UsageError(`'${path}': ${why}`, '--output');
    };
    const key = sameFileKey(path);
    const same = seen.get(key);
    if (same !== undefined) fail(`named twice${same === path ? '' : ` (as '${same}')`}; give each report its own file.`);
    seen.set(key, path);
    const byName = formatOfFileName(path);
    if (byName !== undefined && asked !== undefined && byName !== asked) {
      fail(`its extension means ${byName} but --format says ${asked}. Rename the file, or leave out --format and let each extension decide.`);
    }
    if (byName === undefined && asked === undefined && paths.length > 1) {
      fail(`with several --output files, each names its format by its extension: ${EXTENSIONS}; or give --format for the ones without.`);
    }
    return { path, format: byName ?? asked ?? 'table' };
  });
  for (const output of outputs) checkOutputPath(output.path);
  return withCompact(flags, outputs);
}

/** --compact (one-line JSON, for a CronJob's log) needs a JSON report among the outputs; exit 2 otherwise. */
function withCompact(flags: ReportOutputRequest, outputs: ReportOutput[]): ReportOutput[] {
  if (flags.compact === true && !outputs.some((o) => o.format === 'json')) {
    const formats = [...new Set(outputs.map((o) => o.format))].join(', ');
    throw new UsageError(`--compact prints the JSON report on one line (for line-based log collectors); it needs --format json or an --output FILE.json, not ${formats}.`, '--compact');
  }
  return outputs;
}

/** One key per file, whatever path or symbolic link names it; an absent file by its absolute path. */
function sameFileKey(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** How a command renders its report in one format (colour only for a terminal on stdout). */
export type RenderFor = (format: RunFormat, colour: boolean) => string | Iterable<string>;

/**
 * Renders and writes every output in order, each file atomically, saying "wrote PATH" on stderr
 * for each file (stdout stays the report's or nothing). `colour` applies only to stdout.
 */
export async function writeReportOutputs(outputs: ReportOutput[], render: RenderFor, colour: boolean): Promise<void> {
  for (const output of outputs) {
    await writeOutput(render(output.format, output.path === undefined && colour), output.path);
    if (output.path !== undefined) process.stderr.write(`amlprobe: wrote ${output.path}\n`);
  }
}

/** The one --output of a command that writes one report (catalog, diff); exit 2 when repeated. */
export function singleOutput(flags: ReportOutputRequest, command: string): string | undefined {
  const paths = flags.output ?? [];
  if (paths.length > 1) {
    throw new UsageError(`'${command}' writes one report; give --output once (several are for run, check and lab).`, '--output');
  }
  return paths[0];
}
