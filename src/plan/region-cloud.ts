// A region and a cloud that cannot be silently wrong: the region name tells its cloud (a user who
// types --region chinaeast2 means 21Vianet even without --cloud), and a region that exists in no
// cloud, or in another cloud than the one given, is refused before any probe with a did-you-mean.
// Without this, a misspelt region fills every regional host name and each fails as "no such name",
// which reads like a DNS problem.

import { CLOUD_TITLES } from '../azure/clouds.js';
import { cloudOfRegion, REGIONS } from '../azure/regions.js';
import { didYouMean } from '../did-you-mean.js';
import { UsageError } from '../errors.js';
import type { BuiltProfile, ProfileField } from '../model/profile.js';

/** Every region of every cloud, for suggestions when the cloud is not known. */
const ALL_REGIONS: readonly string[] = Object.values(REGIONS).flat();

/**
 * Infers a cloud the user did not give from the region (and the registries' regions), and refuses
 * a region of no cloud or of another cloud. `where` names the flag, variable or key of each field.
 */
export function settleRegionCloud(built: BuiltProfile, where: Partial<Record<ProfileField, string>>): void {
  const { profile, origin } = built;
  // Once one region has told the cloud, the others must agree with it as with a given cloud.
  let cloudKnown = origin.cloud !== 'default';
  const regions: { region: string; where: string }[] = [];
  if (profile.region !== undefined) regions.push({ region: profile.region, where: where.region ?? '--region' });
  for (const registry of profile.registries ?? []) {
    if (registry.region !== undefined) regions.push({ region: registry.region, where: where.registries ?? '--registry' });
  }
  for (const { region, where: at } of regions) {
    const cloud = profile.cloud ?? 'public';
    const home = cloudOfRegion(region);
    // A region in the workspace's own JSON is Azure's word, not a typo: one opened after the list was written.
    if (home === undefined && origin.region === 'workspace-json' && region === profile.region) continue;
    if (home === undefined) {
      const candidates = cloudKnown ? REGIONS[cloud] : ALL_REGIONS;
      const hint = didYouMean(region, candidates);
      throw new UsageError(
        `'${region}' is not a region of ${cloudKnown ? CLOUD_TITLES[cloud] : 'any Azure cloud'}${hint}${hint ? ' ' : '. '}` +
          'Use the ARM name as `az account list-locations -o table` shows it in the Name column (e.g. eastus, westeurope, chinaeast2, usgovvirginia). ' +
          "A region Azure opened after amlprobe's list was written is taken as Azure states it: from --workspace-json (az ml workspace show) or, on an Azure machine, from IMDS.",
        at,
      );
    }
    if (home === cloud) continue;
    if (!cloudKnown) {
      // The default cloud was only a guess; the region is evidence.
      profile.cloud = home;
      origin.cloud = 'region';
      cloudKnown = true;
      continue;
    }
    const cloudFrom = origin.cloud === 'region' ? `the region ${profile.region ?? ''}` : `${where.cloud ?? '--cloud'} ${cloud}`;
    throw new UsageError(
      `'${region}' is a region of ${CLOUD_TITLES[home]}, not of ${CLOUD_TITLES[cloud]} (${cloudFrom})${didYouMean(region, REGIONS[cloud])}. ` +
        `Give the workspace's own region, or set the cloud to ${home} (or leave it out: the region tells it).`,
      at,
    );
  }
}
