// A cause: failures that share one fix (the same privatelink zone, proxy, service tag or FQDN rule,
// resource, DNS server), so the admin with 15 red rows sees 3 things to change, most useful first.

import type { Reason } from './reason.js';

/** One fix that unblocks several endpoints, as the JSON report prints it (`causes`, ranked). */
export interface Cause {
  /** Stable within a report: the grouping rule and what the failures share, e.g. "zone:privatelink.vaultcore.azure.net". */
  id: string;
  /** One sentence: what is wrong. */
  summary: string;
  /** One sentence: what to change. */
  fix: string;
  /** The reason code most of its endpoints failed with (the first one met on a tie). */
  reason: Reason;
  /** The ids of the failed results it groups, in report order, each once. */
  endpoints: string[];
  /** How many of those are required: the ranking key (each one fails the run until this is fixed). */
  required: number;
}
