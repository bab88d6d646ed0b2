// The workspace profile as the CLI sees it: flags (raw strings, validated by buildProfile) over the
// config file's workspace section over AMLPROBE_* environment variables.

import { buildProfile } from '../plan/profile.js';
import type { BuiltProfile } from '../plan/profile.js';
import type { WorkspaceProfile } from '../model/profile.js';
import { readWorkspaceJson } from '../azure/workspace-json.js';
import type { Flags } from './args.js';

/**
 * Builds the profile from flags, the config's workspace section, the workspace JSON file
 * (--workspace-json, else the config's workspace.workspaceJson) and the environment.
 */
export function profileFromFlags(
  flags: Flags,
  fromConfig: WorkspaceProfile | undefined,
  env: NodeJS.ProcessEnv = process.env,
  workspaceJsonFromConfig?: string,
): BuiltProfile {
  const privateEndpoints = flags['no-private-endpoints'] ? false : flags['private-endpoints'] ? true : undefined;
  // Raw strings: buildProfile validates and normalises every source alike, naming the flag on error.
  const raw: Record<string, unknown> = {
    cloud: flags.cloud,
    region: flags.region,
    workspaceName: flags['workspace-name'],
    workspaceId: flags['workspace-id'],
    storageAccounts: flags['storage-account'],
    keyVault: flags['key-vault'],
    containerRegistry: flags['container-registry'],
    computeInstance: flags['compute-instance'],
    registries: flags.registry,
    privateEndpoints,
  };
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  const jsonFile = flags['workspace-json'] ?? workspaceJsonFromConfig;
  const workspaceJson = jsonFile === undefined ? {} : { workspaceJson: readWorkspaceJson(jsonFile) };
  return buildProfile({ flags: given as Partial<WorkspaceProfile>, ...(fromConfig ? { config: fromConfig } : {}), ...workspaceJson, env });
}
