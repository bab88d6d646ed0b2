// The registry: every probe kind, one line each, in the order their layers run and their schemes
// are listed. The engine dispatches through it and the reports lay out their columns, cells, JSON
// and evidence from it. Adding a kind: its kind file (src/checks/<kind>-kind.ts) and a line here.

import type { Layer, Protocol } from '../model/endpoint.js';
import type { Column, ProbeKind, SchemeSyntax } from './descriptor.js';
import { dnsKind } from './dns-kind.js';
import { httpKind } from './http-kind.js';
import { smbKind } from './smb-kind.js';
import { tcpKind } from './tcp-kind.js';
import { tlsKind } from './tls-kind.js';
import { udpKind } from './udp-kind.js';
import { websocketKind } from './websocket-kind.js';

const REGISTERED = [dnsKind, tcpKind, udpKind, tlsKind, httpKind, websocketKind, smbKind] as const;

// A layer declared (LayerEvidence) but not registered here is a compile error on this line.
const everyLayerRegistered: [Exclude<Layer, (typeof REGISTERED)[number]['layer']>] extends [never] ? true : never = true;
void everyLayerRegistered;

/**
 * Every probe kind. Read on each use, never copied at start-up, so that a test can register a
 * made-up kind and see it in every report.
 */
export const PROBE_KINDS: readonly ProbeKind[] = REGISTERED;

/** The kind of a layer; undefined for a layer this build does not know (a newer report). */
export function kindOf(layer: string): ProbeKind | undefined {
  return PROBE_KINDS.find((kind) => kind.layer === layer);
}

/** Every target scheme, in the order error messages list them, with its syntax. */
export function schemes(): [Protocol, SchemeSyntax][] {
  return PROBE_KINDS.flatMap((kind) => Object.entries(kind.schemes) as [Protocol, SchemeSyntax][]);
}

/** How a scheme is written and run; undefined for a scheme this build does not know. */
export function schemeOf(protocol: Protocol): SchemeSyntax | undefined {
  for (const kind of PROBE_KINDS) {
    const syntax = Object.hasOwn(kind.schemes, protocol) ? kind.schemes[protocol] : undefined;
    if (syntax !== undefined) return syntax;
  }
  return undefined;
}

/** The layers a scheme runs, in order (none for a scheme this build does not know). */
export function layersOf(protocol: Protocol): readonly Layer[] {
  return schemeOf(protocol)?.layers ?? [];
}

/** The matrix's columns, left to right: each kind's, in registry order, once. */
export function matrixColumns(): Column[] {
  const columns: Column[] = [];
  for (const kind of PROBE_KINDS) if (!columns.some((c) => c.key === kind.column.key)) columns.push(kind.column);
  return columns;
}
