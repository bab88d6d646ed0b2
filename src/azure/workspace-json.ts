// `--workspace-json FILE`: the JSON printed by `az ml workspace show` (Azure ML CLI v2, snake_case
// keys: location, workspace_id, storage_account, key_vault, container_registry, public_network_access,
// discovery_url, ...) or by `az resource show` / the ARM REST API (camelCase under `properties`:
// properties.workspaceId, properties.storageAccount, ...). Extracts the workspace profile a user would
// otherwise type; a partial file fills what it can, a wrong or malformed one is a usage error (exit 2).

import { UsageError } from '../errors.js';
import { CLOUD_NAMES, CLOUDS } from '../azure/clouds.js';
import type { ProfileField } from '../model/profile.js';
import type { Cloud, WorkspaceProfile } from '../model/profile.js';
import { isArmType, parseArmId } from './arm-id.js';
import { readJsonFile } from './json-file.js';
import { INPUT_LIMITS } from '../bounded-read.js';
import { readManagedNetworkJson } from './managed-network-json.js';
import type { ManagedNetworkState } from '../model/managed-network.js';
import { asObject, describeJsonValue } from './json-shape.js';

/** The flag that names the file, for messages. */
export const WORKSPACE_JSON_FLAG = '--workspace-json';

/** Profile values read from a workspace JSON file, and where in the file each came from. */
export interface WorkspaceJsonProfile {
  file: string;
  values: Partial<WorkspaceProfile>;
  /** Per field: "ws.json 'storage_account'", for the profile's validation messages. */
  where: Partial<Record<ProfileField, string>>;
  /** The managed network's status and outbound rules (managed_network / properties.managedNetwork). */
  managedNetwork?: ManagedNetworkState;
}

const WORKSPACE_TYPE = 'Microsoft.MachineLearningServices/workspaces';
/** The workspace's managed network as its own ARM resource (`az resource show` of workspaces/managedNetworks). */
const MANAGED_NETWORK_TYPE = 'Microsoft.MachineLearningServices/workspaces/managedNetworks';

/** Reads and interprets a workspace JSON file; throws UsageError naming the file and the field. */
export function readWorkspaceJson(path: string): WorkspaceJsonProfile {
  return parseWorkspaceJson(readJsonFile(path, WORKSPACE_JSON_FLAG, INPUT_LIMITS.workspaceJson), path);
}

/** Interprets the parsed JSON of `az ml workspace show` (or the ARM resource) named `file`. */
export function parseWorkspaceJson(data: unknown, file: string): WorkspaceJsonProfile {
  const doc = asObject(data);
  if (doc === undefined) {
    const many = Array.isArray(data) ? ` holds a list of ${data.length} item(s) (the output of a 'list' command?)` : ` holds ${describeJsonValue(data)}`;
    throw new UsageError(`'${file}'${many}; expected one workspace object: save 'az ml workspace show --name NAME --resource-group RG -o json'.`, WORKSPACE_JSON_FLAG);
  }
  checkKind(doc, file);
  const props = asObject(doc['properties']) ?? {};
  const out: WorkspaceJsonProfile = { file, values: {}, where: {} };
  const set = <K extends ProfileField>(field: K, value: WorkspaceProfile[K], key: string): void => {
    out.values[field] = value;
    out.where[field] = `${file} '${key}'`;
  };
  const lookup = (snake: string, camel: string): { key: string; value: string } | undefined => {
    for (const [key, value] of [[snake, doc[snake]], [camel, doc[camel]], [`properties.${camel}`, props[camel]]] as const) {
      if (value === undefined || value === null || value === '') continue;
      if (typeof value !== 'string') throw new UsageError(`'${key}' should be a string, got ${describeJsonValue(value)}.`, file);
      return { key, value };
    }
    return undefined;
  };

  const name = lookup('name', 'name');
  const networkOf = networkResourceWorkspace(doc);
  // The managed network's own resource is named "default"; its id names the workspace.
  if (networkOf !== undefined) set('workspaceName', networkOf, 'id');
  else if (name) set('workspaceName', name.value, name.key);
  else {
    // A trimmed document (`--query "{id: id, ...}"`) may keep only the ARM id, which ends with the name.
    const id = lookup('id', 'id');
    const parsed = id === undefined ? undefined : parseArmId(id.value);
    if (id !== undefined && parsed !== undefined) set('workspaceName', parsed.name, id.key);
  }
  const location = lookup('location', 'location');
  // ARM prints the programmatic name ("eastus"); squeeze a display name ("East US") the same way.
  if (location) set('region', location.value.replace(/\s+/g, '').toLowerCase(), location.key);
  const workspaceId = lookup('workspace_id', 'workspaceId');
  if (workspaceId) set('workspaceId', workspaceId.value, workspaceId.key);

  const resourceName = (snake: string, camel: string, type: string): { key: string; value: string } | undefined => {
    const found = lookup(snake, camel);
    if (found === undefined) return undefined;
    const id = parseArmId(found.value);
    if (id === undefined) {
      throw new UsageError(`'${found.key}' is not an ARM resource id: '${found.value}' (expected /subscriptions/.../providers/${type}/NAME).`, file);
    }
    if (!isArmType(id, type)) throw new UsageError(`'${found.key}' names a ${id.type} resource, expected ${type}: '${found.value}'.`, file);
    return { key: found.key, value: id.name };
  };
  const storage = resourceName('storage_account', 'storageAccount', 'Microsoft.Storage/storageAccounts');
  if (storage) set('storageAccounts', [storage.value], storage.key);
  const vault = resourceName('key_vault', 'keyVault', 'Microsoft.KeyVault/vaults');
  if (vault) set('keyVault', vault.value, vault.key);
  const registry = resourceName('container_registry', 'containerRegistry', 'Microsoft.ContainerRegistry/registries');
  if (registry) set('containerRegistry', registry.value, registry.key);

  // Public access disabled means clients can only come through private endpoints. "Enabled" says
  // nothing about whether private endpoints exist too, so it sets nothing.
  const access = lookup('public_network_access', 'publicNetworkAccess');
  if (access && access.value.toLowerCase() === 'disabled') set('privateEndpoints', true, access.key);

  const managed = readManagedNetworkJson(doc, props, file);
  // Disabled plans the same as no managed network (the customer's own VNet): only a managed mode is a profile value.
  if (managed?.mode !== undefined && managed.mode.value !== 'disabled') set('managedNetwork', managed.mode.value, managed.mode.key);
  if (managed !== undefined) out.managedNetwork = managed.state;

  const cloud = cloudOf(lookup('discovery_url', 'discoveryUrl')) ?? cloudOf(lookup('mlflow_tracking_uri', 'mlFlowTrackingUri'));
  if (cloud) set('cloud', cloud.value, cloud.key);

  if (Object.keys(out.values).length === 0 && out.managedNetwork === undefined) {
    throw new UsageError(
      `'${file}' holds none of the fields amlprobe reads from 'az ml workspace show' (name, location, workspace_id, storage_account, key_vault, container_registry, public_network_access, discovery_url, managed_network).`,
      WORKSPACE_JSON_FLAG,
    );
  }
  return out;
}

/** The workspace name in the id of a workspaces/managedNetworks resource, else undefined. */
function networkResourceWorkspace(doc: Record<string, unknown>): string | undefined {
  const id = typeof doc['id'] === 'string' ? doc['id'] : '';
  return /\/workspaces\/([^/]+)\/managedNetworks\/[^/]+$/i.exec(id)?.[1];
}

/** Refuses documents that are some other Azure resource, saying which and what to pass instead. */
function checkKind(doc: Record<string, unknown>, file: string): void {
  const type = typeof doc['type'] === 'string' ? doc['type'] : undefined;
  const id = typeof doc['id'] === 'string' ? parseArmId(doc['id']) : undefined;
  const actual = type ?? id?.type;
  if (actual !== undefined && actual.toLowerCase() !== WORKSPACE_TYPE.toLowerCase() && actual.toLowerCase() !== MANAGED_NETWORK_TYPE.toLowerCase()) {
    const hint = /privateEndpoints|networkInterfaces|privateDnsZoneGroups/i.test(actual) ? ' For private endpoints use --private-endpoints-json.' : '';
    throw new UsageError(`'${file}' describes a ${actual} resource, not an Azure ML workspace (${WORKSPACE_TYPE}).${hint}`, WORKSPACE_JSON_FLAG);
  }
  if (actual === undefined && ('customDnsConfigs' in doc || 'privateLinkServiceConnections' in doc)) {
    throw new UsageError(`'${file}' looks like private endpoint output, not a workspace; pass it with --private-endpoints-json.`, WORKSPACE_JSON_FLAG);
  }
}

/** The cloud whose AML API zone is the host of a discovery or MLflow URL ("https://eastus.api.azureml.ms/discovery"). */
function cloudOf(found: { key: string; value: string } | undefined): { key: string; value: Cloud } | undefined {
  if (found === undefined) return undefined;
  let host: string;
  try {
    host = new URL(found.value).hostname.toLowerCase();
  } catch {
    return undefined; // a URL we cannot read only loses the cloud hint; the user can pass --cloud
  }
  const cloud = CLOUD_NAMES.find((c) => {
    const zone = CLOUDS[c].amlApiZone;
    return zone !== null && host.endsWith(`.${zone}`);
  });
  return cloud === undefined ? undefined : { key: found.key, value: cloud };
}
