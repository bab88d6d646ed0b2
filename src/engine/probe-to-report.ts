// Probing a plan into a Report: the engine's results, the rows reported without a probe, the
// summary. Shared by `check`, `run`, serve mode and the lab; knows nothing of flags or output.

import type { SecureContext } from 'node:tls';
import { groupCauses } from '../causes/group-causes.js';
import { reproduceCommands } from '../causes/reproduce.js';
import { runEndpoints } from './run-endpoints.js';
import type { Progress } from './run-endpoints.js';
import { redactProxySettings } from '../net/proxy-env.js';
import { summarize } from './summary.js';
import { REPORT_SCHEMA_VERSION } from '../model/report.js';
import type { Report } from '../model/report.js';
import type { PlannedSettings, RunSettings } from '../model/settings.js';
import type { ResolvedPlan } from '../plan/run-plan.js';
import { cleanEndpointResult } from '../untrusted/evidence.js';
import { VERSION } from '../version.js';

/**
 * What the engine probes: a resolved plan (src/plan/run-plan.ts), or the part of one a caller that
 * plans by hand (tests) gives. The report copies the plan's run-level facts as they are.
 */
export type RunPlan = Pick<ResolvedPlan, 'endpoints' | 'settings'> & Partial<Pick<ResolvedPlan, 'startedAt' | 'notProbed' | 'workspace' | 'missingInputs' | 'caFiles'>>;

/** Probes the plan and returns the report; never throws for network failures. */
export async function probeToReport(plan: RunPlan, options: { secureContext?: SecureContext | (() => SecureContext); onProgress?: (p: Progress) => void } = {}): Promise<Report> {
  const startedAt = new Date().toISOString();
  const outcome = await runEndpoints(plan.endpoints, plan.settings, { ...options, ...(plan.startedAt !== undefined ? { startedAt: plan.startedAt } : {}) });
  // Probed rows were cleaned layer by layer; rows made without a probe (registry discovery's
  // answer, files from az) are cleaned here.
  const results = [...outcome.results, ...(plan.notProbed ?? []).map(cleanEndpointResult)];
  // Each failure's proof, from its own evidence (cleaned above): what the network team can rerun.
  for (const result of results) {
    const commands = reproduceCommands(result, { timeoutMs: plan.settings.timeoutMs, caFile: plan.caFiles?.[0] });
    if (commands.length > 0) result.reproduce = commands;
  }
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'amlprobe', version: VERSION },
    startedAt,
    durationMs: outcome.durationMs,
    deadlineHit: outcome.deadlineHit,
    // Proxy URLs may carry credentials: a report shows scheme, host and port only.
    settings: redactProxySettings(documentedSettings(plan.settings)),
    summary: summarize(results),
    causes: groupCauses(results),
    results,
  };
  // After the results, as the JSON report has always ordered them.
  if (plan.workspace !== undefined) {
    const { profile, origin, notes } = plan.workspace;
    report.workspace = { profile, origin, ...(notes !== undefined && notes.length > 0 ? { notes } : {}) };
  }
  if (plan.missingInputs !== undefined) report.missingInputs = plan.missingInputs;
  return report;
}

/** The settings as documented for the report: the text values, not their parsed forms. */
function documentedSettings(settings: PlannedSettings): RunSettings {
  if (settings.parsed === undefined) return settings;
  const { parsed: _parsed, ...documented } = settings;
  return documented;
}
