// The lines printed under a row that did not pass: the deciding layer's message and detail, the
// evidence that explains it (who answered what, which certificate was presented), and the
// catalog's remediation and sources. Plain text; the table wraps and colours it.

import type { DnsData, HttpData, TlsData, WebSocketData } from '../model/evidence.js';
import type { EndpointResult, LayerResult } from '../model/result.js';
import { smbDetailLines, type SmbData } from '../checks/smb.js';

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
 * An evidence line, with the value that makes it news: a check's message or detail often already
 * says it (the TLS check quotes the fingerprint, the DNS check each server's answer), and a line
 * that repeats the sentence above it is noise.
 */
interface Evidence {
  line: DetailLine;
  key: string;
}

function fact(label: string, text: string, key: string = text): Evidence {
  return { line: { kind: 'evidence', label, text }, key };
}

/** One line per DNS view: which server said what, and through which CNAMEs. */
function dnsEvidence(data: DnsData): Evidence[] {
  const facts: Evidence[] = [];
  if (data.system !== undefined) {
    const s = data.system;
    const answer = s.addresses.length > 0 ? s.addresses.join(', ') : (s.code ?? s.reason);
    facts.push(fact('system resolver', answer));
  }
  for (const d of data.direct ?? []) {
    const answer = d.addresses.length > 0 ? d.addresses.map((r) => r.data).join(', ') : (d.rcode ?? d.reason);
    facts.push(fact(`dns ${d.server} (${d.transport})`, answer, d.server));
    const end = d.cname.at(-1)?.data;
    if (end !== undefined) {
      facts.push(fact('cname', [d.cname[0]?.name, ...d.cname.map((r) => r.data)].join(' -> '), end));
    }
  }
  return facts;
}

/** The certificate the peer presented: the evidence of TLS inspection or a wrong endpoint. */
function tlsEvidence(data: TlsData): Evidence[] {
  const leaf = data.chain?.[0];
  const facts: Evidence[] = [];
  if (leaf !== undefined) {
    facts.push(fact('presented', `${leaf.subject} issued by ${leaf.issuer}`, leaf.issuer));
    const firstName = leaf.subjectAltNames[0]?.replace(/^DNS:/, '');
    if (firstName !== undefined) facts.push(fact('names', leaf.subjectAltNames.join(', '), firstName));
    facts.push(fact('valid', `${leaf.validFrom} to ${leaf.validTo}`, leaf.validTo));
    facts.push(fact('sha256', leaf.fingerprint256));
  }
  if (data.verifyError !== undefined) facts.push(fact('verify error', data.verifyError));
  return facts;
}

/** Server/Via headers that reveal a proxy or the wrong service answering. */
function headerEvidence(data: HttpData | WebSocketData): Evidence[] {
  const headers = data.headers ?? {};
  const names = Object.keys(headers).sort();
  if (names.length === 0) return [];
  return [fact('headers', names.map((n) => `${n}: ${headers[n]}`).join('; '))];
}

function evidence(check: LayerResult): Evidence[] {
  if (check.data === undefined) return [];
  switch (check.layer) {
    case 'dns':
      return dnsEvidence(check.data as DnsData);
    case 'tls':
      return tlsEvidence(check.data as TlsData);
    case 'http':
    case 'websocket':
      return headerEvidence(check.data as HttpData | WebSocketData);
    case 'smb':
      return smbDetailLines(check.data as SmbData).map(([label, text]) => fact(label, text));
    default:
      return [];
  }
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
    for (const { line, key } of evidence(deciding)) if (key === '' || !printed.includes(key)) lines.push(line);
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
