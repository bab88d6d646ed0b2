// The ARM region names of each Azure cloud, so a region tells its cloud (chinaeast2 is 21Vianet,
// usgovvirginia is US Government) and a misspelt one is refused with a did-you-mean instead of
// filling every host name with a region that does not exist. Sources (Microsoft documentation):
// - public: "Azure regions list", learn.microsoft.com/azure/reliability/regions-list (ms.date
//   2025-09-23, the "All" tab's Programmatic name column, plus Sweden South, named there as Sweden
//   Central's restricted pair); the EUAP (early access) and Jio India regions are not on that page
//   but are named by the Azure SDK region lists on learn.microsoft.com
//   (dotnet/api/microsoft.azure.cosmos.regions: CentralUSEUAP, EastUS2EUAP, JioIndiaCentral, JioIndiaWest).
// - china: "Azure regions list" of Azure operated by 21Vianet, docs.azure.cn/en-us/reliability/regions-list.
// - usgov: the same SDK region lists (USGovVirginia, USGovTexas, USGovArizona, USDoDEast,
//   USDoDCentral) and "Regions for virtual machines in Azure" (US Gov Iowa).
// Azure opens regions often: a region missing here is refused when typed (a typo is likelier), but
// taken as Azure states it in a workspace's JSON or in IMDS (src/plan/region-cloud.ts, learned-region.ts).

import type { Cloud } from '../model/profile.js';

/** Every region of each cloud, lower case, as ARM and the CLI spell them. */
export const REGIONS: Readonly<Record<Cloud, readonly string[]>> = {
  public: [
    'australiacentral', 'australiacentral2', 'australiaeast', 'australiasoutheast', 'austriaeast',
    'belgiumcentral', 'brazilsouth', 'brazilsoutheast', 'canadacentral', 'canadaeast', 'centralindia',
    'centralus', 'centraluseuap', 'chilecentral', 'denmarkeast', 'eastasia', 'eastus', 'eastus2',
    'eastus2euap', 'francecentral', 'francesouth', 'germanynorth', 'germanywestcentral',
    'indonesiacentral', 'israelcentral', 'italynorth', 'japaneast', 'japanwest', 'jioindiacentral',
    'jioindiawest', 'koreacentral', 'koreasouth', 'malaysiawest', 'mexicocentral', 'newzealandnorth',
    'northcentralus', 'northeurope', 'norwayeast', 'norwaywest', 'polandcentral', 'qatarcentral',
    'southafricanorth', 'southafricawest', 'southcentralus', 'southindia', 'southeastasia',
    'spaincentral', 'swedencentral', 'swedensouth', 'switzerlandnorth', 'switzerlandwest',
    'uaecentral', 'uaenorth', 'uksouth', 'ukwest', 'westcentralus', 'westeurope', 'westindia',
    'westus', 'westus2', 'westus3',
  ],
  china: ['chinaeast', 'chinaeast2', 'chinaeast3', 'chinanorth', 'chinanorth2', 'chinanorth3'],
  usgov: ['usgovarizona', 'usgoviowa', 'usgovtexas', 'usgovvirginia', 'usdodcentral', 'usdodeast'],
};

/** The cloud whose region list holds `region` (lower case), or undefined for a name no list holds. */
export function cloudOfRegion(region: string): Cloud | undefined {
  for (const cloud of Object.keys(REGIONS) as Cloud[]) if (REGIONS[cloud].includes(region)) return cloud;
  return undefined;
}
