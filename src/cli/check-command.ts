// `amlprobe check TARGET...`: the jump-box command. Targets come from the command line; every one
// is required, and --expect-private applies to all of them. --config lends its settings, CA files
// and private-endpoint files (not its endpoints or profile); --private-endpoints-json holds the
// targets to their endpoints' addresses and adds a DNS check for every other private name, so
// `amlprobe check --private-endpoints-json pe.json` alone checks the DNS of every private endpoint.

import { UsageError } from '../errors.js';
import { parseTarget } from '../plan/targets.js';
import type { Endpoint } from '../model/endpoint.js';
import type { ParsedArgs } from './args.js';
import { privateEndpointNames, withPrivateEndpointExpectations } from './private-endpoints.js';
import { probeAndReport } from './probe-and-report.js';
import type { RunExtras } from './probe-and-report.js';
import { planReportOutputs } from './report-outputs.js';
import { buildSettings } from './settings.js';

/** Runs `check` and returns the exit code. */
export async function checkCommand(args: ParsedArgs): Promise<number> {
  const { flags } = args;
  // Imported only with --config: the YAML parser and the schema validator cost tens of milliseconds
  // of start-up that a plain `check` on a jump box should not pay.
  const config = flags.config !== undefined ? (await import('../plan/config.js')).loadConfig(flags.config) : undefined;
  const privateNames = privateEndpointNames(flags, config);
  if (args.positionals.length === 0 && privateNames.length === 0) {
    throw new UsageError(
      "'check' needs at least one target, e.g. amlprobe check https://ml.azure.com tcp://10.0.0.5:445, or --private-endpoints-json FILE to check the DNS of every private endpoint in it. See 'amlprobe --help'.",
    );
  }
  planReportOutputs(flags);
  if (config !== undefined && config.endpoints.length > 0) {
    process.stderr.write(
      `amlprobe: note: 'check' probes the targets on its command line, not the ${config.endpoints.length} endpoint(s) of ${flags.config}; run 'amlprobe run --config ${flags.config}' for those.\n`,
    );
  }
  const settings = buildSettings(flags, config?.settings ?? {});
  const endpoints = new Map<string, Endpoint>();
  for (const text of args.positionals) {
    const endpoint = parseTarget(text, { required: true, expectPrivate: settings.expectPrivate });
    // The same target twice is one probe: its verdict would be the same.
    if (!endpoints.has(endpoint.id)) endpoints.set(endpoint.id, endpoint);
  }
  const plan = withPrivateEndpointExpectations({ endpoints: [...endpoints.values()], settings }, privateNames);
  const extras: RunExtras = plan.notProbed ? { notProbed: plan.notProbed } : {};
  const caFiles = [...(config?.caFiles ?? []), ...(flags['ca-file'] ?? [])];
  return probeAndReport(plan.endpoints, plan.settings, { ...flags, 'ca-file': caFiles }, extras);
}
