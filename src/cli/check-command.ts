// `amlprobe check TARGET...`: the jump-box command. Targets come from the command line; every one
// is required, and --expect-private applies to all of them. --config lends its settings, CA files
// and private-endpoint files (not its endpoints or profile); --private-endpoints-json holds the
// targets to their endpoints' addresses and adds a DNS check for every other private name, so
// `amlprobe check --private-endpoints-json pe.json` alone checks the DNS of every private endpoint.

import { UsageError } from '../errors.js';
import { buildCheckPlan, readCheckInputs } from '../plan/build-check-plan.js';
import { planReportOutputs } from '../output/report-outputs.js';
import type { ParsedArgs } from './args.js';
import { checkPlanOptions } from './plan-options.js';
import { checkQuietAndVerbose, probeAndReport } from './probe-and-report.js';

/** Runs `check` and returns the exit code. */
export async function checkCommand(args: ParsedArgs): Promise<number> {
  const { flags } = args;
  const options = checkPlanOptions(flags, args.positionals);
  const inputs = await readCheckInputs(options);
  if (args.positionals.length === 0 && inputs.names.length === 0) {
    throw new UsageError(
      "'check' needs at least one target, e.g. amlprobe check https://ml.azure.com tcp://10.0.0.5:445, or --private-endpoints-json FILE to check the DNS of every private endpoint in it. See 'amlprobe --help'.",
    );
  }
  const outputs = planReportOutputs(flags);
  checkQuietAndVerbose(flags, outputs);
  const { config } = inputs;
  if (config !== undefined && config.endpoints.length > 0) {
    process.stderr.write(
      `amlprobe: note: 'check' probes the targets on its command line, not the ${config.endpoints.length} endpoint(s) of ${options.config}; run 'amlprobe run --config ${options.config}' for those.\n`,
    );
  }
  return probeAndReport(await buildCheckPlan(options, inputs), outputs, flags);
}
