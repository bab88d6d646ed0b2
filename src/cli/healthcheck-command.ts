// `amlprobe healthcheck`: one run of the plan of `run`, silent on success, one line on stderr
// naming the failing required endpoints otherwise; exit 0 or 1. Made for Docker HEALTHCHECK and
// Kubernetes exec probes, which kill a slow check: the run deadline is 10 s unless --deadline says.

import { UsageError } from '../errors.js';
import { trustStoreFor } from '../net/trust-store.js';
import { exitCodeFor } from '../report/summary.js';
import { probeToReport } from '../run-report.js';
import { describeFailure, failingRequired } from '../serve/state.js';
import type { ParsedArgs } from './args.js';
import { planFromFlags } from './run-command.js';

/** The healthcheck's run deadline when --deadline is not given (a config's longer one is cut to it). */
export const HEALTHCHECK_DEADLINE_MS = 10_000;

/** Runs one healthcheck; returns 0 when every required endpoint passed, else 1. */
export async function healthcheckCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`healthcheck takes no targets (got '${args.positionals[0]}'); list endpoints in --config.`);
  if (args.flags.output !== undefined || args.flags.format !== undefined) {
    throw new UsageError('healthcheck prints nothing on success and one line on failure; use `amlprobe run` for a report (--format/--output).');
  }
  // The deadline is cut before planning, so IMDS and discovery get their share of the 10 s.
  const { plan, caFiles } = await planFromFlags(args.flags, { maxDeadlineMs: HEALTHCHECK_DEADLINE_MS });
  const report = await probeToReport(plan, { secureContext: trustStoreFor(caFiles) });
  const failing = failingRequired(report);
  if (failing.length > 0) {
    process.stderr.write(`amlprobe healthcheck: ${failing.length} required endpoint(s) failed: ${failing.map(describeFailure).join('; ')}\n`);
  }
  return exitCodeFor(report.summary);
}
