// Turns what private endpoints say about their names (src/azure/private-endpoint-json.ts) into DNS
// expectations: every endpoint of the plan whose host is a private FQDN must resolve to exactly the
// endpoint's address (the DNS layer reports anything else as unexpected_ip), and private FQDNs no row
// covers are added as DNS-only endpoints, so a stale A record or a privatelink CNAME to nowhere is
// caught even for names the catalog does not know.

import { canonicalAddress } from '../net/address.js';
import { UsageError } from '../errors.js';
import { readPrivateEndpointJson, type PrivateFqdn } from '../azure/private-endpoint-json.js';
import type { Endpoint } from '../model/endpoint.js';
import type { EndpointResult } from '../model/result.js';
import { unprobedResult } from './unprobed-result.js';

/** One private FQDN after merging every file: its addresses and who said so. */
export interface ExpectedName {
  fqdn: string;
  addresses: string[];
  sources: string[];
  groupIds: string[];
}

/** The rows of a plan being built: what to probe, and what is reported without a probe. */
export interface PlanRows {
  endpoints: Endpoint[];
  notProbed?: EndpointResult[];
}

/**
 * Reads every --private-endpoints-json file (the config's first, then the flag's) before any
 * probe, so a bad file is exit 2 at once, and merges their private FQDNs and addresses.
 */
export function readPrivateEndpointNames(files: readonly string[]): ExpectedName[] {
  return mergePrivateFqdns(files.flatMap((file) => readPrivateEndpointJson(file)));
}

/**
 * Merges the mappings of several files. The same name with the same addresses is one entry; the same
 * name with other addresses (two endpoints, e.g. in two VNets) is a usage error: a name resolves to
 * one private endpoint from where amlprobe runs, so "exactly these addresses" would be wrong for both.
 */
export function mergePrivateFqdns(records: readonly PrivateFqdn[]): ExpectedName[] {
  const byName = new Map<string, ExpectedName>();
  // Addresses of one endpoint for one name accumulate (dual stack); other endpoints must agree.
  const perSource = new Map<string, Set<string>>();
  for (const record of records) {
    const key = `${record.fqdn}\n${record.source}`;
    const set = perSource.get(key) ?? new Set<string>();
    for (const address of record.addresses) set.add(canonicalAddress(address));
    perSource.set(key, set);
    const entry = byName.get(record.fqdn) ?? { fqdn: record.fqdn, addresses: [], sources: [], groupIds: [] };
    if (!entry.sources.includes(record.source)) entry.sources.push(record.source);
    for (const g of record.groupIds) if (!entry.groupIds.includes(g)) entry.groupIds.push(g);
    byName.set(record.fqdn, entry);
  }
  for (const entry of byName.values()) {
    const sets = entry.sources.map((source) => ({ source, set: perSource.get(`${entry.fqdn}\n${source}`) ?? new Set<string>() }));
    const first = sets[0];
    if (first === undefined) continue;
    const other = sets.find((s) => s.set.size !== first.set.size || [...s.set].some((a) => !first.set.has(a)));
    if (other !== undefined) {
      throw new UsageError(
        `'${entry.fqdn}' maps to ${[...first.set].join(', ')} in ${first.source} but to ${[...other.set].join(', ')} in ${other.source}; ` +
          'pass only the private endpoints of the network amlprobe runs in.',
        '--private-endpoints-json',
      );
    }
    entry.addresses = [...first.set];
  }
  return [...byName.values()];
}

/** Whether `host` is covered by `pattern` (an exact name, or "*.zone" covering names below zone, as DNS wildcards do). */
export function fqdnCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

/** The public name of a privatelink name: "x.privatelink.blob.core.windows.net" -> "x.blob.core.windows.net". */
function withoutPrivatelink(fqdn: string): string | undefined {
  const stripped = fqdn.replace(/(^|\.)privatelink\./, '$1');
  return stripped === fqdn ? undefined : stripped;
}

/** The expected name that decides `host`: an exact name first, then the longest wildcard. */
function match(names: readonly ExpectedName[], host: string): ExpectedName | undefined {
  const exact = names.find((n) => n.fqdn === host || withoutPrivatelink(n.fqdn) === host);
  if (exact !== undefined) return exact;
  return names.filter((n) => fqdnCovers(n.fqdn, host)).sort((a, b) => b.fqdn.length - a.fqdn.length)[0];
}

/**
 * Sets `expect.addresses` on every plan endpoint whose host a private FQDN covers (an address list
 * written in the config wins), adds a required DNS-only endpoint for each exact FQDN no endpoint
 * covers, and reports each uncovered wildcard as a not-probed row: amlprobe does not invent a
 * name under it, since only names of real deployments are published.
 */
export function applyPrivateEndpointExpectations(plan: PlanRows, names: readonly ExpectedName[]): void {
  const covered = new Set<string>();
  for (const endpoint of plan.endpoints) {
    const found = match(names, endpoint.host);
    if (found === undefined) continue;
    covered.add(found.fqdn);
    if (endpoint.expect.addresses === undefined || endpoint.expect.addresses.length === 0) {
      const source = endpoint.expect.privateSource ?? 'private-endpoints-json';
      endpoint.expect = { ...endpoint.expect, addresses: [...found.addresses], privateSource: source };
    }
  }
  const ids = new Set(plan.endpoints.map((e) => e.id));
  for (const name of names) {
    if (covered.has(name.fqdn)) continue;
    if (name.fqdn.startsWith('*.')) {
      plan.notProbed = [...(plan.notProbed ?? []), wildcardRow(name)];
      continue;
    }
    const id = `private-endpoint:${name.fqdn}`;
    if (ids.has(id)) continue;
    ids.add(id);
    plan.endpoints.push(dnsEndpoint(id, name));
  }
}

function meta(name: ExpectedName): NonNullable<Endpoint['meta']> {
  const groups = name.groupIds.length > 0 ? ` (${name.groupIds.join(', ')})` : '';
  return {
    purpose: `private endpoint name${groups}: must resolve to ${name.addresses.join(', ')}`,
    sources: [...name.sources],
    remediation: 'fix the A record in the private DNS zone (or the custom DNS server) to the private endpoint address, or link the privatelink zone to this VNet',
  };
}

/** A DNS-only check of one private FQDN, with the endpoint's addresses as the expectation. */
function dnsEndpoint(id: string, name: ExpectedName): Endpoint {
  return {
    id,
    host: name.fqdn,
    port: 0,
    protocol: 'dns',
    path: '',
    required: true,
    expect: { addresses: [...name.addresses], privateSource: 'private-endpoints-json' },
    label: name.fqdn,
    meta: meta(name),
  };
}

/** A wildcard FQDN no endpoint of the plan falls under: shown, with how to check it. */
function wildcardRow(name: ExpectedName): EndpointResult {
  const example = `dns://NAME${name.fqdn.slice(1)}`;
  return unprobedResult({
    id: `private-endpoint:${name.fqdn}`,
    host: name.fqdn,
    port: 0,
    protocol: 'dns',
    required: false,
    reason: 'informational',
    message: `wildcard -> ${name.addresses.join(', ')}: add an endpoint under it to check it (target ${example} in --config)`,
    label: name.fqdn,
    meta: meta(name),
  });
}
