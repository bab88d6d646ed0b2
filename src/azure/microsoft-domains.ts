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

let zones: ReadonlySet<string> | undefined;

/** Every zone above, the cloud table's host-like values and the privatelink table's suffixes. */
function microsoftZones(): ReadonlySet<string> {
  zones ??= new Set([
    ...OWNED_ZONES,
    ...Object.values(CLOUDS).flatMap((table) => Object.values(table)).filter((v): v is string => v !== null && v.includes('.') && !v.includes('{')),
    ...Object.keys(PRIVATELINK_ZONES),
  ]);
  return zones;
}

/**
 * True when `host` is a Microsoft zone or a name under one. Looked up by the name's own suffixes
 * (the whole name, then what follows each dot), not by trying every zone: the plan asks once per
 * endpoint, and 50,000 endpoints against a few hundred zones were a second of CPU before the
 * first packet (issue 15).
 */
export function isMicrosoftHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const known = microsoftZones();
  if (known.has(name)) return true;
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) if (known.has(name.slice(dot + 1))) return true;
  return false;
}

/** Every zone isMicrosoftHost knows (for tests). */
export function knownMicrosoftZones(): readonly string[] {
  return [...microsoftZones()];
}
