// What serve mode knows between runs: the last report and the counters /metrics exposes.

import type { RunCounters } from '../report/prometheus.js';
import type { EndpointResult } from '../model/result.js';
import type { Report } from '../model/report.js';

/** The last completed run, or none yet. */
export interface ServeState {
  last?: { report: Report; counters: RunCounters };
}

/** The required endpoints that failed in a report, in report order. */
export function failingRequired(report: Report): EndpointResult[] {
  return report.results.filter((r) => r.required && r.status === 'fail');
}

/** One line per failing required endpoint: id, where, layer and reason, e.g. for /healthz. */
export function describeFailure(result: EndpointResult): string {
  const where = result.port > 0 ? `${result.host}:${result.port}` : result.host;
  return `${result.id} (${result.protocol}://${where}): ${result.layer ?? 'run'} ${result.reason}: ${result.message}`.replace(/\s*\n\s*/g, ' ');
}
