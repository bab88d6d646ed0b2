// Host templates of the catalog: {cloud.X} and profile placeholders, their expansion for one cloud
// and profile, and which profile fields a missing placeholder asks for. Kept apart from the row logic
// of catalog-expand.ts so each file has one job.

import type { Cloud, WorkspaceProfile } from '../model/profile.js';
import type { CatalogRow } from './catalog-load.js';
import { CLOUD_KEYS, cloudValue, isCloudKey } from '../azure/clouds.js';
import { didYouMean } from '../did-you-mean.js';
import { notebooksLabel } from './notebooks-label.js';
import type { ProfileField } from './profile.js';

/** Profile placeholders and the profile fields each one needs. */
const PROFILE_PLACEHOLDERS: Readonly<Record<string, readonly ProfileField[]>> = {
  region: ['region'],
  workspaceId: ['workspaceId'],
  workspaceName: ['workspaceName'],
  storageAccount: ['storageAccounts'],
  keyVault: ['keyVault'],
  containerRegistry: ['containerRegistry'],
  computeInstance: ['computeInstance'],
  registryId: ['registries'],
  registryName: ['registries'],
  registryRegion: ['registries'],
  registryStorageAccount: ['registries'],
  registryContainerRegistry: ['registries'],
  notebooksLabel: ['workspaceName', 'region', 'workspaceId'],
};

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLACEHOLDER_SPLIT = /(\{[^{}]*\})/;
/** The values bound to profile placeholders for one instance of a row. */
export type Bindings = Partial<Record<string, string>>;

/** A template after expansion: unknown profile values stay as {name}. */
export interface Expanded {
  text: string;
  missing: Set<string>;
  undocumented: Set<string>;
}

/** Every placeholder of every template must be known, whatever the cloud: a typo is a catalog bug. */
export function checkTemplates(row: CatalogRow): void {
  for (const template of [row.host, row.privateDnsZone, row.wildcard, row.wellKnownHost, row.path, row.serviceTag]) {
    if (template === undefined || template === null) continue;
    for (const [, name = ''] of template.matchAll(PLACEHOLDER)) {
      const isCloud = name.startsWith('cloud.');
      const key = isCloud ? name.slice('cloud.'.length) : name;
      if (isCloud ? isCloudKey(key) : Object.hasOwn(PROFILE_PLACEHOLDERS, key)) continue;
      const hint = didYouMean(key, isCloud ? CLOUD_KEYS : Object.keys(PROFILE_PLACEHOLDERS));
      throw new Error(`${row.at ?? row.id}: unknown placeholder {${name}} in '${template}'${hint} (a catalog bug)`);
    }
  }
}

/** A row is expanded once per storage account / registry when it uses those and several are known. */
export function instancesOf(row: CatalogRow, profile: WorkspaceProfile, base: Bindings): { id: string; bindings: Bindings }[] {
  const text = [row.host, row.privateDnsZone, row.wildcard, row.wellKnownHost, row.path].join(' ');
  let instances: { id: string; bindings: Bindings }[] = [{ id: row.id, bindings: base }];
  const accounts = profile.storageAccounts ?? [];
  if (text.includes('{storageAccount}') && accounts.length > 0) {
    instances = instances.flatMap((inst) =>
      accounts.map((account) => ({ id: accounts.length > 1 ? `${inst.id}@${account}` : inst.id, bindings: { ...inst.bindings, storageAccount: account } })),
    );
  }
  const registries = profile.registries ?? [];
  if (/\{registry(Id|Name|Region|StorageAccount|ContainerRegistry)\}/.test(text) && registries.length > 0) {
    instances = instances.flatMap((inst) =>
      registries.flatMap((reg) => {
        const bindings = {
          ...inst.bindings,
          registryName: reg.name,
          registryRegion: reg.region,
          registryId: reg.id,
          registryStorageAccount: reg.storageAccount,
          registryContainerRegistry: reg.containerRegistry,
        };
        const id = registries.length > 1 ? `${inst.id}@${reg.name}` : inst.id;
        // A registry answers on its own FQDN in every region discovery named (replicas): a row
        // built on the registry ID is probed once per region, the primary one keeping the plain id.
        const replicas = text.includes('{registryId}') && reg.id !== undefined ? (reg.regions ?? []).filter((r) => r !== reg.region) : [];
        return [{ id, bindings }, ...replicas.map((region) => ({ id: `${id}@${region}`, bindings: { ...bindings, registryRegion: region } }))];
      }),
    );
  }
  return instances;
}

/** The single-valued profile placeholders, and the notebooks label when its three parts are known. */
export function baseBindings(profile: WorkspaceProfile): Bindings {
  const b: Bindings = {
    region: profile.region,
    workspaceId: profile.workspaceId,
    workspaceName: profile.workspaceName,
    keyVault: profile.keyVault,
    containerRegistry: profile.containerRegistry,
    computeInstance: profile.computeInstance,
  };
  if (profile.workspaceName !== undefined && profile.region !== undefined && profile.workspaceId !== undefined) {
    b.notebooksLabel = notebooksLabel(profile.workspaceName, profile.region, profile.workspaceId).label;
  }
  return b;
}

/**
 * Fills {cloud.X} first (its value may hold {region}), then profile placeholders. Unknown profile
 * values stay as {name}; host names are lower-cased (DNS is case-insensitive) without a trailing dot.
 */
export function expandTemplate(template: string, cloud: Cloud, bindings: Bindings, isName = true): Expanded {
  // Informational rows may hold prose ("AzureMachineLearning (service tag) -> compute subnet"): only
  // templates that look like DNS names are folded.
  const looksLikeName = isName && /^[A-Za-z0-9*._{}-]+$/.test(template);
  const fold = (text: string): string => (looksLikeName ? text.toLowerCase() : text);
  const missing = new Set<string>();
  const undocumented = new Set<string>();
  // split() with a capturing group puts the placeholders at odd indices, literal text at even ones.
  const pass = (text: string, fill: (name: string) => string | undefined): string =>
    text
      .split(PLACEHOLDER_SPLIT)
      .map((part, i) => (i % 2 === 0 ? fold(part) : fill(part.slice(1, -1)) ?? part))
      .join('');
  const withCloud = pass(template, (name) => {
    if (!name.startsWith('cloud.')) return undefined;
    const value = cloudValue(cloud, name.slice('cloud.'.length));
    if (value === null) undocumented.add(name.slice('cloud.'.length));
    return value ?? undefined;
  });
  const text = pass(withCloud, (name) => {
    if (name.startsWith('cloud.')) return undefined;
    const value = bindings[name];
    if (value === undefined) missing.add(name);
    return value === undefined ? undefined : fold(value);
  });
  return { text: looksLikeName ? text.replace(/\.$/, '') : text, missing, undocumented };
}

/** The profile fields behind missing placeholders, without duplicates, in profile order. */
export function missingFields(names: Set<string>, bindings: Bindings): ProfileField[] {
  const fields = new Set<ProfileField>();
  for (const name of names) {
    if (name === 'notebooksLabel') {
      // Only the parts actually unknown: a user who gave the region need not be told to give it again.
      for (const part of ['workspaceName', 'region', 'workspaceId'] as const) if (bindings[part] === undefined) fields.add(part);
    } else {
      for (const field of PROFILE_PLACEHOLDERS[name] ?? []) fields.add(field);
    }
  }
  return [...fields];
}
