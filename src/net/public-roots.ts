// Which root CAs count as public: Node's bundled Mozilla roots (tls.rootCertificates), which every
// Microsoft endpoint's certificate chains to, plus the fingerprints the plan declares public
// (settings.publicRoots: the lab's and a test's own CA stand in for the public PKI there). A
// chain that verifies but ends elsewhere was trusted only through NODE_EXTRA_CA_CERTS, --ca-file
// or a CA added to the system store: on a Microsoft endpoint, a TLS-inspecting middlebox.

import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';

let bundled: ReadonlySet<string> | undefined;

/** "AB:CD:..." (as Node writes fingerprint256) of a PEM certificate. */
export function pemFingerprint256(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex').toUpperCase().replace(/(..)(?=.)/g, '$1:');
}

/**
 * The SHA-256 fingerprints of Node's bundled roots, hashed on first use (about 150 hashes of
 * their DER, well under a millisecond) and kept: only a run that completes a TLS handshake pays.
 */
function bundledRoots(): ReadonlySet<string> {
  bundled ??= new Set(rootCertificates.map(pemFingerprint256));
  return bundled;
}

/** True when `fingerprint256` is a public root: one of Node's bundled roots or one the plan declared public. */
export function isPublicRoot(fingerprint256: string, declared: readonly string[] | undefined): boolean {
  const wanted = fingerprint256.toUpperCase();
  return bundledRoots().has(wanted) || (declared?.some((f) => f.toUpperCase() === wanted) ?? false);
}
