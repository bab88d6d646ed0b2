// The run's TLS trust store, built once. Why not Node's default store: passing `ca` to Node
// *replaces* its store, and Node 20 has no --use-system-ca, so a corporate root CA that the
// operating system trusts (the usual case behind a TLS-inspecting firewall) would be unknown.
// We therefore rebuild the store from every source an admin expects to count:
//   1. Node's bundled Mozilla roots (tls.rootCertificates),
//   2. the system bundle: $SSL_CERT_FILE, else the first existing well-known bundle file,
//   3. $NODE_EXTRA_CA_CERTS (Node honours it only for its default store, which we replace),
//   4. --ca-file, each file given (unreadable or empty -> CaFileError, the user named it).
// System and environment sources that cannot be read are noted, not fatal: Node and OpenSSL ignore
// them too, and the report says which sources counted.

import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { whyUnreadable } from '../file-read-error.js';
import { resolve as resolvePath } from 'node:path';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { InputParseError } from '../parse-error.js';

/** A CA file the user named (--ca-file) that cannot be read or holds no usable certificate (the CLI makes it exit 2). */
export class CaFileError extends InputParseError {
  constructor(message: string, file: string, why: string) {
    // The message names the file, not where it was named: --ca-file, as the report's sources say.
    super(message, file, why, '--ca-file', '--ca-file');
    this.name = 'CaFileError';
  }
}

/** Where trusted certificates came from. */
export type TrustSourceKind = 'node' | 'system' | 'NODE_EXTRA_CA_CERTS' | 'ca-file';

/** One source of trusted certificates and what it contributed. */
export interface TrustSource {
  kind: TrustSourceKind;
  /** The file read (absent for Node's bundled roots). */
  path?: string;
  /** Certificates taken from it (0 when it was skipped). */
  certificates: number;
  loaded: boolean;
  /** Why it was skipped, or that it duplicates an earlier source. */
  note?: string;
}

/** Options of the trust store: extra CA files named by the user (--ca-file). */
export interface TrustStoreOptions {
  extraCaFiles?: string[];
}

/** A built trust store and the account of its sources. */
export interface TrustStore {
  context: SecureContext;
  sources: TrustSource[];
}

/** Well-known system bundles: Debian/Ubuntu/Alpine, RHEL/Fedora/Azure Linux, macOS/BSD. */
export const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

let lastSources: TrustSource[] = [];

/** Builds the run's SecureContext from every source above; call once per run. Throws CaFileError for a bad --ca-file. */
export function buildSecureContext(opts: TrustStoreOptions = {}): SecureContext {
  const store = loadTrustStore(opts);
  lastSources = store.sources;
  return store.context;
}

/** Stores built by trustStoreFor, by their --ca-file list: one build per process for the same files. */
const builtStores = new Map<string, SecureContext>();

/**
 * The run's trust store as a function that builds it on first use, once per process for the same
 * --ca-file list (workspace discovery and the probes share it). The files are checked now, so a bad
 * one is still exit 2 before any probe; building the store (about 65 ms for ~300 certificates)
 * waits for the first TLS handshake, which runs while other probes wait on the network.
 */
export function trustStoreFor(caFiles: readonly string[]): () => SecureContext {
  for (const file of caFiles) readCaFile(file);
  const key = caFiles.join('\0');
  return () => {
    let context = builtStores.get(key);
    if (context === undefined) {
      context = buildSecureContext({ extraCaFiles: [...caFiles] });
      builtStores.set(key, context);
    }
    return context;
  };
}

/** The sources the last buildSecureContext() loaded, for the report (empty before the first build). */
export function describeTrustStore(): TrustSource[] {
  return lastSources.map((source) => ({ ...source }));
}

/** Builds a trust store from the given environment without remembering it (the testable core). */
export function loadTrustStore(opts: TrustStoreOptions = {}, env: NodeJS.ProcessEnv = process.env): TrustStore {
  const certificates: string[] = [...rootCertificates];
  const sources: TrustSource[] = [{ kind: 'node', certificates: rootCertificates.length, loaded: true }];
  const readPaths = new Set<string>();

  const addOptional = (kind: TrustSourceKind, path: string): void => {
    const absolute = resolvePath(path);
    if (readPaths.has(absolute)) {
      sources.push({ kind, path, certificates: 0, loaded: false, note: 'same file as an earlier source' });
      return;
    }
    try {
      const pems = pemCertificates(readFileCapped(absolute, INPUT_LIMITS.caFile).toString('utf8'));
      readPaths.add(absolute);
      certificates.push(...pems);
      sources.push({ kind, path, certificates: pems.length, loaded: pems.length > 0, ...(pems.length === 0 ? { note: 'no PEM certificate in the file' } : {}) });
    } catch (error) {
      sources.push({ kind, path, certificates: 0, loaded: false, note: `cannot read: ${(error as Error).message}` });
    }
  };

  const systemBundle = env.SSL_CERT_FILE || SYSTEM_BUNDLES.find((path) => existsSync(path));
  if (systemBundle) addOptional('system', systemBundle);
  if (env.NODE_EXTRA_CA_CERTS) addOptional('NODE_EXTRA_CA_CERTS', env.NODE_EXTRA_CA_CERTS);

  for (const file of opts.extraCaFiles ?? []) {
    const pems = readCaFile(file);
    readPaths.add(resolvePath(file));
    certificates.push(...pems);
    sources.push({ kind: 'ca-file', path: file, certificates: pems.length, loaded: true });
  }

  return { context: createSecureContext({ ca: certificates }), sources };
}

/** The PEM certificate blocks of a bundle (OpenSSL silently ignores what it cannot parse; so do we). */
function pemCertificates(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/**
 * Reads a user-named CA file, PEM (one or more certificates) or a single DER certificate, and
 * checks every certificate parses: createSecureContext accepts garbage silently, which would turn a
 * typo into a confusing "untrusted" verdict later.
 */
function readCaFile(file: string): string[] {
  let bytes: Buffer;
  try {
    bytes = readFileCapped(file, INPUT_LIMITS.caFile);
  } catch (error) {
    const why = whyUnreadable(error, file);
    throw new CaFileError(`cannot read CA file ${file}: ${why}.`, file, why);
  }
  const pems = pemCertificates(bytes.toString('latin1'));
  if (pems.length === 0) {
    try {
      return [new X509Certificate(bytes).toString()];
    } catch {
      const why = 'contains no certificate: expected PEM "-----BEGIN CERTIFICATE-----" blocks or one DER certificate';
      throw new CaFileError(`CA file ${file} ${why}.`, file, why);
    }
  }
  pems.forEach((pem, index) => {
    try {
      new X509Certificate(pem);
    } catch (error) {
      const why = `certificate ${index + 1} of ${pems.length} does not parse (${(error as Error).message})`;
      throw new CaFileError(`CA file ${file}: ${why}.`, file, why);
    }
  });
  return pems;
}
