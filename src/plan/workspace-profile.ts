// The workspace profile as a command asks for it: its options (raw strings, validated by
// buildProfile) over the config file's workspace section over AMLPROBE_* environment variables.

import { buildProfile } from './profile.js';
import type { BuiltProfile, WorkspaceProfile } from '../model/profile.js';
import { readWorkspaceJson } from '../azure/workspace-json.js';
import type { ProfileOptions } from './plan-options.js';

/**
 * Builds the profile from the options, the config's workspace section, the workspace JSON file
 * (options.workspaceJson, else the config's workspace.workspaceJson) and the environment.
 */
export function profileFromOptions(
  options: ProfileOptions,
  fromConfig: WorkspaceProfile | undefined,
  env: NodeJS.ProcessEnv = process.env,
  workspaceJsonFromConfig?: string,
): BuiltProfile {
  const { workspaceJson: ownJson, registryStorageAccounts, registryContainerRegistries, ...fields } = options;
  // Raw strings: buildProfile validates and normalises every source alike, naming the flag on error.
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const jsonFile = ownJson ?? workspaceJsonFromConfig;
  const workspaceJson = jsonFile === undefined ? {} : { workspaceJson: readWorkspaceJson(jsonFile) };
  const registryParts = { storageAccount: registryStorageAccounts ?? [], containerRegistry: registryContainerRegistries ?? [] };
  return buildProfile({ flags: given as Partial<WorkspaceProfile>, ...(fromConfig ? { config: fromConfig } : {}), ...workspaceJson, env, registryParts });
}
