// Verdicts: one layer's result, one endpoint's result, and the counts over a run.

import type { Layer, EndpointMeta, Protocol } from './endpoint.js';
import type { LayerEvidence } from './evidence.js';
import type { Reason, Status } from './reason.js';

/** The verdict of one layer of one endpoint. */
export interface LayerResult {
  layer: Layer;
  status: Status;
  reason: Reason;
  /** Wall time spent in this layer, milliseconds (0 for skipped layers). */
  ms: number;
  /** One short sentence for the matrix cell, e.g. "connection refused". */
  message: string;
  /** Longer explanation for the detail line under a failed row (optional). */
  detail?: string;
  /** The layer's evidence: addresses, CNAME chain, certificate, HTTP status, ... (see *Data types). */
  data?: LayerEvidence[Layer];
}

/** The verdict of one endpoint (one address of it with --all-addresses). */
export interface EndpointResult {
  id: string;
  host: string;
  port: number;
  protocol: Protocol;
  path: string;
  required: boolean;
  /** The address the connection layers used (null when DNS failed or for dns-only endpoints). */
  address: string | null;
  status: Status;
  /** The layer that decided a status other than pass (for blocked_as_expected, the layer that blocked), else null. */
  layer: Layer | null;
  /** The deciding layer's reason; for a pass, the last layer's reason (ok, ws_upgraded, ...). */
  reason: Reason;
  message: string;
  ms: number;
  checks: LayerResult[];
  label?: string;
  meta?: EndpointMeta;
  /**
   * A failed result's proof: the standard commands (dig, nc, openssl, curl) that reproduce the
   * finding with the same server, address, name and proxy, each quoted for a POSIX shell.
   */
  reproduce?: string[];
}

/** Counts over a run's results. */
export interface Summary {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  skip: number;
  /** Required endpoints that failed: any makes the exit code 1. */
  requiredFailed: number;
}
