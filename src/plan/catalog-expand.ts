// Turns catalog rows plus a workspace profile into concrete endpoints. Rows that cannot be probed are
// kept, with the reason, so the report shows everything the documentation asks for: inbound rules,
// wildcards without a concrete name, and names that need a profile value nobody gave (those also go
// into `missing`, which the report lists first with the flag that provides each value).

import { UsageError } from '../errors.js';
import type { Endpoint, EndpointMeta, Protocol } from '../model/endpoint.js';
import type { Cloud, WorkspaceProfile } from '../model/profile.js';
import type { CatalogRequirement, CatalogRow, CatalogScenario } from './catalog-load.js';
import { CLOUD_TITLES } from '../azure/clouds.js';
import { baseBindings, checkTemplates, expandTemplate, instancesOf, missingFields } from './catalog-template.js';
import type { Bindings } from './catalog-template.js';
import { didYouMean } from '../did-you-mean.js';
import { NOTEBOOKS_LABEL_HINT, notebooksLabel } from './notebooks-label.js';
import { PROFILE_FIELDS, profileFieldInfo, type ProfileField } from './profile.js';

/** A catalog row that is reported but not probed. */
export interface NotProbedRow {
  id: string;
  /** The host template expanded as far as the profile allows, e.g. "{storageAccount}.blob.core.windows.net". */
  label: string;
  reason: 'needs_input' | 'informational';
  message: string;
  /** The row is required by the documentation (shown as such even though it was not probed). */
  required: boolean;
  meta: EndpointMeta;
}

/** A profile value some rows needed but did not have, and the flag that provides it. */
export interface MissingInput {
  field: ProfileField;
  flag: string;
  /** Ids of the rows that could not be probed without it. */
  neededBy: string[];
}

/** One catalog row after expansion, as the firewall list (`amlprobe catalog`) prints it. */
export interface ExpandedRow {
  id: string;
  scenarios: string[];
  /** The rule's host: the wildcard when the row stands for one, else the host; expanded as far as possible. */
  host: string;
  /** The concrete name probed, when it differs from `host` (wildcards). */
  probeHost?: string;
  probe: CatalogRow['probe'];
  transport: CatalogRow['transport'];
  ports: number[];
  direction: CatalogRow['direction'];
  requirement: CatalogRequirement;
  condition?: string;
  serviceTag: string | null;
  privateDnsZone: string | null;
  purpose: string;
  remediation: string;
  sources: string[];
  disagreement?: string;
  status: 'probe' | 'needs_input' | 'informational';
  /** Why the row is not probed, or notes about how it is. */
  note?: string;
  /** The endpoints made from this row (one per port). */
  endpointIds: string[];
}

/** Everything expandCatalog produces. */
export interface CatalogExpansion {
  endpoints: Endpoint[];
  notProbed: NotProbedRow[];
  missing: MissingInput[];
  rows: ExpandedRow[];
}

/** Options of expandCatalog. */
export interface ExpandOptions {
  /** Scenario names to include; absent or empty means every scenario. */
  scenarios?: string[];
}

/** The registry's own resources only the user can name (src/plan/registry-parts.ts). */
const REGISTRY_PARTS = [
  { placeholder: 'registryStorageAccount', noun: 'storage account name', flag: '--registry-storage-account', configKey: 'workspace.registries[].storageAccount' },
  { placeholder: 'registryContainerRegistry', noun: 'container registry name', flag: '--registry-acr', configKey: 'workspace.registries[].containerRegistry' },
] as const;

const REQUIREMENT_RANK: Record<CatalogRequirement, number> = { required: 3, conditional: 2, optional: 1, informational: 0 };

/** What every row's expansion shares. */
interface Context {
  cloud: Cloud;
  profile: WorkspaceProfile;
  /** Profile values every row shares (storage accounts and registries vary per instance). */
  base: Bindings;
  out: CatalogExpansion;
  /** Profile field -> ids of the rows that needed it. */
  missing: Map<ProfileField, Set<string>>;
}

/**
 * Expands the selected scenarios for `profile`. Throws UsageError for an unknown scenario name and a
 * plain Error for an unknown placeholder (a catalog bug).
 */
export function expandCatalog(scenarios: CatalogScenario[], profile: WorkspaceProfile, opts: ExpandOptions = {}): CatalogExpansion {
  const cloud: Cloud = profile.cloud ?? 'public';
  const selected = selectScenarios(scenarios, opts.scenarios);
  const ctx: Context = { cloud, profile, base: baseBindings(profile), out: { endpoints: [], notProbed: [], missing: [], rows: [] }, missing: new Map() };
  for (const { row, scenarioNames } of mergeRows(selected)) {
    checkTemplates(row);
    if (row.clouds !== undefined && !row.clouds.includes(cloud)) continue;
    for (const instance of instancesOf(row, profile, ctx.base)) expandInstance(row, scenarioNames, instance, ctx);
  }
  for (const { field, usage } of PROFILE_FIELDS) {
    const ids = ctx.missing.get(field);
    if (ids !== undefined) ctx.out.missing.push({ field, flag: usage, neededBy: [...ids] });
  }
  return ctx.out;
}

function selectScenarios(scenarios: CatalogScenario[], names: string[] | undefined): CatalogScenario[] {
  if (names === undefined || names.length === 0) return scenarios;
  const known = scenarios.map((s) => s.scenario);
  return [...new Set(names.map((n) => n.trim().toLowerCase()))].map((name) => {
    const found = scenarios.find((s) => s.scenario === name);
    if (found !== undefined) return found;
    const hint = didYouMean(name, known);
    throw new UsageError(`unknown scenario '${name}'${hint}${hint ? ' ' : '. '}Scenarios: ${known.join(', ')}.`, '--scenario');
  });
}

/** One row per id, in first-seen order; a row in several scenarios keeps its strongest requirement. */
function mergeRows(scenarios: CatalogScenario[]): { row: CatalogRow; scenarioNames: string[] }[] {
  const byId = new Map<string, { row: CatalogRow; scenarioNames: string[] }>();
  for (const scenario of scenarios) {
    for (const row of scenario.endpoints) {
      const seen = byId.get(row.id);
      if (seen === undefined) {
        byId.set(row.id, { row, scenarioNames: [scenario.scenario] });
        continue;
      }
      if (!seen.scenarioNames.includes(scenario.scenario)) seen.scenarioNames.push(scenario.scenario);
      const sources = [...new Set([...seen.row.sources, ...row.sources])];
      const stronger = REQUIREMENT_RANK[row.requirement] > REQUIREMENT_RANK[seen.row.requirement];
      seen.row = { ...(stronger ? row : seen.row), sources };
    }
  }
  return [...byId.values()];
}

/** Expands one instance of a row into endpoints, or into a not-probed row with the reason. */
function expandInstance(row: CatalogRow, scenarioNames: string[], instance: { id: string; bindings: Bindings }, ctx: Context): void {
  const { id, bindings } = instance;
  const { cloud, profile, out, missing } = ctx;
  const host = expandTemplate(row.host, cloud, bindings);
  const wildcardTemplate = row.wildcard ?? (row.host.startsWith('*.') ? row.host : undefined);
  const ruleHost = wildcardTemplate === undefined ? host : expandTemplate(wildcardTemplate, cloud, bindings);
  const zoneExpanded = row.privateDnsZone === null ? null : expandTemplate(row.privateDnsZone, cloud, bindings);
  // A zone no source documents for this cloud is shown as absent, with a note, never as a guess.
  const zone = zoneExpanded === null || zoneExpanded.undocumented.size > 0 ? null : zoneExpanded.text;
  // Regional tags (Storage.{region}) read better filled in; an unknown region stays as {region}.
  const serviceTag = row.serviceTag === null ? null : expandTemplate(row.serviceTag, cloud, bindings, false).text;
  const notes = rowNotes(row, bindings, profile);
  if (zoneExpanded !== null && zoneExpanded.undocumented.size > 0) {
    notes.push(`No stored source names the private DNS zone for ${CLOUD_TITLES[cloud]}.`);
  }
  const meta: EndpointMeta = {
    scenario: scenarioNames.join(', '),
    purpose: row.purpose,
    remediation: row.remediation,
    sources: row.sources,
    ...(serviceTag === null ? {} : { serviceTag }),
    ...(zone === null ? {} : { privateDnsZone: zone }),
    ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
  };
  const view: ExpandedRow = {
    id, scenarios: scenarioNames, host: ruleHost.text, probe: row.probe, transport: row.transport, ports: row.ports,
    direction: row.direction, requirement: row.requirement, serviceTag, privateDnsZone: zone,
    purpose: row.purpose, remediation: row.remediation, sources: row.sources, status: 'probe', endpointIds: [],
    ...(row.condition === undefined ? {} : { condition: row.condition }),
    ...(row.disagreement === undefined ? {} : { disagreement: row.disagreement }),
    ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
  };
  out.rows.push(view);
  const skip = (reason: NotProbedRow['reason'], message: string): void => {
    view.status = reason;
    const text = clause(message);
    view.note = notes.length === 0 ? text : `${text}. ${notes.join(' ')}`;
    out.notProbed.push({ id, label: ruleHost.text, reason, message: text, required: row.requirement === 'required', meta });
  };

  if (row.probe === 'none' || row.direction === 'inbound') {
    const inbound = 'an inbound rule cannot be tested from inside the VNet: check the effective NSG rules of the compute subnet';
    const none = 'the documentation gives no concrete name or port to test: apply the rule as written';
    return skip('informational', `not probed: ${row.verify ?? (row.direction === 'inbound' ? inbound : none)}`);
  }
  const wildcardHost = row.host.startsWith('*.');
  const target = wildcardHost ? (row.wellKnownHost === undefined ? undefined : expandTemplate(row.wellKnownHost, cloud, bindings)) : host;
  if (target === undefined) {
    return skip('informational', `not probed: a wildcard rule with no documented concrete name to test: allow ${ruleHost.text} as written`);
  }
  const protocol: Protocol = row.probe;
  const httpLike = protocol === 'https' || protocol === 'wss';
  const path = httpLike && row.path !== undefined ? expandTemplate(row.path, cloud, bindings, false) : undefined;
  const undocumented = new Set([...target.undocumented, ...(path?.undocumented ?? [])]);
  if (undocumented.size > 0) {
    const keys = [...undocumented].map((k) => `{cloud.${k}}`).join(', ');
    return skip('informational', `not probed: no stored source documents ${keys} for ${CLOUD_TITLES[cloud]}, and amlprobe does not guess names`);
  }
  const unknown = new Set([...target.missing, ...(path?.missing ?? [])]);
  const part = REGISTRY_PARTS.find((p) => unknown.has(p.placeholder));
  if (part !== undefined && bindings.registryName !== undefined) {
    // The registry is known; only its own storage or ACR name is not, which no other input gives.
    return skip('needs_input', `needs registry ${bindings.registryName}'s ${part.noun}: set ${part.flag} ${bindings.registryName}=NAME (or ${part.configKey} in the config)`);
  }
  if (unknown.size > 0) {
    const fields = missingFields(unknown, bindings);
    for (const field of fields) missing.set(field, (missing.get(field) ?? new Set<string>()).add(id));
    const flags = fields.map((f) => `${profileFieldInfo(f).usage} (or ${profileFieldInfo(f).configKey} in the config)`);
    const what = wildcardHost || row.wildcard !== undefined ? 'a concrete host name' : fields.map((f) => profileFieldInfo(f).noun).join(', ');
    const registryHint =
      unknown.has('registryId') && bindings.registryName !== undefined
        ? `; registry ${bindings.registryName}'s ID (GUID) comes from registry discovery or workspace.registries[].id in the config`
        : '';
    return skip('needs_input', `needs ${what}: set ${flags.join(' and ')}${registryHint}`);
  }

  const ports = protocol === 'dns' ? [0] : row.ports;
  if (ports.length === 0) throw new Error(`${row.at ?? row.id}: probe ${row.probe} needs at least one port`);
  if (target.text !== ruleHost.text) view.probeHost = target.text;
  for (const port of ports) {
    const endpoint: Endpoint = {
      id: protocol === 'dns' ? id : `${id}:${port}`,
      host: target.text,
      port,
      protocol,
      path: httpLike ? (path?.text ?? '/') : '',
      required: row.requirement === 'required',
      expect: {
        ...expectationsOf(row.expectPrivate && profile.privateEndpoints !== false, zone),
        ...(httpLike && row.httpStatus !== undefined ? { httpStatus: row.httpStatus } : {}),
      },
      // A wildcard row is shown as its rule (*.blob.core.windows.net: what the admin allows); any
      // other row as the concrete URL probed, so no label.
      ...(wildcardTemplate === undefined ? {} : { label: ruleHost.text }),
      meta,
    };
    view.endpointIds.push(endpoint.id);
    out.endpoints.push(endpoint);
  }
}

/** A row's DNS expectations: private when the workspace uses private endpoints, and the zone its private endpoint would use. */
function expectationsOf(isPrivate: boolean, zone: string | null): Endpoint['expect'] {
  return {
    private: isPrivate,
    ...(isPrivate ? { privateSource: 'catalog' as const } : {}),
    // Only a zone of this cloud: "{cloud.x}" templates are already filled in, a wildcard's zone too.
    ...(zone === null ? {} : { privateZone: zone }),
  };
}

/** Condition, disagreement and label-truncation notes carried to the report. */
function rowNotes(row: CatalogRow, bindings: Bindings, profile: WorkspaceProfile): string[] {
  const notes: string[] = [];
  if (row.requirement === 'conditional') notes.push(`Needed when: ${clause(row.condition ?? 'see the source')}.`);
  if (row.requirement === 'optional') notes.push(row.condition === undefined ? 'Optional.' : `Optional: ${clause(row.condition)}.`);
  const usesLabel = [row.host, row.wellKnownHost].some((t) => t?.includes('{notebooksLabel}'));
  if (usesLabel && bindings.notebooksLabel !== undefined && profile.workspaceName !== undefined && profile.region !== undefined && profile.workspaceId !== undefined) {
    const built = notebooksLabel(profile.workspaceName, profile.region, profile.workspaceId);
    if (built.truncated) notes.push(`The workspace name was cut to '${built.nameUsed}' to keep the label within 63 characters; ${NOTEBOOKS_LABEL_HINT}.`);
  }
  if (row.disagreement !== undefined) notes.push(`Sources disagree: ${clause(row.disagreement)}.`);
  return notes;
}

/** Catalog prose without its final full stop, so sentences can be joined without "..". */
function clause(text: string): string {
  return text.trim().replace(/[\s.]+$/, '');
}
