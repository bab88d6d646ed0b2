// The last step of planning the settings: whether Azure DNS takes part (asked by the user, or
// switched on because amlprobe runs inside Azure, and answering the pre-flight), and the settings
// object made once with that decision in it. Nothing changes the settings after this.

import { withParsedSettings } from '../dns/parsed-settings.js';
import type { PlannedSettings, RunSettings } from '../model/settings.js';
import { withDnsPacing } from './dns-pacing.js';
import { preflightResolvers } from './preflight-resolvers.js';
import type { RunClock } from './run-clock.js';

/** Azure DNS for the run: its address, and whether detection (not the user) switched it on. */
export interface AzureDnsChoice {
  address: string;
  auto: boolean;
}

/**
 * The run's final settings from the asked ones (without Azure DNS) and the Azure DNS choice. With a
 * clock, the resolvers are pre-flighted first (run, check): a bad server the user named throws a
 * UsageError; an Azure DNS that detection switched on and that does not answer is left out.
 * `insideAzure`: amlprobe found itself in Azure (IMDS, compute instance), Azure DNS asked or not.
 */
export async function finishSettings(
  asked: Omit<RunSettings, 'azureDns' | 'azureDnsAuto'>,
  azureDns: AzureDnsChoice | undefined,
  preflightClock: RunClock | undefined,
  insideAzure = false,
): Promise<{ settings: PlannedSettings; notes: string[] }> {
  let notes: string[] = [];
  let keep = azureDns !== undefined;
  if (preflightClock !== undefined) {
    const outcome = await preflightResolvers({ ...asked, ...(azureDns !== undefined ? { azureDns } : {}) }, preflightClock);
    keep = outcome.keepAzureDns;
    notes = outcome.notes;
  }
  // The DNS pacing follows from the servers asked and their roles (src/plan/dns-pacing.ts).
  const settings = withDnsPacing(
    withParsedSettings({
      ...asked,
      ...(keep && azureDns !== undefined ? { azureDns: azureDns.address, ...(azureDns.auto ? { azureDnsAuto: true } : {}) } : {}),
    }),
    insideAzure,
  );
  return { settings, notes };
}
