// Which privatelink zone a name belongs to: the zone that must be linked to the VNet, or whose
// public parent a custom DNS server must forward to Azure DNS. The CNAME chain names it best (the
// privatelink.* label in the chain); else the public-suffix table below, per cloud, from
// /work/shared/reference/aml-endpoints.yaml `private_dns_zones` (src/azure/clouds.ts agrees).

import type { DnsRecord } from '../model/evidence.js';

/** Azure-provided DNS: the virtual IP every Azure VNet resolves through. */
export const AZURE_DNS_ADDRESS = '168.63.129.16';

/** Public DNS suffix -> privatelink zone, for the three clouds. Longest suffix wins. */
export const PRIVATELINK_ZONES: Readonly<Record<string, string>> = {
  // public
  'api.azureml.ms': 'privatelink.api.azureml.ms',
  'inference.ml.azure.com': 'privatelink.api.azureml.ms',
  'notebooks.azure.net': 'privatelink.notebooks.azure.net',
  'blob.core.windows.net': 'privatelink.blob.core.windows.net',
  'file.core.windows.net': 'privatelink.file.core.windows.net',
  'queue.core.windows.net': 'privatelink.queue.core.windows.net',
  'table.core.windows.net': 'privatelink.table.core.windows.net',
  'dfs.core.windows.net': 'privatelink.dfs.core.windows.net',
  'vault.azure.net': 'privatelink.vaultcore.azure.net',
  'vaultcore.azure.net': 'privatelink.vaultcore.azure.net',
  'azurecr.io': 'privatelink.azurecr.io',
  // US Government
  'api.ml.azure.us': 'privatelink.api.ml.azure.us',
  'notebooks.usgovcloudapi.net': 'privatelink.notebooks.usgovcloudapi.net',
  'blob.core.usgovcloudapi.net': 'privatelink.blob.core.usgovcloudapi.net',
  'file.core.usgovcloudapi.net': 'privatelink.file.core.usgovcloudapi.net',
  'queue.core.usgovcloudapi.net': 'privatelink.queue.core.usgovcloudapi.net',
  'table.core.usgovcloudapi.net': 'privatelink.table.core.usgovcloudapi.net',
  'dfs.core.usgovcloudapi.net': 'privatelink.dfs.core.usgovcloudapi.net',
  'vault.usgovcloudapi.net': 'privatelink.vaultcore.usgovcloudapi.net',
  'vaultcore.usgovcloudapi.net': 'privatelink.vaultcore.usgovcloudapi.net',
  'azurecr.us': 'privatelink.azurecr.us',
  // China (21Vianet); no stored source names the container registry zone there
  'api.ml.azure.cn': 'privatelink.api.ml.azure.cn',
  'notebooks.chinacloudapi.cn': 'privatelink.notebooks.chinacloudapi.cn',
  'blob.core.chinacloudapi.cn': 'privatelink.blob.core.chinacloudapi.cn',
  'file.core.chinacloudapi.cn': 'privatelink.file.core.chinacloudapi.cn',
  'queue.core.chinacloudapi.cn': 'privatelink.queue.core.chinacloudapi.cn',
  'table.core.chinacloudapi.cn': 'privatelink.table.core.chinacloudapi.cn',
  'dfs.core.chinacloudapi.cn': 'privatelink.dfs.core.chinacloudapi.cn',
  'vaultcore.azure.cn': 'privatelink.vaultcore.azure.cn',
};

/**
 * Whether a name can hold the label at all, without lower-casing or splitting it: most names do
 * not, and the verdict asks for every name and every CNAME record (issue 15). With the `u` flag,
 * `i` matches what toLowerCase would turn into the same letters (the Kelvin sign K is a k), so the
 * test answers as the lower-cased text would.
 */
const MAY_HOLD_PRIVATELINK = /privatelink/iu;

/** "x.workspace.eastus.privatelink.api.azureml.ms" -> "privatelink.api.azureml.ms"; undefined without such a label. */
export function privatelinkZoneOf(name: string): string | undefined {
  if (!MAY_HOLD_PRIVATELINK.test(name)) return undefined;
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  const at = labels.indexOf('privatelink');
  return at >= 0 && at < labels.length - 1 ? labels.slice(at).join('.') : undefined;
}

/** The suffix table as a map: a name's suffixes are looked up, not every suffix tried on the name. */
const ZONE_BY_SUFFIX: ReadonlyMap<string, string> = new Map(Object.entries(PRIVATELINK_ZONES));

/** The zone by public suffix: "acct.blob.core.windows.net" -> "privatelink.blob.core.windows.net". */
export function zoneBySuffix(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  // Longest suffix first: the whole name, then after each dot from the left; the first one in the
  // table is the longest that matches on a label boundary, as the table says.
  for (let from = 0; from !== -1; ) {
    const zone = ZONE_BY_SUFFIX.get(from === 0 ? lower : lower.slice(from));
    if (zone !== undefined) return zone;
    const dot = lower.indexOf('.', from);
    from = dot === -1 ? -1 : dot + 1;
  }
  return undefined;
}

/** The privatelink zone for `name`: the name itself, then the CNAME chains (in order), then the suffix table. */
export function zoneFor(name: string, chains: readonly (readonly DnsRecord[])[]): string | undefined {
  const fromName = privatelinkZoneOf(name);
  if (fromName !== undefined) return fromName;
  for (const chain of chains) {
    for (const record of chain) {
      const zone = privatelinkZoneOf(record.data);
      if (zone !== undefined) return zone;
    }
  }
  return zoneBySuffix(name);
}

/** Whether `name` is in `zone` (or is its apex): "x.privatelink.blob.core.windows.net" is in "privatelink.blob.core.windows.net". */
export function inZone(name: string, zone: string): boolean {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return lower === zone || lower.endsWith(`.${zone}`);
}

/** The public zone a custom DNS server should forward: "privatelink.blob.core.windows.net" -> "blob.core.windows.net". */
export function publicParentOf(zone: string): string {
  return zone.replace(/^privatelink\./, '');
}
