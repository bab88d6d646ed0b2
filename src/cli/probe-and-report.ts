// The part `check` and `run` share: pre-flight the DNS servers, run the engine, assemble the
// report, render it in the asked format, write it, and turn it into an exit code.

import { checkDnsServer } from '../dns/resolve-name.js';
import { UsageError } from '../errors.js';
import { loweredNote } from '../plan/open-files.js';
import { commandStartedAt, preRunRemainingMs, type RunClock } from '../plan/run-clock.js';
import { createProgress } from '../report/progress.js';
import { exitCodeFor } from '../report/summary.js';
import { probeToReport } from '../engine/probe-to-report.js';
import { cleanMessage } from '../untrusted/evidence.js';
import type { RunPlan } from '../engine/probe-to-report.js';
import { LAYERS_BY_PROTOCOL } from '../model/endpoint.js';
import type { Endpoint } from '../model/endpoint.js';
import type { EndpointResult } from '../model/result.js';
import type { RunSettings } from '../model/settings.js';
import type { Report } from '../model/report.js';
import type { Flags } from './args.js';
import { planReportOutputs, writeReportOutputs } from './report-outputs.js';

/** What a run reports besides the probed endpoints. */
export interface RunExtras {
  /** Rows reported without a probe (catalog rows needing input, informational rows). */
  notProbed?: EndpointResult[];
  /** Decorates the report before rendering (profile, missing inputs, ...). */
  decorate?: (report: Report) => void;
  /** When the command's clock started (default: the command start). */
  startedAt?: number;
  /** When the pre-run share ends, if planning already fixed it. */
  preRunEndsAt?: number;
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
  const clock: RunClock = {
    startedAt: extras.startedAt ?? commandStartedAt(),
    deadlineMs: settings.deadlineMs,
    ...(extras.preRunEndsAt !== undefined ? { preRunEndsAt: extras.preRunEndsAt } : {}),
  };
  if (settings.dnsServersExplicit) await preflightDnsServers(settings, clock);
  if (settings.azureDns !== undefined) await preflightAzureDns(settings, clock);

  if (settings.concurrencyLowered) process.stderr.write(loweredNote(settings.concurrencyLowered, settings.concurrency));
  const progress = process.stderr.isTTY && endpoints.length > 1 ? createProgress(process.stderr, endpoints.length) : undefined;
  const plan: RunPlan = { endpoints, settings, startedAt: clock.startedAt };
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
  await writeReportOutputs(outputs, (format, withColour) => renderReportChunks(report, format, { colour: withColour, compact: flags.compact === true }), colour);
  return exitCodeFor(report.summary);
}

/**
 * A --dns-server that does not speak DNS would turn every endpoint into a DNS failure; it is the
 * user's input that is wrong, so it is exit 2 with one message, before the run.
 */
async function preflightDnsServers(settings: RunSettings, clock: RunClock): Promise<void> {
  const { timeoutMs, cut } = preflightTimeout(settings, clock);
  if (timeoutMs === 0) {
    process.stderr.write(`amlprobe: note: no time left to pre-flight ${settings.dnsServers.join(', ')}: the steps before probing used their third of --deadline; each name's DNS layer will judge.\n`);
    return;
  }
  const problems = await Promise.all(settings.dnsServers.map((server) => checkDnsServer(server, timeoutMs)));
  const found = problems.filter((p): p is string => p !== null);
  if (cut && found.length > 0 && found.every(isSilence)) {
    process.stderr.write(`amlprobe: note: ${found.join('; ')}; the pre-run share of --deadline allowed no longer wait, so each name's DNS layer will judge.\n`);
    return;
  }
  const messages = found.map((m) => (/[.!?]$/.test(m) ? m : `${m}.`));
  if (messages.length > 0) {
    throw new UsageError(`${messages.join(' ')} Check the address and port, or leave out --dns-server to use the system's resolvers.`, '--dns-server');
  }
}

/**
 * --azure-dns(-address) that does not answer would add a timeout to every name's comparison: off
 * Azure 168.63.129.16 is silent, so say that once, before the run.
 */
async function preflightAzureDns(settings: RunSettings, clock: RunClock): Promise<void> {
  const server = settings.azureDns;
  if (server === undefined) return;
  const { timeoutMs, cut } = preflightTimeout(settings, clock);
  const problem = timeoutMs === 0 ? 'no time was left to ask it (the steps before probing used their third of --deadline)' : await checkDnsServer(server, timeoutMs);
  if (problem !== null && (settings.azureDnsAuto || (cut && (timeoutMs === 0 || isSilence(problem))))) {
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

/**
 * The wait of a pre-flight query: the layer timeout, cut to what is left of the pre-run share of
 * the deadline (src/plan/run-clock.ts); 0 when none is left. `cut` says it was cut: silence then
 * proves less than a timeout would, so it is a note, not a usage error.
 */
function preflightTimeout(settings: RunSettings, clock: RunClock): { timeoutMs: number; cut: boolean } {
  // Under 50 ms a test query proves nothing: 0 means "skip it".
  const rest = Math.floor(preRunRemainingMs(clock));
  const left = rest < 50 ? 0 : rest;
  return left < settings.timeoutMs ? { timeoutMs: left, cut: true } : { timeoutMs: settings.timeoutMs, cut: false };
}

/** A pre-flight problem that is only silence (a server that may just be slow), not a wrong answer. */
function isSilence(problem: string): boolean {
  return /did not answer a test query/.test(problem);
}
