// `amlprobe [run]`: the catalog of documented endpoints, expanded for the workspace profile, plus
// the endpoints of --config (the plan: src/plan/build-run-plan.ts), probed and reported.

import { buildRunPlan } from '../plan/build-run-plan.js';
import { planReportOutputs } from '../output/report-outputs.js';
import type { ParsedArgs } from './args.js';
import { runPlanOptions } from './plan-options.js';
import { checkQuietAndVerbose, probeAndReport } from './probe-and-report.js';

/** Runs `run` and returns the exit code. */
export async function runCommand(args: ParsedArgs): Promise<number> {
  const outputs = planReportOutputs(args.flags);
  checkQuietAndVerbose(args.flags, outputs);
  const plan = await buildRunPlan(runPlanOptions(args.flags, { preflightResolvers: true }));
  return probeAndReport(plan, outputs, args.flags);
}
