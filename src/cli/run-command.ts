// `amlprobe [run]`: the catalog of documented endpoints, expanded for the workspace profile, plus
// the endpoints of --config. Rows that cannot be probed are reported, never silently dropped.

import { learnWorkspace } from '../azure/learn-workspace.js';
import { AZURE_DNS_ADDRESS } from '../dns/privatelink-zones.js';
import { trustStoreFor } from '../net/trust-store.js';
import { loadCatalog } from '../plan/catalog-load.js';
import type { CatalogScenario } from '../plan/catalog-load.js';
import { expandCatalog } from '../plan/catalog-expand.js';
import type { NotProbedRow } from '../plan/catalog-expand.js';
import { loadConfig } from '../plan/config.js';
import { commandStartedAt, preRunSignal, type RunClock } from '../plan/run-clock.js';
import { selectProxy, type ProxyServer } from '../net/proxy-env.js';
import type { Endpoint } from '../model/endpoint.js';
import type { EndpointResult } from '../model/result.js';
import type { RunSettings } from '../model/settings.js';
import type { WorkspaceProfile } from '../model/profile.js';
import type { RunPlan } from '../engine/probe-to-report.js';
import type { Flags, ParsedArgs } from './args.js';
import { probeAndReport } from './probe-and-report.js';
import { planReportOutputs } from './report-outputs.js';
import type { RunExtras } from './probe-and-report.js';
import { buildSettings } from './settings.js';
import { profileFromFlags } from './workspace.js';
import { privateEndpointNames, withPrivateEndpointExpectations } from './private-endpoints.js';

/**
 * Scenarios probed when none is named: what every secured workspace needs from inside its VNet
 * (compute without public IP is the documented default and the strictest), plus the scenarios the
 * profile shows are in use. The others (AKS, managed online endpoints, ...) are asked for by name.
 */
const ALWAYS: readonly string[] = ['compute-no-public-ip', 'sdk-cli-client', 'studio', 'docker-images'];

/** The default scenario set for a profile, limited to those the catalog has. */
export function defaultScenarios(profile: WorkspaceProfile, catalog: readonly CatalogScenario[]): string[] {
  const wanted = new Set(ALWAYS);
  if (profile.registries && profile.registries.length > 0) {
    wanted.add('registry-public');
    if (profile.privateEndpoints !== false) wanted.add('registry-private');
  }
  if (profile.computeInstance) wanted.add('vscode-remote');
  return catalog.map((s) => s.scenario).filter((name) => wanted.has(name));
}

/** How a command plans: when its clock started, and a deadline it promises whatever the config says. */
export interface PlanOptions {
  /** performance.now() reading the deadline counts from (default: the command start, commandStartedAt()). */
  startedAt?: number;
  /** Cuts the deadline to this when --deadline is not given (healthcheck). */
  maxDeadlineMs?: number;
}

/** What `run`, serve mode and healthcheck probe: the plan, and the CA files it trusts. */
export interface FlagPlan {
  plan: RunPlan;
  caFiles: string[];
}

/**
 * Builds the plan of `run` from flags, the config file and the environment: validated settings,
 * the catalog expanded for the workspace profile (completed by what amlprobe learns itself: compute
 * instance, IMDS, registry discovery), and the config's own endpoints.
 */
export async function planFromFlags(flags: Flags, options: PlanOptions = {}): Promise<FlagPlan> {
  const startedAt = options.startedAt ?? commandStartedAt();
  const config = flags.config !== undefined ? loadConfig(flags.config) : undefined;
  const settings = buildSettings(flags, config?.settings ?? {});
  if (options.maxDeadlineMs !== undefined && flags.deadline === undefined) {
    // A command with its own promise (healthcheck: 10 s) cuts a config's longer deadline to it,
    // before any pre-run step, so that those steps get their share of the deadline that holds.
    settings.deadlineMs = Math.min(settings.deadlineMs, options.maxDeadlineMs);
    settings.timeoutMs = Math.min(settings.timeoutMs, settings.deadlineMs);
  }
  const built = profileFromFlags(flags, config?.profile, process.env, config?.workspaceJson);
  const privateNames = privateEndpointNames(flags, config);
  const { profile, origin } = built;
  const caFiles = [...(config?.caFiles ?? []), ...(flags['ca-file'] ?? [])];

  // A config that lists endpoints and names no scenario is a hand-made plan: probe just that.
  const named = flags.scenario ?? (config && config.scenarios.length > 0 ? config.scenarios : undefined);
  const useCatalog = named !== undefined || !config || config.endpoints.length === 0;

  const endpoints: Endpoint[] = [...(config?.endpoints ?? [])];
  if (!useCatalog) return { plan: withPrivateEndpointExpectations({ endpoints, settings, startedAt }, privateNames), caFiles };

  const clock: RunClock = { startedAt, deadlineMs: settings.deadlineMs };
  const preRun = preRunSignal(clock);
  const learned = await learnWorkspace(built, {
    signal: preRun.signal,
    noImds: flags['no-imds'] === true,
    noDiscovery: flags['no-discovery'] === true,
    ...(flags['token-file'] !== undefined ? { tokenFile: flags['token-file'] } : {}),
    timeoutMs: settings.timeoutMs,
    secureContext: trustStoreFor(caFiles),
    proxyFor: (url) => discoveryProxy(url, settings),
  }).finally(preRun.dispose);
  if (learned.inAzure !== undefined && settings.azureDns === undefined && flags['no-azure-dns'] !== true) {
    // Inside Azure, Azure-provided DNS is the reference the privatelink zones answer through:
    // comparing with it tells "custom DNS not forwarding" from "zone not linked".
    settings.azureDns = process.env.AMLPROBE_AZURE_DNS_ADDRESS?.trim() || AZURE_DNS_ADDRESS;
    settings.azureDnsAuto = true;
  }
  const catalog = loadCatalog();
  const expansion = expandCatalog(catalog, profile, { scenarios: named ?? defaultScenarios(profile, catalog) });
  const seen = new Set(endpoints.map((e) => e.id));
  for (const endpoint of expansion.endpoints) {
    if (settings.expectPrivate) endpoint.expect = { ...endpoint.expect, private: true };
    if (!seen.has(endpoint.id)) endpoints.push(endpoint);
  }
  const missingInputs = expansion.missing;
  return {
    plan: withPrivateEndpointExpectations({
      endpoints,
      settings,
      startedAt,
      ...(clock.preRunEndsAt !== undefined ? { preRunEndsAt: clock.preRunEndsAt } : {}),
      notProbed: [...learned.results, ...expansion.notProbed.map(notProbedResult)],
      decorate: (report) => {
        report.workspace = { profile, origin };
        report.missingInputs = missingInputs;
      },
    }, privateNames),
    caFiles,
  };
}

/** Runs `run` and returns the exit code. */
export async function runCommand(args: ParsedArgs): Promise<number> {
  planReportOutputs(args.flags);
  const { plan, caFiles } = await planFromFlags(args.flags);
  const extras: RunExtras = {};
  if (plan.startedAt !== undefined) extras.startedAt = plan.startedAt;
  if (plan.preRunEndsAt !== undefined) extras.preRunEndsAt = plan.preRunEndsAt;
  if (plan.notProbed) extras.notProbed = plan.notProbed;
  if (plan.decorate) extras.decorate = plan.decorate;
  return probeAndReport(plan.endpoints, plan.settings, { ...args.flags, 'ca-file': caFiles }, extras);
}

/**
 * The proxy for a registry discovery URL: what the run's settings (--proxy, https_proxy, no_proxy)
 * choose for an https endpoint on that host, so discovery takes the road the probes take.
 */
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
  try {
    return selectProxy(endpoint, settings);
  } catch {
    // A proxy setting that does not parse was refused before the run; nothing to tunnel through.
    return undefined;
  }
}

/** A catalog row that was not probed, as a result row with status skip. */
function notProbedResult(row: NotProbedRow): EndpointResult {
  return {
    id: row.id,
    host: row.label,
    port: 0,
    protocol: 'dns',
    path: '',
    required: row.required,
    address: null,
    status: 'skip',
    layer: null,
    reason: row.reason,
    message: row.message,
    ms: 0,
    checks: [],
    label: row.label,
    meta: row.meta,
  };
}
