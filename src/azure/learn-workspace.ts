// What amlprobe learns about the workspace by itself, after flags, config and environment have
// had their say (they always win): the compute instance's own markers, then IMDS when the region is
// still unknown, then registry discovery for every registry whose ID is unknown. Each learned value
// is recorded in the profile's origin map ('compute-instance', 'imds', 'discovery') so the report
// says where it came from. Nothing here throws for a network failure.

import type { SecureContext } from 'node:tls';
import type { ProxyServer } from '../net/proxy-env.js';
import type { BuiltProfile } from '../model/profile.js';
import type { EndpointResult } from '../model/result.js';
import { detectComputeInstance, NBVM_PATH } from './compute-instance.js';
import { IMDS_TIMEOUT_MS, IMDS_URL, queryImds } from './imds.js';
import { raceAbort } from '../abort.js';
import { discoverRegistry } from './registry-discovery.js';
import { createTokenProvider } from './token-source.js';
import { adoptRegion, learnFromImds } from './learned-region.js';

/** Switches and inputs of learnWorkspace. */
export interface LearnOptions {
  /** --no-imds, or AMLPROBE_IMDS_URL=off. */
  noImds: boolean;
  /** --no-discovery. */
  noDiscovery: boolean;
  /** --token-file. */
  tokenFile?: string;
  /** The run's per-layer timeout; the discovery call gets at least DISCOVERY_MIN_TIMEOUT_MS. */
  timeoutMs: number;
  /** The run's trust store, built only when a discovery call is made (it costs ~100 ms). */
  secureContext?: () => SecureContext;
  /** The forward proxy for a discovery URL, chosen by the run's proxy settings like a probe's. */
  proxyFor?: (url: URL) => ProxyServer | undefined;
  env?: NodeJS.ProcessEnv;
  /**
   * Aborts every step still running (IMDS, the token, discovery calls) when the pre-run share of
   * the run deadline is used up (src/plan/run-clock.ts); each then ends as a value, never a hang.
   */
  signal?: AbortSignal;
}

/** What learnWorkspace adds to the run besides the profile: the discovery rows. */
export interface Learned {
  results: EndpointResult[];
  /** How amlprobe knows it runs inside Azure (IMDS answered, or compute instance markers), if it does. */
  inAzure?: 'imds' | 'compute-instance';
  /** What the user should know about the learned region and cloud (IMDS disagreeing with the workspace), as sentences. */
  notes: string[];
}

/**
 * One discovery call is DNS + TCP + TLS + a request answered after a token check: several layers'
 * worth, so a short --timeout meant for one layer must not cut it off. Still bounded: never a hang.
 */
export const DISCOVERY_MIN_TIMEOUT_MS = 3000;

// Same shapes as the profile's own rules (src/plan/profile.ts): a learned value that does not fit
// is ignored rather than turned into a usage error the user cannot fix (regions: learned-region.ts).
const WORKSPACE = /^[a-z0-9][a-z0-9_-]{2,32}$/;
const INSTANCE = /^[a-z][a-z0-9-]{2,23}$/;

/**
 * Validates the token sources now (a bad --token-file is exit 2 before any probe), then fills
 * missing profile fields in place from the compute instance, IMDS and registry discovery.
 */
export async function learnWorkspace(built: BuiltProfile, options: LearnOptions): Promise<Learned> {
  const env = options.env ?? process.env;
  const { profile, origin } = built;
  const signal = options.signal;
  const notes: string[] = [];
  // The token file is checked now; the token's audience is read when a token is asked for, after
  // IMDS may have told the cloud.
  const tokenSource = createTokenProvider({
    get cloud() {
      return profile.cloud ?? 'public';
    },
    env,
    ...(options.tokenFile !== undefined ? { tokenFile: options.tokenFile } : {}),
  });
  // The identity chain takes no signal (and may try for 10 s): it is raced against the budget instead.
  const token: typeof tokenSource = signal === undefined
    ? tokenSource
    : () => raceAbort(tokenSource(), signal, () => ({ ok: false, message: `no access token in time: ${reasonText(signal)}` }));

  const nbvmPath = env.AMLPROBE_NBVM_FILE?.trim() || NBVM_PATH;
  const ci = detectComputeInstance(env, nbvmPath);
  const take = (field: 'workspaceName' | 'computeInstance', fact: { value: string } | undefined, rule: RegExp): void => {
    const value = fact?.value.toLowerCase();
    if (profile[field] !== undefined || value === undefined || !rule.test(value)) return;
    profile[field] = value;
    origin[field] = 'compute-instance';
  };
  take('computeInstance', ci?.instance, INSTANCE);
  take('workspaceName', ci?.workspaceName, WORKSPACE);
  const ciRegion = ci?.region?.value.toLowerCase();
  if (profile.region === undefined && ciRegion !== undefined) adoptRegion(built, ciRegion, 'compute-instance', notes);

  // Only the .nbvm file proves a compute instance: CI_NAME and CI_WORKSPACE are names any CI system
  // or shell may set, and "in Azure" switches on queries to Azure DNS.
  const nbvmSeen = ci !== undefined && Object.values(ci).some((fact) => fact?.source.startsWith(nbvmPath));
  let inAzure: Learned['inAzure'] = nbvmSeen ? 'compute-instance' : undefined;
  const imdsUrl = env.AMLPROBE_IMDS_URL?.trim() || IMDS_URL;
  // A region the user typed is not second-guessed (and costs no IMDS wait off Azure); one read from
  // a file or the instance's markers is compared with where this machine really is.
  const compare = origin.region === 'workspace-json' || origin.region === 'compute-instance';
  if ((profile.region === undefined || compare) && !options.noImds && imdsUrl.toLowerCase() !== 'off') {
    const imds = await queryImds(imdsUrl, IMDS_TIMEOUT_MS, signal);
    if (imds.ok) {
      inAzure ??= 'imds';
      learnFromImds(built, imds.facts, notes);
    }
  }

  const cloud = profile.cloud ?? 'public';
  const results: EndpointResult[] = [];
  const unknown = (profile.registries ?? []).filter((r) => r.id === undefined);
  const facts = { notes, ...(inAzure ? { inAzure } : {}) };
  if (options.noDiscovery || unknown.length === 0) return { results, ...facts };
  const baseUrl = env.AMLPROBE_DISCOVERY_URL?.trim() || undefined;
  const secureContext = options.secureContext?.();
  const found = await Promise.all(
    unknown.map((registry) =>
      discoverRegistry({
        registry,
        cloud,
        token,
        timeoutMs: Math.max(options.timeoutMs, DISCOVERY_MIN_TIMEOUT_MS),
        ...(baseUrl ? { baseUrl } : {}),
        ...(secureContext ? { secureContext } : {}),
        ...(options.proxyFor ? { proxyFor: options.proxyFor } : {}),
        ...(signal ? { signal } : {}),
      }),
    ),
  );
  found.forEach((discovery, index) => {
    const registry = unknown[index]!;
    results.push(discovery.result);
    if (discovery.id === undefined) return;
    registry.id = discovery.id;
    origin.registryIds = 'discovery';
    // Each region's FQDN is probed (src/plan/catalog-template.ts expands the registry rows per region).
    if (discovery.regions !== undefined && discovery.regions.length > 0) registry.regions = discovery.regions;
    if (registry.region === undefined && discovery.primaryRegion === undefined && registry.regions !== undefined) {
      registry.region = registry.regions[0];
      origin.registryRegions = 'discovery';
    }
    if (registry.region === undefined && discovery.primaryRegion !== undefined) {
      registry.region = discovery.primaryRegion;
      origin.registryRegions = 'discovery';
    }
  });
  return { results, ...facts };
}

/** Why a signal aborted, as a sentence. */
function reasonText(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'the run was cancelled';
}
