// `amlprobe healthcheck`: one run of the plan of `run`, silent on success, one line on stderr
// naming the failing required endpoints otherwise; exit 0 or 1. Made for Docker HEALTHCHECK and
// Kubernetes exec probes, which kill a slow check: the run deadline is 10 s unless --deadline says.
// With --serve-state PATH it probes nothing: it reads the state file a running `amlprobe serve`
// keeps (see src/serve/state-file.ts), which is what the container image's HEALTHCHECK does.

import { UsageError } from '../errors.js';
import { readServeState } from '../serve/state-file.js';
import { judgeServeState } from '../serve/state-verdict.js';
import type { ParsedArgs } from './args.js';
import { obeyYoungGeneration } from './gc-tuning.js';

/** The healthcheck's run deadline when --deadline is not given (a config's longer one is cut to it). */
export const HEALTHCHECK_DEADLINE_MS = 10_000;

/** Runs one healthcheck; returns 0 when every required endpoint passed, else 1. */
export async function healthcheckCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`healthcheck takes no targets (got '${args.positionals[0]}'); list endpoints in --config.`);
  if (args.flags['serve-state'] !== undefined) return serveStateCheck(args);
  if (args.flags.output !== undefined || args.flags.format !== undefined) {
    throw new UsageError('healthcheck prints nothing on success and one line on failure; use `amlprobe run` for a report (--format/--output).');
  }
  // Loaded only for a probing healthcheck: the --serve-state one reads a file and nothing else.
  const [{ buildRunPlan }, { runPlanOptions }, { probeToReport }, { trustStoreFor }, { exitCodeFor }, { describeFailure, failingRequired }] = await Promise.all([
    import('../plan/build-run-plan.js'),
    import('./plan-options.js'),
    import('../engine/probe-to-report.js'),
    import('../net/trust-store.js'),
    import('../engine/summary.js'),
    import('../serve/state.js'),
  ]);
  // The deadline is cut before planning, so IMDS and discovery get their share of the 10 s.
  const plan = await buildRunPlan(runPlanOptions(args.flags, { maxDeadlineMs: HEALTHCHECK_DEADLINE_MS }));
  obeyYoungGeneration(plan.youngGeneration);
  const report = await probeToReport(plan, { secureContext: trustStoreFor(plan.caFiles) });
  const failing = failingRequired(report);
  if (failing.length > 0) {
    process.stderr.write(`amlprobe healthcheck: ${failing.length} required endpoint(s) failed: ${failing.map(describeFailure).join('; ')}\n`);
  }
  return exitCodeFor(report.summary);
}

/**
 * `healthcheck --serve-state PATH`: healthy when serve finished a run recently enough and no
 * required endpoint failed in it. No file means no serve in this container (a one-shot `run` or
 * `lab`): nothing to check, exit 0, so one image-wide HEALTHCHECK suits every command. Anything
 * else wrong is exit 1, never 2: Docker reserves 2 for health checks.
 */
function serveStateCheck(args: ParsedArgs): number {
  const path = args.flags['serve-state'] ?? '';
  const others = Object.entries(args.flags).filter(([name, value]) => value !== undefined && name !== 'serve-state' && name !== 'no-color');
  if (others.length > 0) {
    throw new UsageError(`healthcheck --serve-state reads the state of a running 'amlprobe serve' and probes nothing, so --${others[0]![0]} has no effect; drop it (serve got its options when it started).`);
  }
  if (path.trim() === '') throw new UsageError("--serve-state '': name the state file serve writes, e.g. /tmp/amlprobe/serve-state.json.");
  const read = readServeState(path);
  if (read.kind === 'missing') {
    process.stdout.write(`amlprobe healthcheck: no serve state at ${path}: no 'amlprobe serve' runs here (a one-shot run or lab); nothing to check\n`);
    return 0;
  }
  if (read.kind === 'unreadable') {
    process.stderr.write(`amlprobe healthcheck: cannot use ${path}: ${read.why}\n`);
    return 1;
  }
  const health = judgeServeState(read.state, Date.now());
  if (!health.healthy) process.stderr.write(`amlprobe healthcheck: ${health.message ?? 'unhealthy'}\n`);
  return health.healthy ? 0 : 1;
}
