// The workspace profile: what amlprobe knows about the workspace, merged from flags, the config file
// and AMLPROBE_* environment variables (in that order of precedence), normalised to lower case and
// validated with errors that name the flag, variable or key that carried the bad value.

import { UsageError } from '../errors.js';
import type { BuiltProfile, Cloud, ProfileField, ProfileOrigin, RegistryProfile, WorkspaceProfile } from '../model/profile.js';

export type { BuiltProfile, DetectedOrigin, ProfileField, ProfileOrigin } from '../model/profile.js';
import { parseCloud } from '../azure/clouds.js';
import { parseIsolationMode } from '../azure/managed-network-json.js';
import type { ManagedNetworkState } from '../model/managed-network.js';
import { settleRegionCloud } from './region-cloud.js';
import { attachRegistryParts, type RegistryParts } from './registry-parts.js';

/** How a user provides one profile field: the CLI, the config and the "missing input" notes share it. */
export interface ProfileFieldInfo {
  field: ProfileField;
  /** The flag name, e.g. "--storage-account". */
  flag: string;
  /** The flag as written in help and notes, e.g. "--storage-account NAME". */
  usage: string;
  env: string;
  /** The key in the config file, e.g. "workspace.storageAccounts". */
  configKey: string;
  /** The flag may be given several times (the env var and config take a list). */
  repeatable: boolean;
  description: string;
  /** How a message names the value: "the workspace ID". */
  noun: string;
}

/** Every profile field with its flag, environment variable and config key. */
export const PROFILE_FIELDS: readonly ProfileFieldInfo[] = [
  info('cloud', '--cloud', 'CLOUD', 'AMLPROBE_CLOUD', false, 'the cloud', 'Azure cloud: public, china or usgov (default public).'),
  info('region', '--region', 'REGION', 'AMLPROBE_REGION', false, 'the region', 'ARM region name of the workspace, e.g. eastus.'),
  info('workspaceName', '--workspace-name', 'NAME', 'AMLPROBE_WORKSPACE_NAME', false, 'the workspace name', 'Workspace name.'),
  info('workspaceId', '--workspace-id', 'GUID', 'AMLPROBE_WORKSPACE_ID', false, 'the workspace ID', 'Workspace ID (portal: Properties > Workspace ID).'),
  info('storageAccounts', '--storage-account', 'NAME', 'AMLPROBE_STORAGE_ACCOUNT', true, 'the storage account name', 'Workspace storage account name(s); repeat the flag or separate with commas.'),
  info('keyVault', '--key-vault', 'NAME', 'AMLPROBE_KEY_VAULT', false, 'the key vault name', 'Workspace key vault name.'),
  info('containerRegistry', '--container-registry', 'NAME', 'AMLPROBE_CONTAINER_REGISTRY', false, 'the container registry name', 'Workspace container registry (ACR) name.'),
  info('computeInstance', '--compute-instance', 'NAME', 'AMLPROBE_COMPUTE_INSTANCE', false, 'the compute instance name', 'A compute instance name.'),
  info('registries', '--registry', 'NAME[@REGION]', 'AMLPROBE_REGISTRY', true, 'the registry', 'Azure ML registry name(s) with their region; repeat the flag or separate with commas.'),
  info('privateEndpoints', '--private-endpoints', '', 'AMLPROBE_PRIVATE_ENDPOINTS', false, 'whether private endpoints are used', 'The workspace is reached through private endpoints (true/false).'),
  info('managedNetwork', '--managed-network', 'MODE', 'AMLPROBE_MANAGED_NETWORK', false, 'the managed network isolation mode', 'Isolation mode of the workspace managed virtual network: disabled, allow-internet-outbound or allow-only-approved-outbound.'),
];

function info(field: ProfileField, flag: string, arg: string, env: string, repeatable: boolean, noun: string, description: string): ProfileFieldInfo {
  const usage = arg === '' ? flag : `${flag} ${arg}`;
  return { field, flag, usage, env, configKey: `workspace.${field}`, repeatable, description, noun };
}

/** The row of PROFILE_FIELDS for `field`. */
export function profileFieldInfo(field: ProfileField): ProfileFieldInfo {
  const found = PROFILE_FIELDS.find((f) => f.field === field);
  if (found === undefined) throw new Error(`no profile field '${field}'`);
  return found;
}

/** The inputs of buildProfile: parsed flags, the config's workspace section, and the environment. */
export interface ProfileSources {
  flags: Partial<WorkspaceProfile>;
  config?: WorkspaceProfile;
  /** Values read from `az ml workspace show` output (--workspace-json), each with where it was in the file. */
  workspaceJson?: { values: Partial<WorkspaceProfile>; where: Partial<Record<ProfileField, string>>; managedNetwork?: ManagedNetworkState };
  env: NodeJS.ProcessEnv;
  /** --registry-storage-account and --registry-acr values, "[REGISTRY=]NAME" each (src/plan/registry-parts.ts). */
  registryParts?: RegistryParts;
}

/**
 * Merges the sources field by field (flag > config > workspace JSON > env > default; cloud defaults to public),
 * lower-cases names and validates them. Throws UsageError naming the flag, env var or config key.
 */
export function buildProfile(sources: ProfileSources): BuiltProfile {
  const profile: WorkspaceProfile = {};
  const origin: Record<string, ProfileOrigin> = {};
  const where: Partial<Record<ProfileField, string>> = {};
  const target = profile as Record<ProfileField, unknown>;
  for (const fieldInfo of PROFILE_FIELDS) {
    const picked = pick(fieldInfo, sources);
    if (picked === undefined) continue;
    target[fieldInfo.field] = normalizeField(fieldInfo.field, picked.value, picked.where);
    origin[fieldInfo.field] = picked.origin;
    where[fieldInfo.field] = picked.where;
  }
  if (profile.cloud === undefined) {
    profile.cloud = 'public';
    origin.cloud = 'default';
  }
  if (sources.registryParts !== undefined) {
    attachRegistryParts(profile, origin, sources.registryParts, {
      storageAccount: (raw, at) => checkName(raw, at, STORAGE_RULE),
      containerRegistry: (raw, at) => checkName(raw, at, ACR_RULE),
    });
  }
  settleRegionCloud({ profile, origin }, where);
  const state = sources.workspaceJson?.managedNetwork;
  return state === undefined ? { profile, origin } : { profile, origin, managedNetworkState: state };
}

/** The first source that sets the field, with the name to blame in errors. */
function pick(f: ProfileFieldInfo, sources: ProfileSources): { value: unknown; origin: ProfileOrigin; where: string } | undefined {
  const fromFlag = (sources.flags as Record<string, unknown>)[f.field];
  if (fromFlag !== undefined) return { value: fromFlag, origin: 'flag', where: f.flag };
  const fromConfig = sources.config === undefined ? undefined : (sources.config as Record<string, unknown>)[f.field];
  if (fromConfig !== undefined) return { value: fromConfig, origin: 'config', where: f.configKey };
  // Typed values (flags, config keys) correct a saved file; the file beats ambient AMLPROBE_* variables.
  const fromFile = sources.workspaceJson?.values[f.field];
  if (fromFile !== undefined) return { value: fromFile, origin: 'workspace-json', where: sources.workspaceJson?.where[f.field] ?? '--workspace-json' };
  const fromEnv = sources.env[f.env];
  // An empty variable means "unset", as shells commonly export VAR= to clear it.
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv, origin: 'env', where: f.env };
  return undefined;
}

/** Validates and normalises one raw value (string from env/flags, typed value from config). */
function normalizeField(field: ProfileField, raw: unknown, where: string): unknown {
  switch (field) {
    case 'cloud':
      return parseCloud(requireString(raw, where), where) satisfies Cloud;
    case 'region':
      return checkName(raw, where, REGION_RULE);
    case 'workspaceName':
      return checkName(raw, where, WORKSPACE_NAME_RULE);
    case 'workspaceId':
      return checkName(raw, where, GUID_RULE);
    case 'storageAccounts':
      return unique(toList(raw, where).map((item) => checkName(item, where, STORAGE_RULE)));
    case 'keyVault':
      return checkName(raw, where, KEY_VAULT_RULE);
    case 'containerRegistry':
      return checkName(raw, where, ACR_RULE);
    case 'computeInstance':
      return checkName(raw, where, COMPUTE_INSTANCE_RULE);
    case 'registries':
      return toRegistries(raw, where);
    case 'privateEndpoints':
      return toBoolean(raw, where);
    case 'managedNetwork':
      return parseIsolationMode(raw, where);
  }
}

/** A naming rule: the pattern a lower-cased value must match and how to say it. */
interface NameRule {
  what: string;
  pattern: RegExp;
  rule: string;
}

const REGION_RULE: NameRule = {
  what: 'region',
  pattern: /^[a-z0-9]+$/,
  rule: 'use the ARM region name: lower-case letters and digits, e.g. eastus, westeurope, chinaeast2, usgovvirginia',
};
// ARM's pattern for workspace names: ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$.
const WORKSPACE_NAME_RULE: NameRule = {
  what: 'workspace name',
  pattern: /^[a-z0-9][a-z0-9_-]{2,32}$/,
  rule: '3-33 letters, digits, hyphens or underscores, starting with a letter or digit',
};
const GUID_RULE: NameRule = {
  what: 'workspace ID',
  pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  rule: 'a GUID like 52882c08-ead2-44aa-af65-08a75cf094bd (portal: workspace Properties > Workspace ID)',
};
const STORAGE_RULE: NameRule = {
  what: 'storage account name',
  pattern: /^[a-z0-9]{3,24}$/,
  rule: '3-24 lower-case letters and digits (the account name, not its URL)',
};
const KEY_VAULT_RULE: NameRule = {
  what: 'key vault name',
  pattern: /^[a-z0-9-]{3,24}$/,
  rule: '3-24 letters, digits and hyphens (the vault name, not its URL)',
};
const ACR_RULE: NameRule = {
  what: 'container registry name',
  pattern: /^[a-z0-9]{5,50}$/,
  rule: '5-50 letters and digits (the registry name, not its login server)',
};
// The service's message: "between 3 and 24 characters ... numbers, letters and minus symbol, must start with letters".
const COMPUTE_INSTANCE_RULE: NameRule = {
  what: 'compute instance name',
  pattern: /^[a-z][a-z0-9-]{2,23}$/,
  rule: '3-24 letters, digits and hyphens, starting with a letter',
};
const REGISTRY_NAME_RULE: NameRule = {
  what: 'registry name',
  pattern: /^[a-z0-9][a-z0-9_-]{2,32}$/,
  rule: '3-33 letters, digits, hyphens or underscores, starting with a letter or digit',
};

/** Lower-cases and checks a name; Azure DNS names are case-insensitive, so upper-case input is fine. */
function checkName(raw: unknown, where: string, rule: NameRule): string {
  const text = requireString(raw, where).trim();
  const value = text.toLowerCase();
  if (rule.pattern.test(value)) return value;
  // "East US" is the display name of eastus: suggest the ARM name when that is all that is wrong.
  const squeezed = value.replace(/[\s_-]+/g, '');
  const hint = rule === REGION_RULE && rule.pattern.test(squeezed) ? ` (did you mean '${squeezed}'?)` : '';
  throw new UsageError(`'${text}' is not a valid ${rule.what}${hint}: ${rule.rule}.`, where);
}

function requireString(raw: unknown, where: string): string {
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  if (typeof raw === 'string') throw new UsageError('needs a value, not an empty string.', where);
  throw new UsageError(`expected a string, got ${describe(raw)}.`, where);
}

/** A list from a repeated flag, a config list or a comma-separated string. */
function toList(raw: unknown, where: string): string[] {
  const items = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw new UsageError(`expected a name or a list of names, got ${describe(item)}.`, where);
    out.push(...item.split(',').map((part) => part.trim()).filter((part) => part !== ''));
  }
  if (out.length === 0) throw new UsageError('needs at least one name.', where);
  return out;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Registry entries: "name@region" strings (flags, env, config) or {name, region, id} objects (config). */
function toRegistries(raw: unknown, where: string): NonNullable<WorkspaceProfile['registries']> {
  const items = Array.isArray(raw) ? raw : [raw];
  const out: NonNullable<WorkspaceProfile['registries']> = [];
  for (const item of items) {
    if (typeof item === 'string') {
      for (const part of toList(item, where)) out.push(parseRegistrySpec(part, where));
    } else if (typeof item === 'object' && item !== null && 'name' in item) {
      const obj = item as { name: unknown; region?: unknown; id?: unknown; storageAccount?: unknown; containerRegistry?: unknown };
      const entry: RegistryProfile = { name: checkName(obj.name, where, REGISTRY_NAME_RULE) };
      if (obj.region !== undefined) entry.region = checkName(obj.region, where, REGION_RULE);
      if (obj.id !== undefined) entry.id = checkName(obj.id, where, { ...GUID_RULE, what: 'registry ID' });
      if (obj.storageAccount !== undefined) entry.storageAccount = checkName(obj.storageAccount, where, STORAGE_RULE);
      if (obj.containerRegistry !== undefined) entry.containerRegistry = checkName(obj.containerRegistry, where, ACR_RULE);
      out.push(entry);
    } else {
      throw new UsageError(`expected NAME[@REGION] or {name, region}, got ${describe(item)}.`, where);
    }
  }
  if (out.length === 0) throw new UsageError('needs at least one registry.', where);
  // The same registry named twice is probed once; the first mention wins.
  const byName = new Map<string, (typeof out)[number]>();
  for (const registry of out) if (!byName.has(registry.name)) byName.set(registry.name, registry);
  return [...byName.values()];
}

/** Parses `--registry NAME[@REGION]`, lower-casing both parts. */
export function parseRegistrySpec(text: string, where = '--registry'): { name: string; region?: string } {
  const at = text.indexOf('@');
  const name = checkName(at < 0 ? text : text.slice(0, at), where, REGISTRY_NAME_RULE);
  if (at < 0) return { name };
  return { name, region: checkName(text.slice(at + 1), where, REGION_RULE) };
}

function toBoolean(raw: unknown, where: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  throw new UsageError(`expected true or false, got ${describe(raw)}.`, where);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : typeof value;
}
