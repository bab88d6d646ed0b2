// The part `check` and `run` share once the plan is built: run the engine, render the report in
// the asked formats, write it, and turn it into an exit code.

import { loweredNote } from '../plan/open-files.js';
import type { ResolvedPlan } from '../plan/run-plan.js';
import { createProgress } from '../report/progress.js';
import { exitCodeFor } from '../engine/summary.js';
import { probeToReport } from '../engine/probe-to-report.js';
import { layersOf } from '../checks/kinds.js';
import type { RenderFor, ReportOutput } from '../output/report-outputs.js';
import { writeReportOutputs } from '../output/report-outputs.js';
import type { Flags } from './args.js';
import { UsageError } from '../errors.js';
import { obeyYoungGeneration } from './gc-tuning.js';

/**
 * --quiet replaces the report on stdout with its verdict line, so it does not go with a report
 * format on stdout, nor with --verbose. Checked with the outputs, before any packet.
 */
export function checkQuietAndVerbose(flags: Flags, outputs: readonly ReportOutput[]): void {
  if (flags.quiet !== true) return;
  if (flags.verbose === true) throw new UsageError('--quiet prints only the verdict line and --verbose adds lines to every row: choose one.', '--quiet');
  const onStdout = outputs.find((o) => o.path === undefined);
  if (onStdout !== undefined && onStdout.format !== 'table') {
    throw new UsageError(`--quiet prints only the verdict line, so a ${onStdout.format} report needs a file: add --output FILE (it is written whole).`, '--quiet');
  }
}

/** Probes the plan, writes the report to `outputs` and returns the exit code (0 or 1). */
export async function probeAndReport(plan: ResolvedPlan, outputs: ReportOutput[], flags: Flags): Promise<number> {
  const { endpoints, settings } = plan;
  const quiet = flags.quiet === true;
  if (!quiet) for (const note of plan.notes) process.stderr.write(note);
  // The store itself is built by the first TLS handshake, off the start-up path. A run without TLS
  // does not even load node:tls and the trust store code.
  const needsTls = endpoints.some((e) => layersOf(e.protocol).includes('tls'));
  const secureContext = needsTls || plan.caFiles.length > 0 ? (await import('../net/trust-store.js')).trustStoreFor(plan.caFiles) : undefined;

  if (settings.concurrencyLowered && !quiet) process.stderr.write(loweredNote(settings.concurrencyLowered, settings.concurrency));
  const progress = process.stderr.isTTY && endpoints.length > 1 && !quiet ? createProgress(process.stderr, endpoints.length) : undefined;
  // From here the young generation may grow as the plan says (start-up and planning held it).
  obeyYoungGeneration(plan.youngGeneration);
  const report = await probeToReport(plan, {
    ...(secureContext ? { secureContext } : {}),
    ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
  });
  progress?.done();

  // Quiet: the files are written whole; stdout gets the verdict line instead of the report.
  const files = quiet ? outputs.filter((o) => o.path !== undefined) : outputs;
  // The renderers load now, after the probes: a run pays for the formats it writes, not before its first packet.
  const renderChunks = await (await import('../report/render.js')).loadRenderers(files.map((o) => o.format));
  const { shouldUseColour } = await import('../report/table.js');
  const colour = !flags['no-color'] && shouldUseColour(process.stdout, process.env);
  const verbose = flags.verbose === true;
  const render: RenderFor = (format, withColour) =>
    renderChunks(report, format, { colour: withColour, compact: flags.compact === true, verbose, showCommands: flags['show-commands'] === true });
  if (files.length > 0) await writeReportOutputs(files, render, colour);
  if (quiet) process.stdout.write((await import('../report/table.js')).renderVerdict(report, { colour }));
  return exitCodeFor(report.summary);
}
