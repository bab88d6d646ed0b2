// Region and cloud learned from the machine (the compute instance's markers, IMDS), kept apart from
// the workspace's. IMDS tells where *this VM* runs: a compute cluster in another region than its
// workspace, or a jump box in a hub VNet, is a supported setup (seed 000 covers cross-region
// clusters), so its location fills the workspace region only when nothing else knows it, and a
// disagreement with a region known from the workspace JSON or the instance's markers is said, never
// resolved silently in favour of the machine.

import type { BuiltProfile, Cloud } from '../model/profile.js';
import { CLOUD_TITLES } from './clouds.js';
import type { ImdsFacts } from './imds.js';
import { cloudOfRegion } from './regions.js';

/**
 * IMDS compute.azEnvironment values (learn.microsoft.com, Azure Instance Metadata Service:
 * "azEnvironment: Azure Environment where the VM is running in"), lower case, as our cloud names.
 */
const AZ_ENVIRONMENTS: Readonly<Record<string, Cloud>> = {
  azurepubliccloud: 'public',
  azureusgovernmentcloud: 'usgov',
  azurechinacloud: 'china',
};

/** The cloud IMDS's azEnvironment names, or undefined for a value we do not know (AzureGermanCloud...). */
export function cloudOfAzEnvironment(azEnvironment: string): Cloud | undefined {
  return AZ_ENVIRONMENTS[azEnvironment.trim().toLowerCase()];
}

/** Where a learned value came from, as a note says it. */
const SAYS: Record<'imds' | 'compute-instance', string> = {
  imds: 'IMDS',
  'compute-instance': "the compute instance's markers",
};

/**
 * Takes a learned region as the workspace region when it exists in a cloud that fits: the cloud
 * nobody gave follows it; a region of another cloud than the given one is left out with a note.
 */
export function adoptRegion(built: BuiltProfile, region: string, source: 'imds' | 'compute-instance', notes: string[]): boolean {
  const { profile, origin } = built;
  const home = cloudOfRegion(region);
  const cloud = profile.cloud ?? 'public';
  if (home === undefined) {
    // Azure itself names it, so it is no typo: a region opened after the list was written.
    profile.region = region;
    origin.region = source;
    notes.push(`${SAYS[source]} names the region ${region}, which amlprobe's region list does not have yet: used as Azure gave it, in ${CLOUD_TITLES[cloud]}.`);
    return true;
  }
  if (home !== cloud) {
    if (origin.cloud !== 'default') {
      notes.push(`${SAYS[source]} names the region ${region}, a region of ${CLOUD_TITLES[home]}, but the cloud is ${CLOUD_TITLES[cloud]} (${origin.cloud}): the region is not used; give --region.`);
      return false;
    }
    profile.cloud = home;
    origin.cloud = source;
  }
  profile.region = region;
  origin.region = source;
  return true;
}

/** Applies what IMDS told: the cloud (azEnvironment) and, when nothing else knows it, the region. */
export function learnFromImds(built: BuiltProfile, facts: ImdsFacts, notes: string[]): void {
  const { profile, origin } = built;
  const envCloud = facts.azEnvironment === undefined ? undefined : cloudOfAzEnvironment(facts.azEnvironment);
  if (envCloud !== undefined && envCloud !== profile.cloud) {
    if (origin.cloud === 'default') {
      profile.cloud = envCloud;
      origin.cloud = 'imds';
    } else {
      notes.push(
        `IMDS says this machine runs in ${CLOUD_TITLES[envCloud]} (azEnvironment ${facts.azEnvironment ?? ''}), but the cloud is ` +
          `${CLOUD_TITLES[profile.cloud ?? 'public']} (from ${origin.cloud}): the run uses ${profile.cloud ?? 'public'}.`,
      );
    }
  }
  const location = facts.location?.toLowerCase().replace(/\s+/g, '');
  if (location === undefined || !/^[a-z0-9]+$/.test(location)) return;
  if (profile.region === undefined) {
    if (adoptRegion(built, location, 'imds', notes)) {
      notes.push(
        `the workspace region ${location} comes from IMDS, which tells where this machine runs; ` +
          'a compute cluster or jump box may be in another region than its workspace: give --region if the workspace is elsewhere.',
      );
    }
    return;
  }
  if (location !== profile.region) {
    const from = origin.region === 'workspace-json' ? 'the workspace JSON' : origin.region === 'compute-instance' ? "the compute instance's markers" : origin.region;
    notes.push(
      `IMDS places this machine in ${location}, but the workspace region is ${profile.region} (from ${from}); ` +
        `the run uses ${profile.region}. A compute cluster in another region or a jump box in a hub VNet is a supported setup (seed 000).`,
    );
  }
}
