// Which names must resolve privately, and why, decided once per endpoint as data: expect.private
// with expect.privateSource, and expect.privateZone, the private DNS zone of the name's service (a
// CNAME chain into it proves a private endpoint exists, so the DNS check fails a public answer).
// The zone is the catalog row's when the row is from the catalog (catalog-expand.ts sets it); for
// config endpoints, targets and private-endpoint names it is Microsoft's documented zone for the
// name's suffix ("Azure Private Endpoint private DNS zone values"), so the sign-in and management
// names, whose chains carry a privatelink label for everyone, never get one.

import { UsageError } from '../errors.js';
import { closestMatch } from '../did-you-mean.js';
import { isIpLiteral } from '../net/address.js';
import { zoneBySuffix } from '../dns/privatelink-zones.js';
import type { Endpoint } from '../model/endpoint.js';
import { fqdnCovers } from './private-endpoint-expectations.js';

/** The flag that declares dependencies behind private endpoints, and its config key. */
export const PRIVATE_DEPENDENCY_FLAG = '--private-dependency';
export const PRIVATE_DEPENDENCY_KEY = 'workspace.privateDependencies';
/** The flag that declares dependencies this client reaches by their public endpoint, and its config key. */
export const PUBLIC_DEPENDENCY_FLAG = '--public-dependency';
export const PUBLIC_DEPENDENCY_KEY = 'workspace.publicDependencies';

/** Each keyword and the private DNS zones (by their first two labels, any cloud) it covers. */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  storage: ['privatelink.blob.', 'privatelink.file.', 'privatelink.queue.', 'privatelink.table.', 'privatelink.dfs.'],
  blob: ['privatelink.blob.'],
  file: ['privatelink.file.'],
  queue: ['privatelink.queue.'],
  table: ['privatelink.table.'],
  dfs: ['privatelink.dfs.'],
  keyvault: ['privatelink.vaultcore.'],
  acr: ['privatelink.azurecr.'],
};

/** The keywords --private-dependency takes besides host names. */
export const PRIVATE_DEPENDENCY_KINDS: readonly string[] = Object.keys(KINDS);

/** One declared dependency: a kind keyword, or a host name / "*.suffix" pattern. */
export type PrivateDependency = { kind: string } | { host: string };

/**
 * Parses the declared dependencies ("storage,keyvault", "contoso.blob.core.windows.net",
 * "*.vault.azure.net"); throws a UsageError naming `where` for anything else.
 */
export function parsePrivateDependencies(values: readonly string[], where: string): PrivateDependency[] {
  const out: PrivateDependency[] = [];
  for (const value of values.flatMap((v) => v.split(','))) {
    const text = value.trim().toLowerCase().replace(/\.$/, '');
    if (text === '') continue;
    if (KINDS[text] !== undefined) {
      out.push({ kind: text });
    } else if (/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(text)) {
      out.push({ host: text });
    } else {
      const guess = closestMatch(text, PRIVATE_DEPENDENCY_KINDS);
      const hint = guess === undefined ? '' : ` Did you mean '${guess}'?`;
      throw new UsageError(
        `'${value.trim()}' is not a dependency: give ${PRIVATE_DEPENDENCY_KINDS.join(', ')}, a host name (contoso.vault.azure.net) or *.suffix.${hint}`,
        where,
      );
    }
  }
  return out;
}

/** The suffix zone of a config endpoint, target or private-endpoint name; none for an IP literal or `expect.private: false`. */
export function withSuffixZone(endpoint: Endpoint): Endpoint {
  if (endpoint.expect.privateZone !== undefined || endpoint.expect.private === false || isIpLiteral(endpoint.host)) return endpoint;
  const zone = zoneBySuffix(endpoint.host);
  return zone === undefined ? endpoint : { ...endpoint, expect: { ...endpoint.expect, privateZone: zone } };
}

function declares(dependency: PrivateDependency, endpoint: Endpoint): boolean {
  if ('host' in dependency) return fqdnCovers(dependency.host, endpoint.host);
  const zone = endpoint.expect.privateZone;
  return zone !== undefined && (KINDS[dependency.kind] ?? []).some((prefix) => zone.startsWith(prefix));
}

/**
 * Every endpoint a declared dependency covers must resolve privately (source private-dependency),
 * unless another input already made it private. Endpoints no declaration covers are unchanged:
 * service endpoints, where a public answer is right, stay valid.
 */
function applyPrivateDependencies(endpoints: readonly Endpoint[], declared: readonly PrivateDependency[]): Endpoint[] {
  if (declared.length === 0) return [...endpoints];
  return endpoints.map((endpoint) => {
    if (endpoint.expect.private === true || isIpLiteral(endpoint.host) || !declared.some((d) => declares(d, endpoint))) return endpoint;
    return { ...endpoint, expect: { ...endpoint.expect, private: true, privateSource: 'private-dependency' as const } };
  });
}

/**
 * Every endpoint a public declaration covers may resolve publicly: a dependency with a private
 * endpoint elsewhere (its public CNAME enters its privatelink zone for everyone) that this client
 * reaches through a service endpoint or an allowed public address. Its zone is dropped (no
 * inference) and any expectation of a private answer with it; the user's word against the plan's
 * defaults. A name declared both private and public is a usage error: one of the two is wrong.
 */
function applyPublicDependencies(endpoints: readonly Endpoint[], declared: readonly PrivateDependency[], privates: readonly PrivateDependency[] = []): Endpoint[] {
  if (declared.length === 0) return [...endpoints];
  return endpoints.map((endpoint) => {
    if (isIpLiteral(endpoint.host) || !declared.some((d) => declares(d, endpoint))) return endpoint;
    if (privates.some((d) => declares(d, endpoint))) {
      throw new UsageError(`${endpoint.host} is declared both private (${PRIVATE_DEPENDENCY_FLAG}) and public (${PUBLIC_DEPENDENCY_FLAG}): keep the one that says how this client reaches it.`, PUBLIC_DEPENDENCY_FLAG);
    }
    const { privateZone: _zone, ...expect } = endpoint.expect;
    return { ...endpoint, expect: { ...expect, private: false, privateSource: 'public-dependency' as const } };
  });
}

/** The dependencies declared private and public: the config's, then the flags' (as typed). */
export interface DeclaredDependencies {
  private: PrivateDependency[];
  public: PrivateDependency[];
}

/** Reads the declarations of the config and the flags; a bad flag value is a UsageError naming its flag. */
export function declaredDependencies(
  config: { privateDependencies?: PrivateDependency[]; publicDependencies?: PrivateDependency[] } | undefined,
  flags: { privateDependencies?: string[] | undefined; publicDependencies?: string[] | undefined },
): DeclaredDependencies {
  return {
    private: [...(config?.privateDependencies ?? []), ...parsePrivateDependencies(flags.privateDependencies ?? [], PRIVATE_DEPENDENCY_FLAG)],
    public: [...(config?.publicDependencies ?? []), ...parsePrivateDependencies(flags.publicDependencies ?? [], PUBLIC_DEPENDENCY_FLAG)],
  };
}

/** Both declarations applied: private first, then public (a name in both is a UsageError). */
export function applyDependencies(endpoints: readonly Endpoint[], declared: DeclaredDependencies): Endpoint[] {
  return applyPublicDependencies(applyPrivateDependencies(endpoints, declared.private), declared.public, declared.private);
}
