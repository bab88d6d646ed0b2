// Counts over a run's results and the exit code they imply. The exit code depends only on
// required endpoints: an optional endpoint may fail without failing the run.

import type { EndpointResult, Summary } from '../model/result.js';

/** Counts results by status; `requiredFailed` counts required results whose status is fail. */
export function summarize(results: readonly EndpointResult[]): Summary {
  const summary: Summary = { total: 0, pass: 0, fail: 0, warn: 0, skip: 0, requiredFailed: 0 };
  for (const result of results) {
    summary.total += 1;
    summary[result.status] += 1;
    if (result.required && result.status === 'fail') summary.requiredFailed += 1;
  }
  return summary;
}

/** 1 when any required endpoint failed, else 0 (usage errors, exit code 2, never reach a report). */
export function exitCodeFor(summary: Summary): 0 | 1 {
  return summary.requiredFailed > 0 ? 1 : 0;
}
