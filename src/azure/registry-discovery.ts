// Registry discovery: the authenticated GET that tells a registry's private host names. Seed 001
// (and registry2025): GET https://<region>.api.azureml.ms/registrymanagement/v1.0/registries/<name>/discovery
// with "Authorization: Bearer <token>"; the docs read `.registryFqdns` from the answer. The code
// that reads it treats it as {<region>: {uri: "https://..."}} (reference yaml, registry.discovery_response);
// no official sample answer exists, so the registry ID is taken only from a host name of the
// documented private form <registry-guid>.registry.<region>.(privatelink.)api.azureml.ms, never guessed.
// The call itself is reported as a result row with its own verdict (docs/verdicts.md, discovery_*).

import type { SecureContext } from 'node:tls';
import type { ProxyServer } from '../net/proxy-env.js';
import { cloudValue } from '../azure/clouds.js';
import type { Reason, Status } from '../model/reason.js';
import type { HttpData } from '../model/evidence.js';
import type { EndpointResult, LayerResult } from '../model/result.js';
import type { Cloud } from '../model/profile.js';
import { getText } from './http-get.js';
import { redact } from '../untrusted/redact.js';
import type { TokenProvider } from './token-source.js';

/** What discovery learned about one registry (absent fields: not learned). */
export interface RegistryDiscovery {
  /** The row reporting the discovery call. */
  result: EndpointResult;
  /** The registry ID (GUID), lower case. */
  id?: string;
  /** The registry's primary region, as the answer names it. */
  primaryRegion?: string;
  /** Private FQDNs, one per region of registryFqdns: <guid>.registry.<region>.privatelink.<amlApiZone>. */
  privateFqdns: string[];
  /** Every region registryFqdns names (the registry answers on <guid>.registry.<region>.<amlApiZone> in each). */
  regions?: string[];
}

/** Inputs of one discovery call. */
export interface DiscoveryOptions {
  registry: { name: string; region?: string };
  cloud: Cloud;
  token: TokenProvider;
  /** Replaces "https://<region>.<amlApiZone>" (AMLPROBE_DISCOVERY_URL): tests point it at a loopback fake. */
  baseUrl?: string;
  secureContext?: SecureContext;
  /** The forward proxy the run's settings choose for the discovery URL (none: a direct connection). */
  proxyFor?: (url: URL) => ProxyServer | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The discovery URL of a registry; without a region, the per-cloud host the azure-ai-ml SDK calls. */
export function discoveryUrl(registry: { name: string; region?: string }, cloud: Cloud, baseUrl?: string): URL {
  const region = registry.region ?? cloudValue(cloud, 'registryDiscoveryRegion') ?? 'eastus';
  const base = baseUrl ?? `https://${region}.${cloudValue(cloud, 'amlApiZone') ?? 'api.azureml.ms'}`;
  return new URL(`${base.replace(/\/+$/, '')}/registrymanagement/v1.0/registries/${encodeURIComponent(registry.name)}/discovery`);
}

/** The id of a discovery call's report row is this prefix and the registry name. */
export const DISCOVERY_ROW_PREFIX = 'registry-discovery-auth-';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Calls the discovery URL and classifies the outcome; never throws for network or answer problems. */
export async function discoverRegistry(options: DiscoveryOptions): Promise<RegistryDiscovery> {
  const url = discoveryUrl(options.registry, options.cloud, options.baseUrl);
  const row = (status: Status, reason: Reason, message: string, data: HttpData, ms: number, detail?: string): EndpointResult =>
    discoveryRow(options.registry.name, url, status, reason, redact(message), data, ms, detail === undefined ? undefined : redact(detail));
  const token = await options.token();
  if (!token.ok) return { result: row('skip', 'discovery_no_token', token.message, { url: url.href }, 0), privateFqdns: [] };

  const proxy = options.proxyFor?.(url);
  const outcome = await getText(url, {
    headers: { authorization: `Bearer ${token.token}`, accept: 'application/json', 'user-agent': 'amlprobe' },
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.secureContext ? { secureContext: options.secureContext } : {}),
    ...(proxy ? { proxy } : {}),
  });
  const name = options.registry.name;
  const through = proxy === undefined ? '' : ` through the proxy ${proxy.display}`;
  if (outcome.kind === 'error') {
    return {
      result: row('fail', 'discovery_unreachable', `no answer from the discovery host ${url.host}${through} (${outcome.code}): ${outcome.message}`, { url: url.href, code: outcome.code, ...(proxy ? { proxy: proxy.display } : {}) }, outcome.ms),
      privateFqdns: [],
    };
  }
  const data: HttpData = { url: url.href, status: outcome.status, ...(proxy ? { proxy: proxy.display } : {}) };
  const via = `(token from ${token.origin})`;
  switch (outcome.status) {
    case 401:
      return { result: row('warn', 'discovery_unauthorized', `401: the access token was refused ${via}: expired, another tenant, or not an Azure Resource Manager token; get a fresh one (az login).`, data, outcome.ms), privateFqdns: [] };
    case 403:
      return { result: row('warn', 'discovery_forbidden', `403: the identity ${via} may not read registry '${name}'; grant it a role on the registry (e.g. AzureML Registry User).`, data, outcome.ms), privateFqdns: [] };
    case 404:
      return { result: row('fail', 'discovery_not_found', `404: no registry '${name}' at ${url.host}; check the name and its region (--registry NAME@REGION).`, data, outcome.ms), privateFqdns: [] };
  }
  if (outcome.status < 200 || outcome.status > 299) {
    return { result: row('warn', 'http_status', `the discovery host answered ${outcome.status} ${via}.`, data, outcome.ms, outcome.body.slice(0, 300)), privateFqdns: [] };
  }
  const parsed = parseDiscoveryAnswer(outcome.body, options.cloud);
  if (typeof parsed === 'string') return { result: row('warn', 'discovery_malformed', `200 but ${parsed}`, data, outcome.ms), privateFqdns: [] };
  const regions = parsed.regions.join(', ');
  const result = row('pass', 'ok', `registry '${name}': id ${parsed.id}, regions ${regions}`, data, outcome.ms, parsed.privateFqdns.join(' '));
  return { result, id: parsed.id, privateFqdns: parsed.privateFqdns, regions: parsed.regions, ...(parsed.primaryRegion ? { primaryRegion: parsed.primaryRegion } : {}) };
}

/** What a usable answer gives. */
interface ParsedAnswer {
  id: string;
  regions: string[];
  primaryRegion?: string;
  privateFqdns: string[];
}

/** Reads registryFqdns; returns what is wrong, as the end of a sentence, when the answer is unusable. */
export function parseDiscoveryAnswer(body: string, cloud: Cloud): ParsedAnswer | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the answer is not JSON.';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'the answer is not a JSON object.';
  const answer = json as Record<string, unknown>;
  const fqdns = answer.registryFqdns;
  if (fqdns === undefined) return 'the answer has no registryFqdns.';
  if (typeof fqdns !== 'object' || fqdns === null || Array.isArray(fqdns)) return 'registryFqdns is not an object keyed by region.';
  // Region names go into host names: bounded in length and number (the answer is untrusted).
  const regions = Object.keys(fqdns).map((r) => r.toLowerCase()).filter((r) => /^[a-z0-9]{1,40}$/.test(r)).slice(0, 32);
  if (regions.length === 0) return 'registryFqdns names no region.';
  const ids = new Set<string>();
  for (const value of Object.values(fqdns as Record<string, unknown>)) {
    const uri = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as { uri?: unknown }).uri : undefined;
    const id = typeof uri === 'string' ? registryIdFromUri(uri) : undefined;
    if (id !== undefined) ids.add(id);
  }
  if (ids.size !== 1) {
    return ids.size === 0
      ? 'no registryFqdns uri has the form https://<registry-guid>.registry.<region>...; the registry ID cannot be read from it.'
      : `registryFqdns names ${ids.size} different registry IDs.`;
  }
  const [id] = [...ids] as [string];
  const zone = cloudValue(cloud, 'amlApiZone') ?? 'api.azureml.ms';
  const primary = typeof answer.primaryRegion === 'string' ? answer.primaryRegion.toLowerCase() : undefined;
  return {
    id,
    regions,
    ...(primary !== undefined && /^[a-z0-9]+$/.test(primary) ? { primaryRegion: primary } : {}),
    privateFqdns: regions.map((region) => `${id}.registry.${region}.privatelink.${zone}`),
  };
}

/** The GUID of "https://<guid>.registry.<region>.<zone>/..." (any case), else undefined. */
function registryIdFromUri(uri: string): string | undefined {
  let host: string;
  try {
    host = new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const [first, second] = host.split('.');
  return first !== undefined && GUID.test(first) && second === 'registry' ? first : undefined;
}

/** The result row of one discovery call: one http layer, not required (the catalog's registry-discovery row proves the path). */
function discoveryRow(name: string, url: URL, status: Status, reason: Reason, message: string, data: HttpData, ms: number, detail?: string): EndpointResult {
  const check: LayerResult = { layer: 'http', status, reason, ms, message, data, ...(detail ? { detail } : {}) };
  return {
    id: `${DISCOVERY_ROW_PREFIX}${name}`,
    host: url.hostname,
    port: Number(url.port || 443),
    protocol: 'https',
    path: url.pathname,
    required: false,
    address: null,
    status,
    layer: status === 'pass' ? null : 'http',
    reason,
    message,
    ms,
    checks: [check],
    label: `registry discovery (authenticated): ${name}`,
    meta: { purpose: 'Learns the registry ID and its private FQDNs with an access token (never shown).', sources: ['001_0377f6d47655f550.txt', 'registry2025'] },
  };
}
