// The per-cloud DNS suffixes that fill {cloud.X} in catalog templates, and the cloud names users type.
// Values come from /work/shared/reference/aml-endpoints-notes.md section 2 (the suffix table) unless a
// comment names another source. `null` means no stored source documents the name for that cloud: a
// row that needs it is shown, not probed, rather than probing a guessed host.

import { UsageError } from '../errors.js';
import type { Cloud } from '../model/profile.js';
import { didYouMean } from './did-you-mean.js';

/** Every {cloud.X} key a catalog template may use. */
export type CloudKey =
  | 'amlApiZone'
  | 'notebooksZone'
  | 'instancesZone'
  | 'instancesZoneAlt'
  | 'tundraZone'
  | 'storageSuffix'
  | 'keyVaultSuffix'
  | 'keyVaultZone'
  | 'acrSuffix'
  | 'login'
  | 'arm'
  | 'armPortal'
  | 'graph'
  | 'graphNotebooks'
  | 'studio'
  | 'batchSuffix'
  | 'inferenceZone'
  | 'modelManagement'
  | 'aksApiSuffix'
  | 'aksHcpZone'
  | 'mcr'
  | 'notebookContentZone'
  | 'registryDiscoveryRegion'
  | 'appInsights'
  | 'monitorZone';

/** One cloud's values; null where no source documents the name. */
export type CloudTable = Readonly<Record<CloudKey, string | null>>;

/** The three clouds in display order. */
export const CLOUD_NAMES: readonly Cloud[] = ['public', 'china', 'usgov'];

/** Human names, as the Azure docs write them. */
export const CLOUD_TITLES: Readonly<Record<Cloud, string>> = {
  public: 'Azure public cloud',
  china: 'Azure operated by 21Vianet (China)',
  usgov: 'Azure US Government',
};

/** The suffix table. Values may themselves hold profile placeholders ({region}). */
export const CLOUDS: Readonly<Record<Cloud, CloudTable>> = {
  public: {
    amlApiZone: 'api.azureml.ms',
    notebooksZone: 'notebooks.azure.net',
    instancesZone: 'instances.azureml.ms',
    // dns2026 spells compute-instance names instances.ml.azure.ms (notes section 4, item 8).
    instancesZoneAlt: 'instances.ml.azure.ms',
    tundraZone: 'tundra.azureml.ms',
    storageSuffix: 'core.windows.net',
    keyVaultSuffix: 'vault.azure.net',
    keyVaultZone: 'privatelink.vaultcore.azure.net',
    acrSuffix: 'azurecr.io',
    login: 'login.microsoftonline.com',
    arm: 'management.azure.com',
    armPortal: 'management.azure.com',
    graph: 'graph.windows.net',
    graphNotebooks: 'graph.microsoft.com',
    studio: 'ml.azure.com',
    batchSuffix: 'batch.azure.com',
    inferenceZone: 'inference.ml.azure.com',
    modelManagement: 'modelmanagement.azureml.net',
    aksApiSuffix: 'hcp.{region}.azmk8s.io',
    // The zone after *.hcp.<region>. in the AKS egress tables: aksApiSuffix = hcp.{region}.<aksHcpZone>.
    aksHcpZone: 'azmk8s.io',
    mcr: 'mcr.microsoft.com',
    notebookContentZone: 'aznbcontent.net',
    // The azure-ai-ml SDK's fixed registry-discovery host is <this>.{cloud.amlApiZone}.
    registryDiscoveryRegion: 'eastus',
    // Application Insights ingestion (the catalog's monitoring rows; azure-cli cloud.py agrees).
    appInsights: 'dc.applicationinsights.azure.com',
    monitorZone: 'privatelink.monitor.azure.com',
  },
  china: {
    amlApiZone: 'api.ml.azure.cn',
    notebooksZone: 'notebooks.chinacloudapi.cn',
    instancesZone: 'instances.azureml.cn',
    // Sic: dns2026 writes .ms for 21Vianet too, which looks like an error; probed as documented.
    instancesZoneAlt: 'instances.ml.azure.ms',
    tundraZone: 'tundra.azureml.cn',
    storageSuffix: 'core.chinacloudapi.cn',
    keyVaultSuffix: 'vault.azure.cn',
    keyVaultZone: 'privatelink.vaultcore.azure.cn',
    // Not in the stored AML sources (notes section 5); azure-cli's cloud.py gives acr_login_server_endpoint '.azurecr.cn'.
    acrSuffix: 'azurecr.cn',
    login: 'login.chinacloudapi.cn',
    arm: 'management.chinacloudapi.cn',
    armPortal: 'management.azure.cn',
    graph: 'graph.chinacloudapi.cn',
    // The notes give one Graph host for 21Vianet, used by compute and notebooks alike.
    graphNotebooks: 'graph.chinacloudapi.cn',
    studio: 'studio.ml.azure.cn',
    batchSuffix: 'batch.chinacloudapi.cn',
    inferenceZone: 'inference.ml.azure.cn',
    modelManagement: 'modelmanagement.ml.azure.cn',
    aksApiSuffix: 'hcp.{region}.cx.prod.service.azk8s.cn',
    aksHcpZone: 'cx.prod.service.azk8s.cn',
    mcr: 'mcr.microsoft.com',
    notebookContentZone: 'aznbcontent.net',
    registryDiscoveryRegion: 'chinaeast2',
    // azure-cli cloud.py: app_insights_telemetry_channel_resource_id for AzureChinaCloud.
    appInsights: 'dc.applicationinsights.azure.cn',
    // No stored source lists the Azure Monitor private link zone for 21Vianet.
    monitorZone: null,
  },
  usgov: {
    amlApiZone: 'api.ml.azure.us',
    notebooksZone: 'notebooks.usgovcloudapi.net',
    instancesZone: 'instances.azureml.us',
    instancesZoneAlt: 'instances.ml.azure.us',
    tundraZone: 'tundra.azureml.us',
    storageSuffix: 'core.usgovcloudapi.net',
    keyVaultSuffix: 'vault.usgovcloudapi.net',
    keyVaultZone: 'privatelink.vaultcore.usgovcloudapi.net',
    acrSuffix: 'azurecr.us',
    login: 'login.microsoftonline.us',
    arm: 'management.usgovcloudapi.net',
    armPortal: 'management.azure.us',
    // Compute still uses legacy Azure AD Graph on graph.windows.net, even in US Gov (notes item 23).
    graph: 'graph.windows.net',
    graphNotebooks: 'graph.microsoft.us',
    studio: 'ml.azure.us',
    batchSuffix: 'batch.usgovcloudapi.net',
    inferenceZone: 'inference.ml.azure.us',
    modelManagement: 'modelmanagement.azureml.us',
    aksApiSuffix: 'hcp.{region}.cx.aks.containerservice.azure.us',
    aksHcpZone: 'cx.aks.containerservice.azure.us',
    mcr: 'mcr.microsoft.com',
    notebookContentZone: 'aznbcontent.net',
    registryDiscoveryRegion: 'usgovarizona',
    // azure-cli cloud.py: app_insights_telemetry_channel_resource_id for AzureUSGovernment.
    appInsights: 'dc.applicationinsights.us',
    monitorZone: 'privatelink.monitor.azure.us',
  },
};

/** Every key of the table, for validation and did-you-mean. */
export const CLOUD_KEYS: readonly CloudKey[] = Object.keys(CLOUDS.public) as CloudKey[];

/** True when `key` names a column of the cloud table. */
export function isCloudKey(key: string): key is CloudKey {
  return (CLOUD_KEYS as readonly string[]).includes(key);
}

/**
 * The value of {cloud.<key>} in `cloud`, or null when no source documents it there.
 * Throws a plain Error for an unknown key: that is a catalog bug, not a user mistake.
 */
export function cloudValue(cloud: Cloud, key: string): string | null {
  if (!isCloudKey(key)) {
    throw new Error(`unknown cloud placeholder {cloud.${key}}${didYouMean(key, CLOUD_KEYS)}`);
  }
  return CLOUDS[cloud][key];
}

/** Spellings accepted for each cloud, lower case: ours, the az CLI's, and common short forms. */
const CLOUD_ALIASES: Readonly<Record<string, Cloud>> = {
  public: 'public',
  azurecloud: 'public',
  azurepubliccloud: 'public',
  china: 'china',
  azurechinacloud: 'china',
  usgov: 'usgov',
  azureusgovernment: 'usgov',
};

/**
 * Parses a cloud name case-insensitively (public/AzureCloud, china/AzureChinaCloud,
 * usgov/AzureUSGovernment). `where` names the flag, env var or config key for the error.
 */
export function parseCloud(text: string, where = '--cloud'): Cloud {
  const key = text.trim().toLowerCase();
  const cloud = CLOUD_ALIASES[key];
  if (cloud !== undefined) return cloud;
  const hint = didYouMean(key, Object.keys(CLOUD_ALIASES));
  throw new UsageError(
    `unknown cloud '${text}'${hint}${hint ? ' ' : '. '}Valid clouds: public (AzureCloud), china (AzureChinaCloud), usgov (AzureUSGovernment).`,
    where,
  );
}
