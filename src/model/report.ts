// A whole run as the JSON report prints it (docs/report.schema.json's shape; bump the version on a breaking change).

import type { Cause } from './cause.js';
import type { WorkspaceProfile } from './profile.js';
import type { EndpointResult, Summary } from './result.js';
import type { RunSettings } from './settings.js';

/** A whole run, as the JSON report prints it. Bump REPORT_SCHEMA_VERSION on any breaking change. */
export interface Report {
  schemaVersion: number;
  tool: { name: 'amlprobe'; version: string };
  startedAt: string;
  durationMs: number;
  /** True when the run deadline struck before every probe finished. */
  deadlineHit: boolean;
  settings: RunSettings;
  summary: Summary;
  /** The failures grouped by what fixes them, the one unblocking most required endpoints first (src/causes/). */
  causes?: Cause[];
  results: EndpointResult[];
  /** The workspace profile the catalog was expanded with, and where each value came from (run only). */
  workspace?: {
    profile: WorkspaceProfile;
    origin: Record<string, string>;
    /** What the run says about the profile itself: IMDS placing this machine in another region or cloud than the workspace. */
    notes?: string[];
  };
  /** Profile values the catalog needed but nobody gave, with the flag that provides each (run only). */
  missingInputs?: { field: string; flag: string; neededBy: string[] }[];
}

export const REPORT_SCHEMA_VERSION = 1;
