// Turns the certificate chain a TLS peer presented into plain report data, whether or not it
// verified: when a TLS-inspecting proxy answers, its chain is the evidence the admin needs.

import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateInfo } from '../model/evidence.js';

// Most telling attributes first, so that "CN=Contoso Firewall CA,O=Contoso" reads well in a message.
const ATTRIBUTE_ORDER = ['CN', 'O', 'OU', 'L', 'ST', 'C'];

/**
 * The chain, leaf first, following issuerCertificate until the root (which points to itself).
 * Node gives the verified chain when verification succeeded (so it ends at the trusted root from
 * the store) and the chain as the peer sent it otherwise.
 */
export function toCertificateInfo(peer: DetailedPeerCertificate | PeerCertificate | undefined): CertificateInfo[] {
  return chainOf(peer).map(describe);
}

/** The certificates toCertificateInfo describes, in its order: what a described chain is keyed by. */
export function chainOf(peer: DetailedPeerCertificate | PeerCertificate | undefined): PeerCertificate[] {
  const chain: PeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | PeerCertificate | undefined = peer;
  // getPeerCertificate() returns {} when the peer sent no certificate.
  while (cert !== undefined && cert !== null && typeof cert.fingerprint256 === 'string' && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    const next: DetailedPeerCertificate | undefined = 'issuerCertificate' in cert ? cert.issuerCertificate : undefined;
    if (next === cert) break;
    cert = next;
  }
  return chain;
}

/** One certificate as report data. */
export function describe(cert: PeerCertificate): CertificateInfo {
  const info: CertificateInfo = {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    subjectAltNames: splitAltNames(cert.subjectaltname),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    fingerprint256: cert.fingerprint256,
  };
  if (typeof cert.serialNumber === 'string' && cert.serialNumber !== '') info.serialNumber = cert.serialNumber;
  return info;
}

/** "CN=...,O=...,C=..." from Node's name object (values may be arrays for repeated attributes). */
export function formatName(name: unknown): string {
  if (typeof name !== 'object' || name === null) return '';
  const entries = Object.entries(name as Record<string, unknown>);
  const rank = (key: string): number => {
    const index = ATTRIBUTE_ORDER.indexOf(key);
    return index === -1 ? ATTRIBUTE_ORDER.length : index;
  };
  entries.sort((a, b) => rank(a[0]) - rank(b[0]));
  const parts: string[] = [];
  for (const [key, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item === 'string') parts.push(`${key}=${item.replace(/([,+\\])/g, '\\$1')}`);
    }
  }
  return parts.join(',');
}

/**
 * ["DNS:a.example", "IP:10.0.0.4"] from Node's "DNS:a.example, IP Address:10.0.0.4". Node quotes
 * values that contain the separator (since the 2022 SAN fix), so the split respects double quotes.
 */
function splitAltNames(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const names: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && c === ',' && text[i + 1] === ' ') {
      names.push(current);
      current = '';
      i++;
      continue;
    }
    current += c;
  }
  names.push(current);
  return names.map((name) => name.replace(/^IP Address:/, 'IP:'));
}

/** ISO 8601 from OpenSSL's "Nov 22 06:12:50 2026 GMT"; the raw text if it does not parse. */
function isoDate(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}
