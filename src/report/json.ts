// The JSON report (schemaVersion 1, documented in docs/verdicts.md): the Report as data, with a
// fixed key order so that two runs diff cleanly and scripts can rely on the layout. Keys this
// build does not know (a field added later) are kept, after the known ones, in alphabetical order.
// Binary values (the UDP payload, should one ever be spread into a result) never reach the output.

import { kindOf } from '../checks/kinds.js';
import type { EvidenceShape } from '../checks/descriptor.js';
import type { Report } from '../model/report.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** How to order one object's keys, and how to shape some of its values. */
interface Shape {
  order: readonly string[];
  children?: Record<string, (value: unknown, parent: Record<string, unknown>) => Json | undefined>;
}

/** Fields that must never be printed even if a producer leaves them on an object. */
const DROPPED_KEYS = new Set(['udpPayload']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any value as JSON: objects by alphabetical key, binaries and functions dropped (undefined). */
function plain(value: unknown): Json | undefined {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return undefined;
  if (Array.isArray(value)) return value.map((item) => plain(item) ?? null);
  if (isRecord(value)) return shaped(value, { order: [] });
  return undefined;
}

/** Each shape's own keys as a set, built once: shaped() runs for every object of every result. */
const knownKeys = new WeakMap<Shape, ReadonlySet<string>>();

/**
 * An object with the shape's keys first, in order, then any others alphabetically. It runs for
 * every object of every result (50,000 results are about a million objects, issue 15): plain
 * loops, no closure per object, and the unknown keys gathered only when there are any.
 */
function shaped(value: Record<string, unknown>, shape: Shape): { [key: string]: Json } {
  let known = knownKeys.get(shape);
  if (known === undefined) {
    known = new Set(shape.order);
    knownKeys.set(shape, known);
  }
  const out: { [key: string]: Json } = {};
  const { order, children } = shape;
  for (let i = 0; i < order.length; i++) {
    const key = order[i]!;
    if (Object.hasOwn(value, key)) putShaped(out, value, key, children);
  }
  const keys = Object.keys(value);
  let others: string[] | undefined;
  for (let i = 0; i < keys.length; i++) if (!known.has(keys[i]!)) (others ??= []).push(keys[i]!);
  if (others !== undefined) for (const key of others.sort()) putShaped(out, value, key, children);
  return out;
}

/** One key of shaped(): its child's shape, or plain; a dropped key or an undefined value is left out. */
function putShaped(out: { [key: string]: Json }, value: Record<string, unknown>, key: string, children: Shape['children']): void {
  if (DROPPED_KEYS.has(key)) return;
  const child = children?.[key];
  const json = child !== undefined ? child(value[key], value) : plain(value[key]);
  if (json !== undefined) out[key] = json;
}

function as(shape: Shape): (value: unknown) => Json | undefined {
  return (value) => (isRecord(value) ? shaped(value, shape) : plain(value));
}

function listOf(shape: Shape): (value: unknown) => Json | undefined {
  const item = as(shape);
  return (value) => (Array.isArray(value) ? value.map((each) => item(each) ?? null) : plain(value));
}

/** A kind's evidence shape (src/checks/descriptor.ts) as a Shape, built once per descriptor object. */
const evidenceShapes = new WeakMap<EvidenceShape, Shape>();
function fromEvidence(evidence: EvidenceShape): Shape {
  let shape = evidenceShapes.get(evidence);
  if (shape === undefined) {
    const children: NonNullable<Shape['children']> = {};
    for (const [key, nested] of Object.entries(evidence.objects ?? {})) children[key] = as(fromEvidence(nested));
    for (const [key, nested] of Object.entries(evidence.lists ?? {})) children[key] = listOf(fromEvidence(nested));
    shape = Object.keys(children).length > 0 ? { order: evidence.order, children } : { order: evidence.order };
    evidenceShapes.set(evidence, shape);
  }
  return shape;
}

const LAYER_RESULT: Shape = {
  order: ['layer', 'status', 'reason', 'ms', 'message', 'detail', 'data'],
  children: {
    // Each layer's evidence in the key order its probe kind gives; a layer this build does not know, alphabetically.
    data: (value, parent) => {
      const kind = typeof parent['layer'] === 'string' ? kindOf(parent['layer']) : undefined;
      return kind !== undefined && isRecord(value) ? shaped(value, fromEvidence(kind.json)) : plain(value);
    },
  },
};

const META: Shape = {
  order: ['scenario', 'purpose', 'serviceTag', 'privateDnsZone', 'remediation', 'note', 'sources'],
};

const ENDPOINT_RESULT: Shape = {
  order: [
    'id', 'label', 'protocol', 'host', 'port', 'path', 'address', 'required',
    'status', 'layer', 'reason', 'message', 'ms', 'checks', 'meta', 'reproduce',
  ],
  children: { checks: listOf(LAYER_RESULT), meta: as(META) },
};

const REPORT: Shape = {
  order: ['schemaVersion', 'tool', 'startedAt', 'durationMs', 'deadlineHit', 'summary', 'causes', 'settings', 'results'],
  children: {
    causes: listOf({ order: ['id', 'summary', 'fix', 'reason', 'endpoints', 'required'] }),
    tool: as({ order: ['name', 'version'] }),
    summary: as({ order: ['total', 'pass', 'fail', 'warn', 'skip', 'requiredFailed'] }),
    settings: as({
      order: [
        'timeoutMs', 'deadlineMs', 'concurrency', 'concurrencyLowered', 'dnsServers', 'dnsServersExplicit',
        'systemResolver', 'privateCidrs', 'allAddresses', 'expectPrivate', 'proxy', 'proxyEnv',
      ],
    }),
    results: listOf(ENDPOINT_RESULT),
  },
};

/** The report as a JSON value in the documented key order: the text of renderJson is its JSON.stringify. */
export function reportValue(report: Report): Json {
  return shaped(report as unknown as Record<string, unknown>, REPORT);
}

/** The report as JSON: 2-space indent, fixed key order, ending with a newline. */
export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join('');
}

/** Where the results array goes in the rendered top level (a string JSON.stringify leaves as is). */
const RESULTS_PLACEHOLDER = '\u0000amlprobe-results\u0000';

/** Results are stringified and written out this many at a time (about 60 KB of JSON). */
const RESULTS_PER_PIECE = 32;

/**
 * The same text as renderJson, in pieces, a few results at a time: a 5,000-endpoint report is about
 * 10 MB of JSON, and building it whole (the shaped copy, the string, then the bytes written) was
 * the peak of such a run's memory (docs/benchmarks.md). Byte for byte what
 * JSON.stringify(shaped report, null, 2) gives: each batch of results is stringified nested two
 * arrays deep, which indents it exactly as deep as the results array's items, and the two
 * wrapping brackets are cut off.
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const top = report as unknown as Record<string, unknown>;
  const results = Array.isArray(top['results']) ? (top['results'] as unknown[]) : [];
  const head = shaped({ ...top, results: RESULTS_PLACEHOLDER }, { ...REPORT, children: { ...REPORT.children, results: (v) => v as string } });
  const text = JSON.stringify(head, null, 2) + '\n';
  const marker = JSON.stringify(RESULTS_PLACEHOLDER);
  const at = text.indexOf(marker);
  if (results.length === 0 || at < 0) {
    yield at < 0 ? text : text.slice(0, at) + '[]' + text.slice(at + marker.length);
    return;
  }
  yield text.slice(0, at) + '[\n';
  const item = as(ENDPOINT_RESULT);
  const wrapper = '[\n  [\n'.length;
  for (let start = 0; start < results.length; start += RESULTS_PER_PIECE) {
    const batch = results.slice(start, start + RESULTS_PER_PIECE).map((result) => item(result) ?? null);
    const nested = JSON.stringify([batch], null, 2);
    const last = start + RESULTS_PER_PIECE >= results.length;
    yield nested.slice(wrapper, nested.length - wrapper) + (last ? '\n' : ',\n');
  }
  yield '  ]' + text.slice(at + marker.length);
}

/**
 * The report on one line, in pieces like renderJsonChunks: byte for byte JSON.stringify(shaped
 * report) plus a newline. For a CronJob's log: a line-based collector (Container Insights, Fluent
 * Bit) keeps one line as one record, where an indented report becomes hundreds of records. No
 * string in it can break the line: JSON escapes every control character, line feeds included.
 */
export function* renderJsonCompactChunks(report: Report): Generator<string> {
  const top = report as unknown as Record<string, unknown>;
  const results = Array.isArray(top['results']) ? (top['results'] as unknown[]) : [];
  const head = shaped({ ...top, results: RESULTS_PLACEHOLDER }, { ...REPORT, children: { ...REPORT.children, results: (v) => v as string } });
  const text = JSON.stringify(head) + '\n';
  const marker = JSON.stringify(RESULTS_PLACEHOLDER);
  const at = text.indexOf(marker);
  if (at < 0) {
    yield text;
    return;
  }
  yield text.slice(0, at) + '[';
  const item = as(ENDPOINT_RESULT);
  for (let start = 0; start < results.length; start += RESULTS_PER_PIECE) {
    const batch = results.slice(start, start + RESULTS_PER_PIECE).map((result) => item(result) ?? null);
    yield (start > 0 ? ',' : '') + JSON.stringify(batch).slice(1, -1);
  }
  yield ']' + text.slice(at + marker.length);
}
