// The lines printed under a row that did not pass: the deciding layer's message and detail, the
// evidence that explains it (who answered what, which certificate was presented), and the
// catalog's remediation and sources. Plain text; the table wraps and colours it.

import { kindOf } from '../checks/kinds.js';
import { formatMs, type EvidenceFact } from '../checks/descriptor.js';
import type { EndpointResult, LayerResult } from '../model/result.js';

/** What a detail line is, so the table can style labels like "fix:" differently. */
export type DetailKind = 'message' | 'detail' | 'evidence' | 'target' | 'fix' | 'source' | 'note';

/** One logical line under a row (the table may wrap it over several). */
export interface DetailLine {
  kind: DetailKind;
  /** Label printed before the text, e.g. "fix"; absent for the message. */
  label?: string;
  text: string;
}

/** True when a row deserves detail lines: any verdict but pass, except plain cascade skips. */
export function needsDetails(result: EndpointResult): boolean {
  if (result.status === 'pass') return false;
  return !(result.status === 'skip' && result.reason === 'skipped');
}

/**
 * The evidence lines of the deciding layer, from its probe kind, each with the value that makes it
 * news: a check's message or detail often already says it (the TLS check quotes the fingerprint,
 * the DNS check each server's answer), and a line that repeats the sentence above it is noise.
 */
function evidence(check: LayerResult): EvidenceFact[] {
  if (check.data === undefined) return [];
  return kindOf(check.layer)?.facts?.(check.data) ?? [];
}

/**
 * The detail lines of a row. `target` is the concrete protocol://host:port/path, printed when the
 * row itself shows a label instead so the firewall admin always sees the exact name and port.
 */
export function detailLines(result: EndpointResult, target?: string): DetailLine[] {
  const lines: DetailLine[] = [];
  const deciding = result.layer === null ? undefined : result.checks.find((c) => c.layer === result.layer);
  if (deciding !== undefined) {
    lines.push({ kind: 'message', label: deciding.layer, text: deciding.message });
    if (deciding.detail !== undefined && deciding.detail !== '') lines.push({ kind: 'detail', text: deciding.detail });
    const printed = `${deciding.message}\n${deciding.detail ?? ''}`;
    for (const { label, text, key } of evidence(deciding)) {
      if (key === '' || !printed.includes(key)) lines.push({ kind: 'evidence', label, text });
    }
  } else {
    lines.push({ kind: 'message', text: result.message });
  }
  if (target !== undefined) lines.push({ kind: 'target', label: 'target', text: target });
  const meta = result.meta;
  if (meta?.remediation !== undefined && meta.remediation !== '') {
    lines.push({ kind: 'fix', label: 'fix', text: meta.remediation });
  }
  if (meta?.note !== undefined && meta.note !== '') lines.push({ kind: 'note', label: 'note', text: meta.note });
  if (meta?.sources !== undefined && meta.sources.length > 0) {
    lines.push({ kind: 'source', label: 'source', text: meta.sources.join(', ') });
  }
  return lines;
}

/**
 * The lines --verbose adds under every row, passed ones too: each layer's time, and each
 * resolver's answer (unless the row's details already gave them, its DNS layer having decided it).
 */
export function verboseLines(result: EndpointResult): DetailLine[] {
  if (result.checks.length === 0) return [];
  const lines: DetailLine[] = [];
  const layers = result.checks.filter((c) => c.status !== 'skip').map((c) => `${c.layer} ${formatMs(c.ms)}`);
  if (layers.length > 0) lines.push({ kind: 'evidence', label: 'time', text: `${layers.join(', ')} (endpoint ${formatMs(result.ms)})` });
  const dns = result.checks.find((c) => c.layer === 'dns');
  const decidedHere = needsDetails(result) && result.layer === 'dns';
  if (dns !== undefined && !decidedHere) {
    for (const { label, text } of evidence(dns)) lines.push({ kind: 'evidence', label, text });
  }
  return lines;
}
