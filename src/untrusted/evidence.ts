// Where untrusted text becomes report text. Every string a layer hands in (its sentence, its detail,
// every field of its evidence: DNS names and CNAME chains, certificate subjects, issuers and SANs,
// HTTP status lines and headers, proxy pages, error messages that quote a peer) passes through
// `cleanText` once, as the result enters the run (src/engine/pipeline.ts) or the report (rows made
// without a probe, reports read back by `diff`). Renderers and serve's endpoints therefore only
// ever see bounded, printable, credential-free text; each still escapes for its own syntax.

import type { EndpointResult, LayerResult } from '../model/result.js';
import { MAX_TEXT_CHARS, isPrintable, printable, printableLines } from './printable.js';
import { mayNeedRedaction, redact, redactTyped } from './redact.js';

/** Longest value kept in a layer's evidence (a header value, a name, a certificate field). */
export const MAX_EVIDENCE_CHARS = 512;

/** Characters of a peer's unexpected answer quoted in a detail line. */
export const SNIPPET_CHARS = 160;

/** Untrusted text as a report may show it: credentials removed, then made printable and bounded. */
export function cleanText(text: string, maxChars: number = MAX_TEXT_CHARS): string {
  // Nearly every text is a plain name, address or sentence: two tests and no copy.
  if (text.length <= maxChars && isPrintable(text) && !mayNeedRedaction(text)) return text;
  // Redaction first: a cut or an escape must never split a secret into parts the patterns miss.
  return printable(redact(text), maxChars);
}

/**
 * A message for stderr or a log (an error amlprobe caught, a usage error): it quotes what the user
 * typed and sometimes what a peer answered, so credentials go (also user:password@ without a
 * scheme) and control characters show as escapes; line breaks stay.
 */
export function cleanMessage(error: unknown): string {
  return printableLines(redactTyped(error instanceof Error ? error.message : String(error)));
}

/**
 * The start of bytes a peer sent, as one line for a detail: credentials removed before anything is
 * cut, runs of white space (line breaks included) folded into one space, other control characters
 * shown as escapes like everywhere else, at most `maxChars` characters (SNIPPET_CHARS).
 */
export function quotePeer(bytes: Buffer | string, maxChars: number = SNIPPET_CHARS): string {
  const text = redact(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  return printable(text.replace(/\s+/g, ' ').trim(), maxChars);
}

/**
 * Every string in a piece of evidence cleaned, the shape kept (numbers, booleans, keys untouched).
 * Copy on write: a value with nothing to clean is returned as it is, without a new object (a
 * 5,000-endpoint run cleans some 20,000 layer results).
 */
function cleanValue(value: unknown, maxChars: number): unknown {
  if (typeof value === 'string') return cleanText(value, maxChars);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) {
    // A plain loop: a callback per array was most of what cleaning a DNS layer allocated (issue 15).
    let out: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const clean = cleanValue(item, maxChars);
      if (clean !== item) (out ??= [...value])[index] = clean;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    const clean = cleanValue(item, maxChars);
    if (clean !== item) (out ??= { ...(value as Record<string, unknown>) })[key] = clean;
  }
  return out ?? value;
}

/**
 * Every string anywhere in a value cleaned, whatever its shape: for a report read back from a file
 * (`diff`), which an older version or a hand edit may have left with raw control characters.
 */
export function cleanJson<T>(value: T): T {
  return cleanValue(value, MAX_TEXT_CHARS) as T;
}

/** A layer result with its sentence, detail and evidence cleaned (and its time set to `ms` when given: one copy, not two). */
export function cleanLayerResult(result: LayerResult, ms?: number): LayerResult {
  const out: LayerResult = { ...result, message: cleanText(result.message) };
  if (ms !== undefined) out.ms = ms;
  if (result.detail !== undefined) out.detail = cleanText(result.detail);
  if (result.data !== undefined) out.data = cleanValue(result.data, MAX_EVIDENCE_CHARS) as LayerResult['data'];
  return out;
}

/** An endpoint result with its id, path, message, label and every layer cleaned. */
export function cleanEndpointResult(result: EndpointResult): EndpointResult {
  const out: EndpointResult = {
    ...result,
    id: cleanText(result.id),
    path: cleanText(result.path),
    message: cleanText(result.message),
    checks: result.checks.map(cleanLayerResult),
  };
  if (result.label !== undefined) out.label = cleanText(result.label);
  return out;
}
