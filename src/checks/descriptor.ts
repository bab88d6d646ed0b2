// What a probe kind is, as data beside its check: its layer, the target schemes it ends, its column
// in the matrix, how its evidence is laid out in JSON, its cell text, its detail lines and its
// evidence panel. The engine and every report read kinds from the registry (kinds.ts) instead of
// switching on layer names, so a new kind is one kind file plus a line in that list.
//
// Descriptors are loaded by every report and by the CLI: a kind file imports its check lazily
// (load) and never pulls in undici, ws or node:tls itself (docs/benchmarks.md, start-up cost).
// Nothing here produces markup: the panel is format-neutral data that src/report/html renders.

import type { Endpoint, Layer, Protocol } from '../model/endpoint.js';
import type { LayerEvidence } from '../model/evidence.js';
import type { Reason, Status } from '../model/reason.js';
import type { LayerResult } from '../model/result.js';
import type { Check, ProbeState } from '../model/check.js';

/** A column of the matrix; kinds that never run together for one endpoint share one (tcp and udp). */
export interface Column {
  /** Stable key, e.g. "connect". */
  key: string;
  /** Header in the terminal matrix and the HTML grid, e.g. "CONNECT". */
  title: string;
  /** Header in the Markdown table, e.g. "connect". */
  markdownTitle: string;
}

/** How a target scheme that ends in this kind is written and run. */
export interface SchemeSyntax {
  /** The layers it runs, in order, starting with dns and ending with this kind's layer. */
  layers: readonly Layer[];
  /** Port when the target names none; absent when the target must name one. */
  defaultPort?: number;
  /** Whether the target carries a request path (http, ws). */
  path?: boolean;
}

/**
 * The JSON report's key order for one object of evidence: these keys first, in order, then any
 * others alphabetically. `objects` and `lists` shape a nested object or a list of objects.
 */
export interface EvidenceShape {
  order: readonly string[];
  objects?: Readonly<Record<string, EvidenceShape>>;
  lists?: Readonly<Record<string, EvidenceShape>>;
}

/** The short text of a matrix cell for one reason code, e.g. "NXDOMAIN" or "proxy 403". */
export type CellText = (check: LayerResult) => string;

/**
 * An evidence line under a failed row, e.g. "presented: CN=... issued by ...". `key` is the value
 * that makes it news: the line is left out when the layer's message or detail already says it.
 */
export interface EvidenceFact {
  label: string;
  text: string;
  key: string;
}

/** Text in an evidence panel: plain, or a code span (an address, a header, a fingerprint). */
export type Span = string | { code: string; class?: string };

/** A panel value: its spans, run together. */
export type PanelValue = Span | readonly Span[];

/** A table cell, optionally with a class that colours it (k-private, k-public). */
export type PanelCell = PanelValue | { value: PanelValue; class: string };

/** One block of a layer's evidence panel in the HTML report. */
export type PanelBlock =
  /** Label and value pairs; a pair whose value is undefined or empty is left out. */
  | { facts: readonly (readonly [label: string, value: PanelValue | undefined])[] }
  /** A small table; left out when it has no rows. */
  | { head: readonly string[]; rows: readonly (readonly PanelCell[])[] }
  /** A titled group of blocks, e.g. one certificate of a chain. */
  | { title: string; blocks: readonly PanelBlock[] };

/** The words of a layer cut short by its signal. */
export interface StopWording {
  status?: Status;
  reason: Reason;
  message: string;
  detail?: string;
}

/**
 * What a layer cut short by its signal reads as. The engine alone writes that result
 * (src/engine/abort-result.ts) from the check's evidence so far and stage (state.evidence,
 * state.stage); the words are the kind's, so that a new kind brings its own.
 */
export interface StopWords {
  /** The layer's own timeout struck. */
  timeout(endpoint: Endpoint, state: ProbeState, timeoutMs: number): StopWording;
  /** The run deadline struck in this layer: the message of a `deadline` result. */
  deadline(state: ProbeState): string;
}

/** One probe kind: everything the engine and the reports need to know about a layer. */
export interface ProbeKind<L extends Layer = Layer> {
  layer: L;
  /** The target schemes that end in this layer, in the order error messages list them. */
  schemes: Partial<Record<Protocol, SchemeSyntax>>;
  column: Column;
  /** Its line under `amlprobe help check`'s Targets: the target's form and what it probes. */
  help: { target: string; does: string };
  /** Loads the check; called on first use or by prefetch, so heavy modules load only when needed. */
  load(): Promise<Check>;
  /**
   * Load the check with the engine instead of on first use: for checks cheap to load that nearly
   * every run needs (dns, tcp, udp), so that no run's deadline pays for loading them (a serve
   * run's deadline counts from the run's start).
   */
  preload?: boolean;
  /** What the layer cut short by its timeout or the run deadline reads as. */
  stopped: StopWords;
  /** Key order of the layer's evidence in the JSON report. */
  json: EvidenceShape;
  /** Cell text of a pass (reason `ok`); when absent, the layer's time. */
  okCell?(check: LayerResult, data: LayerEvidence[L] | undefined): string;
  /** Cell text of the reason codes this kind owns (each code is owned by one kind, or shared). */
  cells: Partial<Record<Reason, CellText>>;
  /** Evidence lines under a row this layer decided. */
  facts?(data: LayerEvidence[L]): EvidenceFact[];
  /** The layer's evidence panel in the HTML report. */
  panel(data: LayerEvidence[L]): PanelBlock[];
}

/** Whole milliseconds, as the matrix shows a duration. */
export function formatMs(ms: number): string {
  return `${Math.max(0, Math.round(ms))} ms`;
}

/** The errno-like code a layer's evidence carries (ECONNREFUSED, CERT_HAS_EXPIRED, ...), if any. */
export function evidenceCode(check: LayerResult): string | undefined {
  const data = check.data as { code?: unknown } | undefined;
  return data !== undefined && 'code' in data && typeof data.code === 'string' ? data.code : undefined;
}

/** A fact line whose news is the whole text, or the given key. */
export function fact(label: string, text: string, key: string = text): EvidenceFact {
  return { label, text, key };
}

/** The columns of the four-wide matrix, as the built-in kinds use them. */
export const COLUMNS = {
  dns: { key: 'dns', title: 'DNS', markdownTitle: 'DNS' },
  connect: { key: 'connect', title: 'CONNECT', markdownTitle: 'connect' },
  tls: { key: 'tls', title: 'TLS', markdownTitle: 'TLS' },
  app: { key: 'app', title: 'APP', markdownTitle: 'app' },
} as const satisfies Record<string, Column>;
