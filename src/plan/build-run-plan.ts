// The plan of `run` (and of serve mode and healthcheck): the catalog of documented endpoints,
// expanded for the workspace profile, plus the endpoints of the config file. Everything before the
// first packet happens here, inside the run's deadline: the config, the settings, the profile and
// what amlprobe learns by itself (compute instance, IMDS, registry discovery), Azure DNS, the
// expectations, each endpoint's route and the resolvers' pre-flight. Rows that cannot be probed are
// part of the plan, never silently dropped.

import { learnWorkspace } from '../azure/learn-workspace.js';
import { AZURE_DNS_ADDRESS } from '../dns/privatelink-zones.js';
import { trustStoreFor } from '../net/trust-store.js';
import type { Endpoint } from '../model/endpoint.js';
import type { EndpointResult } from '../model/result.js';
import type { ProxyServer } from '../model/route.js';
import type { RunSettings } from '../model/settings.js';
import { buildSettings } from './build-settings.js';
import { expandCatalog, type NotProbedRow } from './catalog-expand.js';
import { loadShippedCatalog } from './shipped-catalog.js';
import { defaultScenarios } from './default-scenarios.js';
import type { RunPlanOptions } from './plan-options.js';
import { finishSettings, type AzureDnsChoice } from './finish-settings.js';
import { pacingNote } from './dns-pacing.js';
import { applyPrivateEndpointExpectations, readPrivateEndpointNames } from './private-endpoint-expectations.js';
import { finishEndpoints } from './finish-endpoints.js';
import { applyManagedNetwork } from './managed-network-plan.js';
import { applyDependencies, declaredDependencies, withSuffixZone } from './private-expectations.js';
import { routeOf } from './routes.js';
import { commandStartedAt, preRunSignal, type RunClock } from './run-clock.js';
import type { ResolvedPlan } from './run-plan.js';
import { profileFromOptions } from './workspace-profile.js';
import { unprobedResult } from './unprobed-result.js';
import { youngGenerationFor } from './young-generation.js';

/**
 * Builds the plan of `run` from the options, the config file and the environment. Throws a
 * UsageError (exit 2) for any bad input; never for a network failure.
 */
export async function buildRunPlan(options: RunPlanOptions, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedPlan> {
  const startedAt = options.startedAt ?? commandStartedAt();
  // The YAML parser and the schema validator load only for a run that has a config file.
  const config = options.config !== undefined ? (await import('./config.js')).loadConfig(options.config) : undefined;
  const { azureDns: askedAzureDns, ...asked } = buildSettings(options.settings, config?.settings ?? {}, env);
  const built = profileFromOptions(options.profile, config?.profile, env, config?.workspaceJson);
  const names = readPrivateEndpointNames([...(config?.privateEndpointsJson ?? []), ...(options.privateEndpointsJson ?? [])]);
  const declared = declaredDependencies(config, options);
  const caFiles = [...(config?.caFiles ?? []), ...(options.settings.caFiles ?? [])];
  // The files are checked now (a bad one is exit 2 before any probe); the store is built by the
  // first TLS handshake that needs it, or by registry discovery (src/net/trust-store.ts).
  const trustStore = trustStoreFor(caFiles);
  let azureDns: AzureDnsChoice | undefined = askedAzureDns === undefined ? undefined : { address: askedAzureDns, auto: false };

  // A config that lists endpoints and names no scenario is a hand-made plan: probe just that.
  const named = options.scenarios ?? (config && config.scenarios.length > 0 ? config.scenarios : undefined);
  const useCatalog = named !== undefined || !config || config.endpoints.length === 0;
  // Config endpoints get the documented zone of their name's suffix; catalog rows bring their own.
  const endpoints: Endpoint[] = (config?.endpoints ?? []).map(withSuffixZone);
  const clock: RunClock = { startedAt, deadlineMs: asked.deadlineMs };
  const rows: { endpoints: Endpoint[]; notProbed?: EndpointResult[] } = { endpoints };
  let catalogFacts: Pick<ResolvedPlan, 'workspace' | 'missingInputs'> = {};
  let insideAzure = false;
  let profileNotes: string[] = [];

  if (useCatalog) {
    const preRun = preRunSignal(clock);
    // Discovery takes the road the probes take: the route the run's settings give an https endpoint on its host.
    const routing: RunSettings = { ...asked };
    const learned = await learnWorkspace(built, {
      env,
      signal: preRun.signal,
      noImds: options.learning.noImds === true,
      noDiscovery: options.learning.noDiscovery === true,
      ...(options.learning.tokenFile !== undefined ? { tokenFile: options.learning.tokenFile } : {}),
      timeoutMs: asked.timeoutMs,
      secureContext: trustStore,
      proxyFor: (url) => discoveryProxy(url, routing),
    }).finally(preRun.dispose);
    insideAzure = learned.inAzure !== undefined;
    if (learned.inAzure !== undefined && azureDns === undefined && options.learning.noAzureDns !== true) {
      // Inside Azure, Azure-provided DNS is the reference the privatelink zones answer through:
      // comparing with it tells "custom DNS not forwarding" from "zone not linked".
      azureDns = { address: env.AMLPROBE_AZURE_DNS_ADDRESS?.trim() || AZURE_DNS_ADDRESS, auto: true };
    }
    const catalog = await loadShippedCatalog();
    const { profile, origin } = built;
    const expansion = expandCatalog(catalog, profile, { scenarios: named ?? defaultScenarios(profile, catalog) });
    const seen = new Set(endpoints.map((e) => e.id));
    for (const endpoint of expansion.endpoints) if (!seen.has(endpoint.id)) endpoints.push(endpoint);
    rows.notProbed = [...learned.results, ...expansion.notProbed.map(notProbedResult)];
    catalogFacts = { workspace: { profile, origin, ...(learned.notes.length > 0 ? { notes: learned.notes } : {}) }, missingInputs: expansion.missing };
    profileNotes = learned.notes.map((note) => `amlprobe: note: ${note}\n`);
  }
  // The managed network's canaries, FQDN-rule rows, private endpoints and findings (src/plan/managed-network-plan.ts).
  applyManagedNetwork(rows, built);
  if (names.length > 0) applyPrivateEndpointExpectations(rows, names);
  const planned = applyDependencies(rows.endpoints.map((e) => (e.id.startsWith('private-endpoint:') || e.id.startsWith('managed-network-pe:') ? withSuffixZone(e) : e)), declared);

  const finished = await finishSettings(asked, azureDns, options.preflightResolvers === true ? clock : undefined, insideAzure);
  const paced = pacingNote(finished.settings, planned);
  return {
    endpoints: finishEndpoints(planned, finished.settings),
    settings: finished.settings,
    startedAt,
    ...(clock.preRunEndsAt !== undefined ? { preRunEndsAt: clock.preRunEndsAt } : {}),
    notProbed: rows.notProbed ?? [],
    ...catalogFacts,
    caFiles,
    notes: [...profileNotes, ...finished.notes, ...(paced === undefined ? [] : [paced])],
    youngGeneration: youngGenerationFor(planned.length),
  };
}

/** The proxy for a registry discovery URL: the route of an https endpoint on that host. */
function discoveryProxy(url: URL, settings: RunSettings): ProxyServer | undefined {
  const endpoint: Endpoint = {
    id: 'registry-discovery',
    protocol: 'https',
    host: url.hostname.toLowerCase(),
    port: url.port === '' ? 443 : Number(url.port),
    path: url.pathname,
    required: false,
    expect: {},
  };
  const route = routeOf(endpoint, settings);
  // A proxy setting that does not parse was refused before the run; nothing to tunnel through.
  return route.via === 'proxy' ? route.proxy : undefined;
}

/** A catalog row that was not probed, as a result row with status skip. */
function notProbedResult(row: NotProbedRow): EndpointResult {
  return unprobedResult({ id: row.id, host: row.label, port: 0, protocol: 'dns', required: row.required, reason: row.reason, message: row.message, label: row.label, meta: row.meta });
}
