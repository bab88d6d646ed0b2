// The resolved plan: everything decided before the first packet, as plain data. Built by
// src/plan/build-run-plan.ts (run, serve, healthcheck), build-check-plan.ts (check) and the lab;
// the engine probes it (src/engine/probe-to-report.ts) and the reports render it. Nothing
// downstream changes or re-decides any of it.

import type { Endpoint } from '../model/endpoint.js';
import type { Report } from '../model/report.js';
import type { EndpointResult } from '../model/result.js';
import type { PlannedSettings } from '../model/settings.js';
import type { MissingInput } from './catalog-expand.js';
import type { YoungGenerationPolicy } from './young-generation.js';

/** What a run probes, how, and what its report says besides the probes. */
export interface ResolvedPlan {
  /** What to probe, each with its final expectations (`expect`) and its route (`route`). */
  endpoints: Endpoint[];
  /** The run's settings, final: Azure DNS and the deadline included. */
  settings: PlannedSettings;
  /**
   * performance.now() reading when the command (or serve-mode run) started: the deadline counts
   * from there, so the pre-run steps (src/plan/run-clock.ts) are inside it.
   */
  startedAt: number;
  /** When the pre-run share of the deadline ends, once a pre-run step has fixed it. */
  preRunEndsAt?: number;
  /** Rows reported without a probe: catalog rows needing input, informational rows, registry discovery. */
  notProbed: EndpointResult[];
  /** The workspace profile the catalog was expanded with, and where each value came from (catalog runs). */
  workspace?: NonNullable<Report['workspace']>;
  /** Profile values the catalog needed and nobody gave (catalog runs). */
  missingInputs?: MissingInput[];
  /** The user's CA files (config's, then --ca-file's), checked: the source of the run's trust store. */
  caFiles: string[];
  /** What planning has to tell the user before the run (a resolver pre-flight that was cut short, ...). */
  notes: string[];
  /** How far V8's young generation may grow during the probes (./young-generation.ts); absent: as far as V8 lets it. */
  youngGeneration?: YoungGenerationPolicy;
}
