// The part `check` and `run` share: pre-flight the DNS servers, run the engine, assemble the
// report, render it in the asked format, write it, and turn it into an exit code.

import { checkDnsServer } from '../dns/resolve-name.js';
import { runEndpoints } from '../engine.js';
import { UsageError } from '../errors.js';
import { buildSecureContext } from '../net/trust-store.js';
import { renderJson } from '../report/json.js';
import { createProgress } from '../report/progress.js';
import { exitCodeFor, summarize } from '../report/summary.js';
import { renderTable, shouldUseColour } from '../report/table.js';
import { REPORT_SCHEMA_VERSION } from '../types.js';
import type { Endpoint, EndpointResult, Report, RunSettings } from '../types.js';
import { VERSION } from '../version.js';
import type { Flags } from './args.js';
import { checkOutputPath, writeOutput } from './output.js';

/** Report formats of a probe run. */
export const RUN_FORMATS = ['table', 'json'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

/** Validates --format before any packet is sent. */
export function runFormat(flags: Flags): RunFormat {
  // Case-insensitive, as for `amlprobe catalog --format`.
  const format = (flags.format ?? 'table').trim().toLowerCase();
  if (!(RUN_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${flags.format ?? ''}'; use one of: ${RUN_FORMATS.join(', ')}.`, '--format');
  }
  return format as RunFormat;
}

/** What a run reports besides the probed endpoints. */
export interface RunExtras {
  /** Rows reported without a probe (catalog rows needing input, informational rows). */
  notProbed?: EndpointResult[];
  /** Decorates the report before rendering (profile, missing inputs, ...). */
  decorate?: (report: Report) => void;
}

/** Probes the endpoints, writes the report and returns the exit code (0 or 1). */
export async function probeAndReport(endpoints: Endpoint[], settings: RunSettings, flags: Flags, extras: RunExtras = {}): Promise<number> {
  const format = runFormat(flags);
  checkOutputPath(flags.output);
  const caFiles = flags['ca-file'] ?? [];
  const secureContext = buildSecureContext({ extraCaFiles: caFiles });
  if (settings.dnsServersExplicit) await preflightDnsServers(settings);

  const startedAt = new Date().toISOString();
  const progress = process.stderr.isTTY && endpoints.length > 1 ? createProgress(process.stderr, endpoints.length) : undefined;
  const outcome = await runEndpoints(endpoints, settings, {
    secureContext,
    ...(progress ? { onProgress: (p) => progress.update(p.done, p.running) } : {}),
  });
  progress?.done();

  const results = [...outcome.results, ...(extras.notProbed ?? [])];
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'amlprobe', version: VERSION },
    startedAt,
    durationMs: outcome.durationMs,
    deadlineHit: outcome.deadlineHit,
    settings,
    summary: summarize(results),
    results,
  };
  extras.decorate?.(report);

  const text =
    format === 'json'
      ? renderJson(report)
      : renderTable(report, { colour: flags.output === undefined && !flags['no-color'] && shouldUseColour(process.stdout, process.env) });
  writeOutput(text, flags.output);
  return exitCodeFor(report.summary);
}

/**
 * A --dns-server that does not speak DNS would turn every endpoint into a DNS failure; it is the
 * user's input that is wrong, so it is exit 2 with one message, before the run.
 */
async function preflightDnsServers(settings: RunSettings): Promise<void> {
  const problems = await Promise.all(settings.dnsServers.map((server) => checkDnsServer(server, settings.timeoutMs)));
  const messages = problems.filter((p): p is string => p !== null).map((m) => (/[.!?]$/.test(m) ? m : `${m}.`));
  if (messages.length > 0) {
    throw new UsageError(`${messages.join(' ')} Check the address and port, or leave out --dns-server to use the system's resolvers.`, '--dns-server');
  }
}
