// `--private-endpoints-json FILE` (repeatable) and the config's workspace.privateEndpointsJson: read
// every file before any probe (a bad file is exit 2 at once) and turn them into DNS expectations on
// the plan (src/plan/private-endpoint-expectations.ts).

import { readPrivateEndpointJson } from '../azure/private-endpoint-json.js';
import type { LoadedConfig } from '../plan/config.js';
import { applyPrivateEndpointExpectations, mergePrivateFqdns } from '../plan/private-endpoint-expectations.js';
import type { ExpectedName } from '../plan/private-endpoint-expectations.js';
import type { RunPlan } from '../engine/probe-to-report.js';
import type { Flags } from './args.js';

/** The private FQDNs and addresses of the config's files, then the flag's, merged. */
export function privateEndpointNames(flags: Flags, config: LoadedConfig | undefined): ExpectedName[] {
  const files = [...(config?.privateEndpointsJson ?? []), ...(flags['private-endpoints-json'] ?? [])];
  return mergePrivateFqdns(files.flatMap((file) => readPrivateEndpointJson(file)));
}

/** The plan with the private endpoints' expectations applied (the same object, for use in a return). */
export function withPrivateEndpointExpectations(plan: RunPlan, names: readonly ExpectedName[]): RunPlan {
  if (names.length > 0) applyPrivateEndpointExpectations(plan, names);
  return plan;
}
