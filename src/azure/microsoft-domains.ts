// Which hosts are Microsoft's: the DNS zones of the cloud table (src/azure/clouds.ts) and the
// privatelink suffix table, and the Microsoft-owned zones the catalog's rows live in. A Microsoft
// endpoint's certificate chains to a public root, so one that chains elsewhere is inspected
// (tls_inspected); the plan reads this once per endpoint (src/plan/finish-endpoints.ts).

import { PRIVATELINK_ZONES } from '../dns/privatelink-zones.js';
import { CLOUDS } from './clouds.js';

/**
 * Microsoft-owned zones beyond the cloud table: where the catalog's Microsoft rows without a
 * {cloud.X} template live (aka.ms, packages.microsoft.com, azureedge.net, azurefd.net, ...).
 */
const OWNED_ZONES = [
  'microsoft.com', 'microsoftonline.com', 'microsoftonline.us', 'windows.net', 'azure.com', 'azure.net',
  'azure.cn', 'azure.us', 'azureml.ms', 'azureml.net', 'azurecr.io', 'azureedge.net', 'azurefd.net',
  'azmk8s.io', 'azk8s.cn', 'visualstudio.com', 'chinacloudapi.cn', 'usgovcloudapi.net', 'aka.ms',
  'aznbcontent.net', 'applicationinsights.io',
];

let zones: readonly string[] | undefined;

/** Every zone above, the cloud table's host-like values and the privatelink table's suffixes. */
function microsoftZones(): readonly string[] {
  zones ??= [
    ...new Set([
      ...OWNED_ZONES,
      ...Object.values(CLOUDS).flatMap((table) => Object.values(table)).filter((v): v is string => v !== null && v.includes('.') && !v.includes('{')),
      ...Object.keys(PRIVATELINK_ZONES),
    ]),
  ];
  return zones;
}

/** True when `host` is a Microsoft zone or a name under one. */
export function isMicrosoftHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return microsoftZones().some((zone) => name === zone || name.endsWith(`.${zone}`));
}
