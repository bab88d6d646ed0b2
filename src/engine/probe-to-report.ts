// Probing a plan into a Report: the engine's results, the rows reported without a probe, the
// summary. Shared by `check`, `run`, serve mode and the lab; knows nothing of flags or output.

import type { SecureContext } from 'node:tls';
import { runEndpoints } from './run-endpoints.js';
import type { Progress } from './run-endpoints.js';
import { redactProxySettings } from '../net/proxy-env.js';
import { summarize } from '../report/summary.js';
import { REPORT_SCHEMA_VERSION } from '../model/report.js';
import type { Endpoint } from '../model/endpoint.js';
import type { EndpointResult } from '../model/result.js';
import type { RunSettings } from '../model/settings.js';
import type { Report } from '../model/report.js';
import { cleanEndpointResult } from '../untrusted/evidence.js';
import { VERSION } from '../version.js';

/** What to probe and how to dress the report. */
export interface RunPlan {
  endpoints: Endpoint[];
  settings: RunSettings;
  /**
   * performance.now() reading when the command (or serve-mode run) started: the deadline counts
   * from there, so what ran before the first probe (src/plan/run-clock.ts) is inside it. Default: now.
   */
  startedAt?: number;
  /** When the pre-run share of the deadline ends, once a pre-run step has fixed it (src/plan/run-clock.ts). */
  preRunEndsAt?: number;
  /** Rows reported without a probe (catalog rows needing input, informational rows). */
  notProbed?: EndpointResult[];
  /** Adds run-level facts to the report (workspace profile, missing inputs, ...). */
  decorate?: (report: Report) => void;
}

/** Probes the plan and returns the report; never throws for network failures. */
export async function probeToReport(plan: RunPlan, options: { secureContext?: SecureContext | (() => SecureContext); onProgress?: (p: Progress) => void } = {}): Promise<Report> {
  const startedAt = new Date().toISOString();
  const outcome = await runEndpoints(plan.endpoints, plan.settings, { ...options, ...(plan.startedAt !== undefined ? { startedAt: plan.startedAt } : {}) });
  // Probed rows were cleaned layer by layer; rows made without a probe (registry discovery's
  // answer, files from az) are cleaned here.
  const results = [...outcome.results, ...(plan.notProbed ?? []).map(cleanEndpointResult)];
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'amlprobe', version: VERSION },
    startedAt,
    durationMs: outcome.durationMs,
    deadlineHit: outcome.deadlineHit,
    // Proxy URLs may carry credentials: a report shows scheme, host and port only.
    settings: redactProxySettings(plan.settings),
    summary: summarize(results),
    results,
  };
  plan.decorate?.(report);
  return report;
}
