// What amlprobe knows about the workspace: fills the catalog's host templates.

import type { IsolationMode, ManagedNetworkState } from './managed-network.js';

/** Azure clouds with their own DNS suffixes. */
export type Cloud = 'public' | 'china' | 'usgov';

/** What amlprobe knows about the workspace; fills the catalog's host templates. Every field optional. */
export interface WorkspaceProfile {
  cloud?: Cloud;
  /** ARM region name, lower case: eastus, westeurope, chinaeast2, usgovvirginia. */
  region?: string;
  workspaceName?: string;
  /** Workspace ID (GUID), the "Workspace ID" property in the portal. */
  workspaceId?: string;
  storageAccounts?: string[];
  keyVault?: string;
  containerRegistry?: string;
  computeInstance?: string;
  /** Azure ML registries (name and region; id when known, from discovery). */
  registries?: RegistryProfile[];
  /** The workspace is reached through private endpoints: its private names must resolve privately. */
  privateEndpoints?: boolean;
  /** The isolation mode of the workspace's managed virtual network (absent: not known, probed as a customer VNet). */
  managedNetwork?: IsolationMode;
}

/** What amlprobe knows about one Azure ML registry. */
export interface RegistryProfile {
  name: string;
  /** The primary region. */
  region?: string;
  /** The registry ID (GUID), given or from discovery. */
  id?: string;
  /** Every region discovery named in registryFqdns (primary and replicas), each with its own FQDN. */
  regions?: string[];
  /** The registry's own storage account (in its managed resource group), when given. */
  storageAccount?: string;
  /** The registry's own container registry (ACR) name, when given. */
  containerRegistry?: string;
}

/** A field of the workspace profile. */
export type ProfileField = keyof WorkspaceProfile;

/** Where a profile value came from. */
export type ProfileOrigin = 'flag' | 'config' | 'env' | 'default' | 'workspace-json' | 'region' | DetectedOrigin;

/** Where a value amlprobe learned by itself came from (src/azure/learn-workspace.ts: IMDS, compute instance, registry discovery). */
export type DetectedOrigin = 'imds' | 'compute-instance' | 'discovery';

/** A validated profile and where each of its values came from. */
export interface BuiltProfile {
  profile: WorkspaceProfile;
  origin: Record<string, ProfileOrigin>;
  /** The managed network's status and outbound rules, from --workspace-json. */
  managedNetworkState?: ManagedNetworkState;
}
