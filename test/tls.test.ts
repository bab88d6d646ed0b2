// The TLS layer against real loopback peers: TLS servers with certificates from a throw-away CA
// (good, wrong name, expired, not yet valid, unknown CA, self-signed) and broken peers written
// byte by byte (silent, reset on ClientHello, plain HTTP answer, clean close). The TCP layer opens
// the connection, as in a real run.

import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { checkTcp, checkTls } from './helpers/engine-checks.js';
import { isUsageError } from '../src/errors.js';
import { CaFileError, loadTrustStore, trustStoreFor } from '../src/net/trust-store.js';
import { asUsageError } from '../src/cli/usage-errors.js';
import type { Reason } from '../src/model/reason.js';
import type { Endpoint } from '../src/model/endpoint.js';
import type { TlsData } from '../src/model/evidence.js';
import type { LayerResult } from '../src/model/result.js';
import type { ProbeState } from '../src/model/check.js';
import { LOOPBACK, startTcpServer, startTlsServer, testContext, testEndpoint, type Listener } from './helpers/listeners.js';
import { createSelfSigned, createTestCa, type IssuedCert, type TestCa } from './helpers/test-ca.js';

const TIMEOUT_MS = 500;
const HOST = 'workspace.api.azureml.test';

let ca: TestCa;
let firewallCa: TestCa;
let trustingCa: SecureContext;

before(async () => {
  [ca, firewallCa] = await Promise.all([createTestCa('amlprobe Test Root CA'), createTestCa('Contoso Firewall CA')]);
  trustingCa = createSecureContext({ ca: ca.caCert });
});
after(async () => {
  await Promise.all([ca?.cleanup(), firewallCa?.cleanup()]);
});

/** Connects with the real TCP layer, then runs the TLS layer; closes what is left. */
async function probe(endpoint: Endpoint, secureContext: SecureContext | undefined, t: { after(fn: () => unknown): void }): Promise<{ tcp: LayerResult; tls: LayerResult; state: ProbeState }> {
  const { ctx: tcpCtx, dispose: disposeTcp } = testContext(TIMEOUT_MS, secureContext);
  const state: ProbeState = { address: LOOPBACK };
  const tcp = await checkTcp(endpoint, state, tcpCtx);
  disposeTcp();
  assert.equal(tcp.reason, 'ok', 'the TCP layer connects');
  const { ctx, dispose } = testContext(TIMEOUT_MS, secureContext);
  t.after(() => {
    dispose();
    state.socket?.destroy();
  });
  const tls = await checkTls(endpoint, state, ctx);
  return { tcp, tls, state };
}

interface CertCase {
  case: string;
  cert: () => Promise<IssuedCert>;
  /** The host the client asks for; HOST unless set. */
  host?: string;
  reason: Reason;
  message: RegExp;
  verifyError?: string;
  /** Expected issuer of the leaf in the reported chain. */
  issuer?: RegExp;
  detail?: RegExp;
}

const certCases: CertCase[] = [
  { case: 'certificate from a trusted CA for the name', cert: () => ca.issue({ names: [HOST] }), reason: 'ok', message: /verified/ },
  { case: 'certificate for an IP literal host', cert: () => ca.issue({ names: [LOOPBACK] }), host: LOOPBACK, reason: 'ok', message: /verified/ },
  { case: 'certificate for another name', cert: () => ca.issue({ names: ['other.example.test'] }), reason: 'tls_name_mismatch', message: /does not cover workspace\.api\.azureml\.test \(it names DNS:other\.example\.test\)/, verifyError: 'ERR_TLS_CERT_ALTNAME_INVALID' },
  { case: 'expired certificate', cert: () => ca.issue({ names: [HOST], expired: true }), reason: 'tls_expired', message: /expired on/, verifyError: 'CERT_HAS_EXPIRED' },
  { case: 'not yet valid certificate', cert: () => ca.issue({ names: [HOST], notYetValid: true }), reason: 'tls_expired', message: /not valid before/, verifyError: 'CERT_NOT_YET_VALID' },
  {
    case: 'certificate from an unknown CA (TLS inspection)',
    cert: () => firewallCa.issue({ names: [HOST] }),
    reason: 'tls_untrusted',
    message: /untrusted certificate issued by CN=Contoso Firewall CA,O=amlprobe test: a TLS-inspecting proxy or firewall is likely/,
    verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    issuer: /^CN=Contoso Firewall CA/,
  },
  {
    case: 'unknown CA and wrong name: both facts reported',
    cert: () => firewallCa.issue({ names: ['proxy.contoso.test'] }),
    reason: 'tls_untrusted',
    message: /issued by CN=Contoso Firewall CA/,
    issuer: /^CN=Contoso Firewall CA/,
    detail: /does not cover workspace\.api\.azureml\.test: it names DNS:proxy\.contoso\.test/,
  },
  { case: 'self-signed certificate', cert: () => createSelfSigned([HOST]), reason: 'tls_untrusted', message: /self-signed certificate CN=workspace\.api\.azureml\.test/, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
];

describe('checkTls: certificates', () => {
  for (const c of certCases) {
    it(`${c.case} -> ${c.reason}`, async (t) => {
      const server = await startTlsServer(await c.cert());
      t.after(() => server.close());
      const host = c.host ?? HOST;
      const { tls, state } = await probe(testEndpoint('https', host, server.port), trustingCa, t);
      const data = tls.data as TlsData;
      assert.equal(tls.reason, c.reason, `${tls.message} / ${tls.detail ?? ''}`);
      assert.match(tls.message, c.message);
      if (c.verifyError !== undefined) assert.equal(data.verifyError, c.verifyError);
      if (c.detail !== undefined) assert.match(tls.detail ?? '', c.detail);
      // The certificate is always there to see, verified or not.
      const leaf = data.chain?.[0];
      assert.ok(leaf, 'the chain is reported');
      assert.match(leaf.subjectAltNames.join(' '), c.host === LOOPBACK ? /IP:127\.0\.0\.1/ : /DNS:/);
      assert.match(leaf.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      assert.ok(!Number.isNaN(Date.parse(leaf.validFrom)) && !Number.isNaN(Date.parse(leaf.validTo)));
      if (c.issuer !== undefined) assert.match(leaf.issuer, c.issuer);
      if (c.reason === 'ok') {
        assert.equal(tls.status, 'pass');
        assert.equal(data.authorized, true);
        assert.equal(data.alpn, 'http/1.1');
        assert.match(data.protocol ?? '', /^TLSv1\.[23]$/);
        assert.ok(state.socket instanceof TLSSocket, 'the TLS socket is handed to the next layer');
        assert.equal(state.socket.destroyed, false);
      } else {
        assert.equal(tls.status, 'fail');
        assert.equal(data.authorized, false);
        assert.equal(state.socket, undefined, 'nothing is left behind on failure');
      }
    });
  }

  it('reports the whole chain when the server sends its CA too', async (t) => {
    const leaf = await firewallCa.issue({ names: [HOST] });
    const server = await startTlsServer({ ...leaf, chain: [firewallCa.caCert] });
    t.after(() => server.close());
    const { tls } = await probe(testEndpoint('tls', HOST, server.port), trustingCa, t);
    assert.equal(tls.reason, 'tls_untrusted');
    assert.equal((tls.data as TlsData).verifyError, 'SELF_SIGNED_CERT_IN_CHAIN');
    const chain = (tls.data as TlsData).chain ?? [];
    assert.equal(chain.length, 2);
    assert.match(chain[1]?.subject ?? '', /^CN=Contoso Firewall CA/);
    assert.equal(chain[1]?.subject, chain[1]?.issuer);
    assert.match(tls.message, /issued by CN=Contoso Firewall CA/);
  });

  it('sends the host name as SNI, and none for an IP literal', async (t) => {
    const server = await startTlsServer(await ca.issue({ names: [HOST, LOOPBACK] }));
    t.after(() => server.close());
    const byName = await probe(testEndpoint('https', HOST, server.port), trustingCa, t);
    const byAddress = await probe(testEndpoint('https', LOOPBACK, server.port), trustingCa, t);
    assert.equal(byName.tls.reason, 'ok');
    assert.equal(byAddress.tls.reason, 'ok');
    assert.equal((byName.tls.data as TlsData).servername, HOST);
    // The server finishes its side of a TLS 1.3 handshake after the client does.
    for (let i = 0; i < 100 && server.servernames.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual([...server.servernames].sort(), [HOST, null].sort());
  });

  it('trusts a --ca-file through the run trust store', async (t) => {
    const file = join(tmpdir(), `amlprobe-ca-${process.pid}.pem`);
    await writeFile(file, ca.caCert);
    t.after(() => rm(file, { force: true }));
    const server = await startTlsServer(await ca.issue({ names: [HOST] }));
    t.after(() => server.close());
    const store = loadTrustStore({ extraCaFiles: [file] }, {});
    assert.deepEqual(store.sources.find((s) => s.kind === 'ca-file'), { kind: 'ca-file', path: file, certificates: 1, loaded: true });
    const withFile = await probe(testEndpoint('https', HOST, server.port), store.context, t);
    assert.equal(withFile.tls.reason, 'ok');
    const without = await probe(testEndpoint('https', HOST, server.port), loadTrustStore({}, {}).context, t);
    assert.equal(without.tls.reason, 'tls_untrusted');
  });

  it('names an unreadable or empty --ca-file in a usage error', async (t) => {
    const empty = join(tmpdir(), `amlprobe-empty-${process.pid}.pem`);
    await writeFile(empty, 'not a certificate\n');
    t.after(() => rm(empty, { force: true }));
    for (const file of ['/nonexistent/amlprobe-ca.pem', empty]) {
      assert.throws(
        () => loadTrustStore({ extraCaFiles: [file] }, {}),
        (error: unknown) => !isUsageError(error) && error instanceof CaFileError && error.message.includes(file) && error.value === file,
      );
      // The lazy store of a run checks the files at once, before it builds anything.
      assert.throws(() => trustStoreFor([file]), (error: unknown) => error instanceof CaFileError && error.message.includes(file));
      // The CLI's edge makes it a usage error on --ca-file (exit 2), message unchanged.
      assert.throws(
        () => {
          try {
            trustStoreFor([file]);
          } catch (error) {
            throw asUsageError(error);
          }
        },
        (error: unknown) => isUsageError(error) && error.message.includes(file) && error.where === '--ca-file',
      );
    }
  });

  it('builds a run\'s trust store on first use, once for the same --ca-file list', async (t) => {
    const file = join(tmpdir(), `amlprobe-lazy-ca-${process.pid}.pem`);
    await writeFile(file, ca.caCert);
    t.after(() => rm(file, { force: true }));
    const first = trustStoreFor([file]);
    const again = trustStoreFor([file]);
    // Removing the file after the check shows the build is lazy: it has not read the file yet...
    await rm(file);
    assert.throws(() => first(), (error: unknown) => error instanceof CaFileError);
    // ...and with the file back, both functions return the one store built.
    await writeFile(file, ca.caCert);
    const context = first();
    assert.equal(again(), context);
    const server = await startTlsServer(await ca.issue({ names: [HOST] }));
    t.after(() => server.close());
    assert.equal((await probe(testEndpoint('https', HOST, server.port), context, t)).tls.reason, 'ok');
  });
});

interface PeerCase {
  case: string;
  behaviour: (socket: Socket) => void;
  reason: Reason;
  message: RegExp;
}

const peerCases: PeerCase[] = [
  { case: 'accepts TCP and never speaks', behaviour: () => {}, reason: 'tls_timeout', message: /no TLS answer within 500 ms/ },
  { case: 'resets on the ClientHello', behaviour: (socket) => socket.once('data', () => socket.resetAndDestroy()), reason: 'reset', message: /connection reset during the TLS handshake \(often an SNI-filtering firewall\)/ },
  { case: 'answers plain HTTP', behaviour: (socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')), reason: 'tls_failed', message: /TLS handshake failed: wrong version number/ },
  { case: 'closes cleanly on the ClientHello', behaviour: (socket) => socket.once('data', () => socket.end()), reason: 'tls_failed', message: /closed the connection during the TLS handshake/ },
  {
    case: 'answers a TLS handshake_failure alert',
    // TLS record: alert (21), TLS 1.2, length 2, fatal (2), handshake_failure (40).
    behaviour: (socket) => socket.once('data', () => socket.end(Buffer.from([21, 3, 3, 0, 2, 2, 40]))),
    reason: 'tls_failed',
    message: /TLS handshake failed: .*handshake failure/,
  },
];

describe('checkTls: broken peers', () => {
  for (const c of peerCases) {
    it(`a server that ${c.case} -> ${c.reason}`, async (t) => {
      const closed: Promise<void>[] = [];
      const server: Listener = await startTcpServer((socket) => {
        closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
        c.behaviour(socket);
      });
      t.after(() => server.close());
      const { tls, state } = await probe(testEndpoint('https', HOST, server.port), trustingCa, t);
      assert.equal(tls.status, 'fail');
      assert.equal(tls.reason, c.reason, `${tls.message} / ${tls.detail ?? ''}`);
      assert.match(tls.message, c.message);
      assert.equal(state.socket, undefined);
      // The client closed its side: the server sees every connection end.
      await Promise.race([
        Promise.all(closed),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the client socket was left open')), 1000)),
      ]);
    });
  }

  it('a reset between the TCP and TLS layers is reported as reset', async (t) => {
    const accepted: Socket[] = [];
    const server = await startTcpServer((socket) => accepted.push(socket));
    t.after(() => server.close());
    const state: ProbeState = { address: LOOPBACK };
    const endpoint = testEndpoint('tls', HOST, server.port);
    const tcpCtx = testContext(TIMEOUT_MS);
    assert.equal((await checkTcp(endpoint, state, tcpCtx.ctx)).reason, 'ok');
    tcpCtx.dispose();
    for (let i = 0; i < 100 && accepted.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    accepted[0]?.resetAndDestroy();
    for (let i = 0; i < 200 && state.socket?.destroyed !== true; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const { ctx, dispose } = testContext(TIMEOUT_MS, trustingCa);
    t.after(dispose);
    const result = await checkTls(endpoint, state, ctx);
    assert.equal(result.reason, 'reset', result.message);
    assert.equal((result.data as TlsData).code, 'ECONNRESET');
    assert.equal(state.socket, undefined);
  });

  it('the run deadline during the handshake gives deadline', async (t) => {
    const server = await startTcpServer();
    t.after(() => server.close());
    const state: ProbeState = { address: LOOPBACK };
    const endpoint = testEndpoint('tls', HOST, server.port);
    const tcpCtx = testContext(TIMEOUT_MS);
    assert.equal((await checkTcp(endpoint, state, tcpCtx.ctx)).reason, 'ok');
    tcpCtx.dispose();
    const { ctx, strikeDeadline, dispose } = testContext(5_000, trustingCa);
    t.after(dispose);
    const pending = checkTls(endpoint, state, ctx);
    setTimeout(strikeDeadline, 50);
    const result = await pending;
    assert.equal(result.reason, 'deadline');
    assert.equal(state.socket, undefined);
  });
});
