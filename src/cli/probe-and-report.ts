// The part `check` and `run` share: pre-flight the DNS servers, run the engine, assemble the
// report, render it in the asked format, write it, and turn it into an exit code.

import { checkDnsServer } from '../dns/resolve-name.js';
import { UsageError } from '../errors.js';
import { createProgress } from '../report/progress.js';
import { exitCodeFor } from '../report/summary.js';
import { probeToReport } from '../run-report.js';
import { cleanMessage } from '../untrusted/evidence.js';
import type { RunPlan } from '../run-report.js';
import { LAYERS_BY_PROTOCOL } from '../types.js';
import type { Endpoint, EndpointResult, Report, RunSettings } from '../types.js';
import type { Flags } from './args.js';
import { planReportOutputs, writeReportOutputs } from './report-outputs.js';

/** What a run reports besides the probed endpoints. */
export interface RunExtras {
  /** Rows reported without a probe (catalog rows needing input, informational rows). */
  notProbed?: EndpointResult[];
  /** Decorates the report before rendering (profile, missing inputs, ...). */
  decorate?: (report: Report) => void;
}

/** Probes the endpoints, writes the report and returns the exit code (0 or 1). */
export async function probeAndReport(endpoints: Endpoint[], settings: RunSettings, flags: Flags, extras: RunExtras = {}): Promise<number> {
  const outputs = planReportOutputs(flags);
  const caFiles = flags['ca-file'] ?? [];
  // The --ca-file files are checked now (a bad one is exit 2 before any probe); the store itself is
  // built by the first TLS handshake, off the start-up path. A run without TLS does not even load
  // node:tls and the trust store code.
  const needsTls = endpoints.some((e) => LAYERS_BY_PROTOCOL[e.protocol].includes('tls'));
  const secureContext = needsTls || caFiles.length > 0 ? (await import('../net/trust-store.js')).trustStoreFor(caFiles) : undefined;
  if (settings.dnsServersExplicit) await preflightDnsServers(settings);
  if (settings.azureDns !== undefined) await preflightAzureDns(settings);

  const progress = process.stderr.isTTY && endpoints.length > 1 ? createProgress(process.stderr, endpoints.length) : undefined;
  const plan: RunPlan = { endpoints, settings };
  if (extras.notProbed) plan.notProbed = extras.notProbed;
  if (extras.decorate) plan.decorate = extras.decorate;
  const report = await probeToReport(plan, {
    ...(secureContext ? { secureContext } : {}),
    ...(progress ? { onProgress: (p) => progress.update(p.done, p.running) } : {}),
  });
  progress?.done();

  // The renderers load now, after the probes: a run pays for the one format it prints, not before its first packet.
  const { renderReportChunks } = await import('../report/render.js');
  const { shouldUseColour } = await import('../report/table.js');
  const colour = !flags['no-color'] && shouldUseColour(process.stdout, process.env);
  writeReportOutputs(outputs, (format, withColour) => renderReportChunks(report, format, { colour: withColour, compact: flags.compact === true }), colour);
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

/**
 * --azure-dns(-address) that does not answer would add a timeout to every name's comparison: off
 * Azure 168.63.129.16 is silent, so say that once, before the run.
 */
async function preflightAzureDns(settings: RunSettings): Promise<void> {
  const server = settings.azureDns;
  if (server === undefined) return;
  const problem = await checkDnsServer(server, settings.timeoutMs);
  if (problem !== null && settings.azureDnsAuto) {
    // Switched on by detection, not asked for: say so and compare without it.
    process.stderr.write(`amlprobe: note: Azure DNS (${server}) did not answer (${cleanMessage(problem)}); comparing resolvers without it.\n`);
    delete settings.azureDns;
    delete settings.azureDnsAuto;
    return;
  }
  if (problem !== null) {
    throw new UsageError(
      `Azure DNS: ${problem}. Azure-provided DNS answers only inside an Azure VNet; leave out --azure-dns / --azure-dns-address elsewhere.`,
      '--azure-dns',
    );
  }
}
