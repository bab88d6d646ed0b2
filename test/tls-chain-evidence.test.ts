// The TLS layer's certificate evidence at the cost of one read per handshake, against real TLS
// servers on loopback: the peer's chain is read once (Node's read for a verified chain is reused),
// endpoints presented the same chain share one description (src/net/described-chains.ts), a
// different chain (even with the same leaf, on the same name) is described anew, the store is
// bounded, and what is shared reads exactly as the chain read on its own.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, createSecureContext, TLSSocket, type PeerCertificate, type SecureContext } from 'node:tls';
import { checkTcp, checkTls } from './helpers/engine-checks.js';
import { toCertificateInfo } from '../src/net/certificate.js';
import { DescribedChains } from '../src/net/described-chains.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { TlsData } from '../src/model/evidence.js';
import type { ProbeState } from '../src/model/check.js';
import { LOOPBACK, startTlsServer, testContext, testEndpoint, type TlsListener } from './helpers/listeners.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

const TIMEOUT_MS = 1000;

let ca: TestCa;
let otherCa: TestCa;
let trusting: SecureContext;

before(async () => {
  [ca, otherCa] = await Promise.all([createTestCa('amlprobe Chain Test CA'), createTestCa('Contoso Firewall CA')]);
  trusting = createSecureContext({ ca: ca.caCert });
});
after(async () => {
  await Promise.all([ca?.cleanup(), otherCa?.cleanup()]);
});

/** The TLS layer's evidence for one endpoint, over the real TCP layer. */
async function tlsData(endpoint: Endpoint, secureContext: SecureContext): Promise<TlsData> {
  const state: ProbeState = { address: LOOPBACK };
  const tcp = testContext(TIMEOUT_MS, secureContext);
  assert.equal((await checkTcp(endpoint, state, tcp.ctx)).reason, 'ok');
  tcp.dispose();
  const tls = testContext(TIMEOUT_MS, secureContext);
  const result = await checkTls(endpoint, state, tls.ctx);
  tls.dispose();
  state.socket?.destroy();
  return result.data as TlsData;
}

/** What a server presents, as getPeerCertificate(true) reads it. */
async function peerOf(server: TlsListener, servername: string, secureContext: SecureContext): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port: server.port, servername, secureContext, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate(true));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('described chains', () => {
  it('endpoints presented the same chain share one description, read as on its own', async (t) => {
    const server = await startTlsServer(await ca.issue({ names: ['*.shared.test'] }));
    t.after(() => server.close());
    const context = createSecureContext({ ca: ca.caCert });
    const first = await tlsData(testEndpoint('tls', 'a.shared.test', server.port), context);
    const second = await tlsData(testEndpoint('tls', 'b.shared.test', server.port), context);
    assert.equal(first.authorized, true);
    assert.equal(second.authorized, true);
    assert.equal(second.servername, 'b.shared.test', 'each endpoint keeps its own handshake facts');
    assert.ok(first.chain !== undefined && first.chain === second.chain, 'one described chain for both endpoints');
    assert.deepEqual(first.chain, toCertificateInfo(await peerOf(server, 'c.shared.test', context)));
    assert.ok(Object.isFrozen(first.chain) && Object.isFrozen(first.chain[0]) && Object.isFrozen(first.chain[0]?.subjectAltNames), 'shared, so nobody may change it');
  });

  it('a different chain on the same name is described anew, also under the same leaf', async (t) => {
    const leaf = await otherCa.issue({ names: ['same.chain.test'] });
    const other = await otherCa.issue({ names: ['same.chain.test'] });
    // The same leaf alone, then with its CA: the second chain has a certificate the first lacks.
    const alone = await startTlsServer(leaf);
    const withCa = await startTlsServer({ ...leaf, chain: [otherCa.caCert] });
    const otherLeaf = await startTlsServer(other);
    t.after(() => [alone, withCa, otherLeaf].forEach((server) => server.close()));
    const context = createSecureContext({ ca: ca.caCert });
    const a = await tlsData(testEndpoint('tls', 'same.chain.test', alone.port), context);
    const b = await tlsData(testEndpoint('tls', 'same.chain.test', withCa.port), context);
    const c = await tlsData(testEndpoint('tls', 'same.chain.test', otherLeaf.port), context);
    assert.equal(a.chain?.length, 1);
    assert.equal(b.chain?.length, 2, 'the CA the server sent too is in the evidence');
    assert.equal(b.chain?.[0]?.fingerprint256, a.chain?.[0]?.fingerprint256);
    assert.match(b.chain?.[1]?.subject ?? '', /^CN=Contoso Firewall CA/);
    assert.equal(c.chain?.length, 1);
    assert.notEqual(c.chain?.[0]?.fingerprint256, a.chain?.[0]?.fingerprint256, 'the other leaf is described, not the first');
  });

  it('keeps a bounded number of chains, the oldest going first', async (t) => {
    const servers = await Promise.all([0, 1, 2].map(async (i) => startTlsServer(await ca.issue({ names: [`n${i}.bounded.test`] }))));
    t.after(() => servers.forEach((server) => server.close()));
    const peers = await Promise.all(servers.map((server, i) => peerOf(server, `n${i}.bounded.test`, trusting)));
    const chains = new DescribedChains(2);
    const [first, second, third] = peers.map((peer) => chains.describe(peer));
    assert.equal(chains.size, 2);
    assert.equal(chains.describe(peers[2]), third, 'the newest is kept');
    assert.equal(chains.describe(peers[1]), second);
    const again = chains.describe(peers[0]);
    assert.notEqual(again, first, 'the oldest was dropped and is described anew');
    assert.deepEqual(again, first);
    assert.equal(chains.size, 2);
  });

  it('a peer without a certificate is an empty chain', () => {
    assert.deepEqual(new DescribedChains().describe({} as PeerCertificate), []);
  });
});

describe('the peer\'s chain, read once per handshake', () => {
  /** Counts getPeerCertificate(true) on every TLS socket while `run` runs. */
  async function detailedReads(run: () => Promise<TlsData>): Promise<{ reads: number; data: TlsData }> {
    const original = TLSSocket.prototype.getPeerCertificate;
    let reads = 0;
    TLSSocket.prototype.getPeerCertificate = function (this: TLSSocket, detailed?: boolean) {
      if (detailed === true) reads += 1;
      return original.call(this, detailed as true);
    } as typeof original;
    try {
      return { data: await run(), reads };
    } finally {
      TLSSocket.prototype.getPeerCertificate = original;
    }
  }

  it('a verified chain: the read Node made to check the name is the evidence', async (t) => {
    const server = await startTlsServer(await ca.issue({ names: ['once.read.test'] }));
    t.after(() => server.close());
    const { reads, data } = await detailedReads(() => tlsData(testEndpoint('tls', 'once.read.test', server.port), createSecureContext({ ca: ca.caCert })));
    assert.equal(data.authorized, true);
    assert.equal(data.chain?.length, 2, 'the leaf and the root from the store');
    assert.equal(reads, 1);
  });

  it('a chain that did not verify is read by the check itself, once', async (t) => {
    const server = await startTlsServer(await otherCa.issue({ names: ['once.read.test'] }));
    t.after(() => server.close());
    const { reads, data } = await detailedReads(() => tlsData(testEndpoint('tls', 'once.read.test', server.port), createSecureContext({ ca: ca.caCert })));
    assert.equal(data.authorized, false);
    assert.equal(data.chain?.length, 1);
    assert.match(data.chain?.[0]?.issuer ?? '', /Contoso Firewall CA/);
    assert.equal(reads, 1);
  });
});
