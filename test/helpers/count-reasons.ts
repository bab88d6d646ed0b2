// How many endpoints of an engine run ended with each reason of their first layer: the tally the
// DNS window and pacing tests compare with what their servers were built to give.

import type { EngineOutcome } from '../../src/engine/run-endpoints.js';

export function countReasons(outcome: EngineOutcome): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of outcome.results) {
    const reason = result.checks[0]?.reason ?? 'none';
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}
