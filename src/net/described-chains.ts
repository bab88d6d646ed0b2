// Certificate chains already read into report data, shared between the endpoints that were
// presented them. Describing a chain (names, alternative names, dates: src/net/certificate.ts) is
// the same work for each of 1,000 names on one server, so a run does it once per chain.
//
// Only the description is shared. Which certificates a peer presented is read on every handshake
// (getPeerCertificate), and verification and the name check stay per handshake (src/checks/tls.ts).
// The key is the SHA-256 fingerprint of every certificate described, in order: the description is
// a function of exactly those certificates, so a different chain on the same name, or the same leaf
// under another issuer, is described anew. Never a name.

import type { DetailedPeerCertificate, PeerCertificate, SecureContext } from 'node:tls';
import type { CertificateInfo } from '../model/evidence.js';
import { chainOf, describe } from './certificate.js';

/** Chains kept: a run meets few (one per server, or one per name behind an inspecting proxy that mints leaves). */
export const DESCRIBED_CHAINS_LIMIT = 256;

/** A bounded store of described chains; the oldest goes first when it is full. */
export class DescribedChains {
  private readonly chains = new Map<string, CertificateInfo[]>();

  constructor(private readonly limit: number = DESCRIBED_CHAINS_LIMIT) {}

  /** How many chains are kept. */
  get size(): number {
    return this.chains.size;
  }

  /**
   * The peer's chain as report data, the same as toCertificateInfo(peer). Shared between results,
   * so frozen: a later step that changed one endpoint's evidence would change every endpoint's.
   */
  describe(peer: DetailedPeerCertificate | PeerCertificate | undefined): CertificateInfo[] {
    const certificates = chainOf(peer);
    let key = '';
    for (const cert of certificates) key += `${cert.fingerprint256}/`;
    const known = this.chains.get(key);
    if (known !== undefined) return known;
    const described = Object.freeze(certificates.map(frozenDescription)) as CertificateInfo[];
    if (this.chains.size >= this.limit) {
      const oldest = this.chains.keys().next();
      if (oldest.done !== true) this.chains.delete(oldest.value);
    }
    this.chains.set(key, described);
    return described;
  }
}

const byTrustStore = new WeakMap<SecureContext, DescribedChains>();
const withoutTrustStore = new DescribedChains();

/**
 * The described chains of a trust store: a run has one, so its chains go with it (a serve process,
 * which keeps its store, keeps at most DESCRIBED_CHAINS_LIMIT between runs). A description does not
 * depend on the store (the root the store supplied is part of the key); only its lifetime does.
 */
export function describedChainsFor(context: SecureContext | undefined): DescribedChains {
  if (context === undefined) return withoutTrustStore;
  let chains = byTrustStore.get(context);
  if (chains === undefined) {
    chains = new DescribedChains();
    byTrustStore.set(context, chains);
  }
  return chains;
}

/** One certificate described, frozen to the last array. */
function frozenDescription(cert: PeerCertificate): CertificateInfo {
  const info = describe(cert);
  Object.freeze(info.subjectAltNames);
  return Object.freeze(info);
}
