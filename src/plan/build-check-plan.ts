// The plan of `amlprobe check TARGET...`: the jump-box command. Targets come from the command line;
// every one is required. A config file lends its settings, CA files and private-endpoint files (not
// its endpoints or profile); the private endpoints' files hold the targets to their endpoints'
// addresses and add a DNS check for every other private name.

import type { Endpoint } from '../model/endpoint.js';
import { UsageError } from '../errors.js';
import type { LoadedConfig } from './config.js';
import { buildSettings } from './build-settings.js';
import { finishEndpoints } from './finish-endpoints.js';
import { finishSettings } from './finish-settings.js';
import { pacingNote } from './dns-pacing.js';
import type { CheckPlanOptions } from './plan-options.js';
import { applyPrivateEndpointExpectations, readPrivateEndpointNames, type ExpectedName } from './private-endpoint-expectations.js';
import { applyDependencies, declaredDependencies, withSuffixZone } from './private-expectations.js';
import { commandStartedAt } from './run-clock.js';
import type { ResolvedPlan } from './run-plan.js';
import { parseTarget } from './targets.js';
import { layersOf } from '../checks/kinds.js';
import { youngGenerationFor } from './young-generation.js';

/** What `check` reads before it knows whether it has anything to probe: the config and the private endpoints' names. */
export interface CheckInputs {
  config?: LoadedConfig;
  names: ExpectedName[];
}

/** Reads the config file and the private endpoints' files; throws a UsageError for a bad one. */
export async function readCheckInputs(options: Pick<CheckPlanOptions, 'config' | 'privateEndpointsJson'>): Promise<CheckInputs> {
  // Imported only with a config: the YAML parser and the schema validator cost tens of milliseconds
  // of start-up that a plain `check` on a jump box should not pay.
  const config = options.config !== undefined ? (await import('./config.js')).loadConfig(options.config) : undefined;
  const names = readPrivateEndpointNames([...(config?.privateEndpointsJson ?? []), ...(options.privateEndpointsJson ?? [])]);
  return { ...(config !== undefined ? { config } : {}), names };
}

/** Builds the plan of `check`, resolvers pre-flighted; throws a UsageError for any bad input. */
export async function buildCheckPlan(options: CheckPlanOptions, inputs: CheckInputs): Promise<ResolvedPlan> {
  const startedAt = commandStartedAt();
  const { azureDns, ...asked } = buildSettings(options.settings, inputs.config?.settings ?? {});
  const unique = new Map<string, Endpoint>();
  for (const text of options.targets) {
    // --expect-private is stamped with the rest of the plan's decisions (finish-endpoints.ts).
    const endpoint = withSuffixZone(parseTarget(text, { required: true }));
    // The same target twice is one probe: its verdict would be the same.
    if (!unique.has(endpoint.id)) unique.set(endpoint.id, endpoint);
  }
  for (const text of options.blockedTargets ?? []) {
    const endpoint = blockedTarget(text);
    if (unique.has(endpoint.id) && unique.get(endpoint.id)?.expect.blocked !== true) {
      throw new UsageError(`'${text}' is given both as a target that must answer and as one that must be blocked; keep one.`, '--expect-blocked');
    }
    unique.set(endpoint.id, { ...endpoint, expect: { ...endpoint.expect, blocked: true } });
  }
  const rows: { endpoints: Endpoint[]; notProbed?: ResolvedPlan['notProbed'] } = { endpoints: [...unique.values()] };
  if (inputs.names.length > 0) applyPrivateEndpointExpectations(rows, inputs.names);
  const planned = applyDependencies(rows.endpoints.map((e) => (e.id.startsWith('private-endpoint:') ? withSuffixZone(e) : e)), declaredDependencies(inputs.config, options));
  const caFiles = [...(inputs.config?.caFiles ?? []), ...(options.settings.caFiles ?? [])];
  // The CA files are checked now (a bad one is exit 2 before any probe). A run without TLS does not
  // even load node:tls and the trust store code.
  const needsTls = rows.endpoints.some((e) => layersOf(e.protocol).includes('tls'));
  if (needsTls || caFiles.length > 0) (await import('../net/trust-store.js')).trustStoreFor(caFiles);
  const finished = await finishSettings(asked, azureDns === undefined ? undefined : { address: azureDns, auto: false }, { startedAt, deadlineMs: asked.deadlineMs });
  const paced = pacingNote(finished.settings, planned);
  return {
    endpoints: finishEndpoints(planned, finished.settings),
    settings: finished.settings,
    startedAt,
    notProbed: rows.notProbed ?? [],
    caFiles,
    notes: paced === undefined ? finished.notes : [...finished.notes, paced],
    youngGeneration: youngGenerationFor(planned.length),
  };
}

/** An --expect-blocked target, its errors naming the flag. */
function blockedTarget(text: string): Endpoint {
  try {
    return parseTarget(text, { required: true });
  } catch (error) {
    if (error instanceof UsageError && error.where === undefined) throw new UsageError(error.message, '--expect-blocked');
    throw error;
  }
}
