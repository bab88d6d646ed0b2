// The lab's certificates, shipped pre-generated in lab/certs/ (scripts/make-lab-certs.sh) so the
// lab runs where no openssl CLI exists. They are public test keys: the lab trusts its own CA only
// through the secure context it hands to the engine, never through the user's trust store.

import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { readTextFile } from '../package-files.js';
import { packageRoot } from '../package-root.js';

/** A key and certificate chain (PEM) a lab server presents. */
export interface LabServerCert {
  key: string;
  cert: string;
}

/** Everything TLS in the lab. */
export interface LabCerts {
  /** "amlprobe Lab Root CA", the CA that stands for the public PKI in the lab. */
  labCa: string;
  /** What healthy lab endpoints present. */
  server: LabServerCert;
  /** What the simulated TLS-inspecting firewall presents: a forged leaf, then its own CA. */
  inspection: LabServerCert;
  /** "Contoso Trusted Inspection CA": trusted by the lab's probes, but not one the lab declares public. */
  trustedInspectionCa: string;
  /** What the inspecting firewall with the trusted CA presents: a forged leaf, then that CA. */
  trustedInspection: LabServerCert;
}

/** Where the certificates live: lab/certs/ beside package.json. */
export function labCertsDir(): string {
  return join(packageRoot(), 'lab', 'certs');
}

/** Reads the shipped certificates; a missing file is an installation problem, said as such. */
export function loadLabCerts(dir: string = labCertsDir()): LabCerts {
  const read = (name: string): string => {
    try {
      return readTextFile(join(dir, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`the lab certificate ${join(dir, name)} cannot be read (${code}): reinstall amlprobe, or run scripts/make-lab-certs.sh in a clone`);
    }
  };
  return {
    labCa: read('lab-ca.pem'),
    server: { key: read('lab-server.key'), cert: read('lab-server.pem') },
    inspection: { key: read('inspection-server.key'), cert: read('inspection-server.pem') },
    trustedInspectionCa: read('trusted-inspection-ca.pem'),
    trustedInspection: { key: read('trusted-inspection-server.key'), cert: read('trusted-inspection-server.pem') },
  };
}

/**
 * The trust store of a lab run: the lab CA and the trusted inspection CA (as a company installs
 * its firewall's CA on its machines), nothing else (no system or Node roots). Only the lab CA is
 * declared public (lab-command.ts), so a chain ending at the other reads as tls_inspected.
 */
export function labSecureContext(certs: LabCerts): SecureContext {
  return createSecureContext({ ca: [certs.labCa, certs.trustedInspectionCa] });
}

/** The hosts the lab's server certificate does not cover (wildcards applied as TLS clients do). */
export function hostsNotCovered(certs: LabCerts, hosts: Iterable<string>): string[] {
  const leaf = new X509Certificate(certs.server.cert);
  return [...new Set(hosts)].filter((host) => leaf.checkHost(host) === undefined);
}
