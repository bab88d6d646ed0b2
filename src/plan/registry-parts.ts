// A registry's own storage account and container registry, given as --registry-storage-account
// and --registry-acr "[REGISTRY=]NAME" (or workspace.registries[].storageAccount / containerRegistry
// in the config). They live in the registry's managed resource group (azureml-rg-<registry>_<GUID>,
// seed 001), so only the user can name them; with the names, the plan probes them like the
// workspace's own storage and ACR instead of only listing the wildcard rule.

import { didYouMean } from '../did-you-mean.js';
import { UsageError } from '../errors.js';
import type { ProfileOrigin, RegistryProfile, WorkspaceProfile } from '../model/profile.js';

/** The raw flag values, one list per part. */
export interface RegistryParts {
  storageAccount: string[];
  containerRegistry: string[];
}

/** The flag of each part, for errors. */
const FLAGS: Record<keyof RegistryParts, string> = {
  storageAccount: '--registry-storage-account',
  containerRegistry: '--registry-acr',
};

/**
 * Attaches each "[REGISTRY=]NAME" to its registry (the only one when REGISTRY= is left out).
 * A flag wins over the same part given in the config. Throws UsageError naming the flag.
 */
export function attachRegistryParts(
  profile: WorkspaceProfile,
  origin: Record<string, ProfileOrigin>,
  parts: RegistryParts,
  check: Record<keyof RegistryParts, (raw: string, where: string) => string>,
): void {
  for (const part of Object.keys(FLAGS) as (keyof RegistryParts)[]) {
    const where = FLAGS[part];
    for (const text of parts[part]) {
      const eq = text.indexOf('=');
      const registry = pickRegistry(profile.registries ?? [], eq < 0 ? undefined : text.slice(0, eq).trim().toLowerCase(), where);
      registry[part] = check[part](eq < 0 ? text : text.slice(eq + 1), where);
      origin.registryParts = 'flag';
    }
  }
}

function pickRegistry(registries: RegistryProfile[], name: string | undefined, where: string): RegistryProfile {
  const names = registries.map((r) => r.name);
  if (registries.length === 0) throw new UsageError('names a part of a registry, but no registry is given: add --registry NAME[@REGION].', where);
  if (name === undefined) {
    if (registries.length === 1) return registries[0]!;
    throw new UsageError(`several registries are given (${names.join(', ')}): say which one as REGISTRY=NAME.`, where);
  }
  const found = registries.find((r) => r.name === name);
  if (found !== undefined) return found;
  const hint = didYouMean(name, names);
  throw new UsageError(`no registry '${name}' is given${hint}${hint ? ' ' : '. '}Registries: ${names.join(', ')}.`, where);
}
