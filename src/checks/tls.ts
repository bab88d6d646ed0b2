// The TLS layer: a handshake over the TCP layer's socket that always lets us see the certificate
// (rejectUnauthorized: false), then a verdict of our own. Seeing the certificate is the point:
// behind a TLS-inspecting firewall the chain names the firewall's CA, which is the evidence the
// admin needs ("untrusted certificate issued by CN=Contoso Firewall CA").
//
// Verdict order: an OpenSSL verification error decides (expired -> tls_expired, any other ->
// tls_untrusted); a chain that verified but does not name the host -> tls_name_mismatch. The name
// and the validity dates are checked ourselves even when the chain is untrusted, and every fact
// found goes into `detail`. Node's own identity check is switched off because it only runs after
// a clean verification and, without SNI (IP literal hosts), would check the name 'localhost'; our
// callback in its place only keeps the chain Node read for it.
//
// A verified chain on a Microsoft endpoint (endpoint.expect.publicRoot, decided by the plan) must
// end at a public root (src/net/public-roots.ts); one that ends at a CA added on this machine is
// tls_inspected, a warning: the connection works, but a middlebox decrypts it.
//
// When its signal fires it only stops: the engine reports tls_timeout or the deadline.

import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { describedChainsFor, type DescribedChains } from '../net/described-chains.js';
import { isPublicRoot } from '../net/public-roots.js';
import type { Reason, Status } from '../model/reason.js';
import type { CertificateInfo, TlsData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import type { Check } from '../model/check.js';
import { errorCode, errorMessage, guardIdleSocket, idleError } from './errno.js';
import { stoppedResult } from './stopped.js';

/** Verification errors that mean "outside the validity period". */
const VALIDITY_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Verification errors that are a name mismatch rather than a trust problem. */
const NAME_ERRORS = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

/** What the common OpenSSL verification codes mean, for the detail line. */
const VERIFY_EXPLANATIONS: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuing CA is not in the trust store',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuing CA is not in the trust store',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the issuer of the certificate is not in the trust store and the server did not send it',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends at a root CA that is not in the trust store',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  CERT_UNTRUSTED: 'the root CA is not trusted for this purpose',
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not valid yet (or this machine\'s clock is wrong)',
  CERT_REVOKED: 'a certificate in the chain has been revoked',
  CERT_SIGNATURE_FAILURE: 'a signature in the chain does not verify',
  INVALID_CA: 'an intermediate certificate is not a valid CA',
};

/** Verification errors where a chain ends at a CA we do not trust: the inspection-proxy signature. */
const UNKNOWN_ISSUER_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
]);

/** Runs the TLS handshake on state.socket and judges the certificate; on pass state.socket becomes the TLS socket. */
export const checkTls: Check = (endpoint, state, ctx) => {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const tcp = state.socket;
  const servername = isIP(endpoint.host) ? undefined : endpoint.host;
  const data: TlsData = {};
  if (servername !== undefined) data.servername = servername;
  state.evidence = data;

  const result = (status: Status, reason: Reason, message: string, detail?: string): LayerResult => {
    const out: LayerResult = { layer: 'tls', status, reason, ms: elapsed(), message, data };
    if (detail !== undefined) out.detail = detail;
    return out;
  };
  if (tcp === undefined) {
    return Promise.resolve(result('fail', 'internal_error', 'no connection to run TLS over (the TCP layer left none)'));
  }
  if (tcp.destroyed) {
    state.socket = undefined;
    const missed = idleError(tcp);
    if (missed !== undefined) return Promise.resolve(handshakeFailure(missed, errorCode(missed)));
    return Promise.resolve(result('fail', 'tls_failed', 'the connection closed before the TLS handshake started'));
  }
  if (ctx.signal.aborted) {
    tcp.destroy();
    state.socket = undefined;
    return Promise.resolve(stoppedResult('tls'));
  }

  // After a clean verification Node reads the peer's chain for this callback (getPeerCertificate(true),
  // the dearest step after the handshake itself): judge takes that read instead of making a second.
  let presented: PeerCertificate | undefined;
  const options: ConnectionOptions = {
    socket: tcp,
    rejectUnauthorized: false,
    checkServerIdentity: (_name, cert) => void (presented = cert),
  };
  if (servername !== undefined) options.servername = servername;
  if (ctx.secureContext !== undefined) options.secureContext = ctx.secureContext;
  if (endpoint.protocol === 'https' || endpoint.protocol === 'wss') options.ALPNProtocols = ['http/1.1'];

  return new Promise<LayerResult>((resolve) => {
    const socket: TLSSocket = connect(options);
    let settled = false;

    const settle = (outcome: LayerResult, keep: boolean): void => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      socket.removeListener('secureConnect', onSecure);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      // Errors after the verdict must not crash the process while no layer listens.
      guardIdleSocket(socket);
      if (keep) {
        state.socket = socket;
      } else {
        socket.destroy();
        tcp.destroy();
        state.socket = undefined;
      }
      resolve(outcome);
    };

    const onSecure = (): void => {
      // An event handler that throws would crash the process: a bug here becomes a result instead.
      try {
        const protocol = socket.getProtocol();
        if (protocol) data.protocol = protocol;
        const cipher = socket.getCipher();
        if (cipher?.name) data.cipher = cipher.name;
        if (typeof socket.alpnProtocol === 'string') data.alpn = socket.alpnProtocol;
        const judged = judge(endpoint.host, socket, data, describedChainsFor(ctx.secureContext), presented);
        const verdict = judged.status === 'pass' && endpoint.expect.publicRoot === true ? inspected(data, ctx.settings.publicRoots) ?? judged : judged;
        settle(result(verdict.status, verdict.reason, verdict.message, verdict.detail), verdict.status !== 'fail');
      } catch (error) {
        settle(result('fail', 'internal_error', 'amlprobe bug while judging the certificate', errorMessage(error)), false);
      }
    };

    const onError = (error: Error): void => {
      settle(handshakeFailure(error, errorCode(error)), false);
    };

    const onClose = (): void => settle(result('fail', 'tls_failed', 'the server closed the connection during the TLS handshake'), false);
    const onAbort = (): void => settle(stoppedResult('tls'), false);

    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });

  /** A handshake that ended in an error: a reset, an alert, a protocol error, a peer that hung up. */
  function handshakeFailure(error: Error, code: string | undefined): LayerResult {
    if (code !== undefined) data.code = code;
    // A real RST carries the failing syscall ('read'); Node reports a peer's clean close during the
    // handshake with the same code but no syscall ("Client network socket disconnected ...").
    const syscall = (error as { syscall?: unknown }).syscall;
    if (code === 'ECONNRESET' && typeof syscall === 'string') {
      return result(
        'fail',
        'reset',
        'connection reset during the TLS handshake (often an SNI-filtering firewall)',
        `The connection was reset after the ClientHello${servername ? ` for ${servername}` : ''}: firewalls that filter on the TLS server name (SNI) reset connections to names not on their allow list.`,
      );
    }
    if (code === 'ECONNRESET') {
      return result('fail', 'tls_failed', 'the server closed the connection during the TLS handshake', errorMessage(error));
    }
    const openssl = (error as { reason?: unknown }).reason;
    const text = typeof openssl === 'string' && openssl !== '' ? openssl : errorMessage(error);
    const notTls = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST';
    return result(
      'fail',
      'tls_failed',
      `TLS handshake failed: ${text}`,
      notTls ? 'The server did not answer with TLS: plain HTTP or another protocol listens on this port, or a proxy answered in clear text.' : errorMessage(error),
    );
  }
};

/** The verdict on a completed handshake. */
interface Verdict {
  status: Status;
  reason: Reason;
  message: string;
  detail?: string;
}

/** Judges the certificate the peer presented: chain trust, validity dates and host name, all recorded in data. */
function judge(host: string, socket: TLSSocket, data: TlsData, chains: DescribedChains, presented: PeerCertificate | undefined): Verdict {
  // What this peer presented, read on every handshake (by Node when it verified); only its description may be shared.
  const peer = presented ?? socket.getPeerCertificate(true);
  const chain = chains.describe(peer);
  data.chain = chain;
  const leaf = chain[0];
  if (leaf === undefined) {
    data.authorized = false;
    return { status: 'fail', reason: 'tls_untrusted', message: 'the server presented no certificate' };
  }

  const rawError: unknown = socket.authorizationError;
  const verifyError = rawError === null || rawError === undefined ? undefined : typeof rawError === 'string' ? rawError : (errorCode(rawError) ?? errorMessage(rawError));
  const nameError = checkServerIdentity(host, peer);
  const dates = validityProblem(leaf);
  data.authorized = verifyError === undefined && nameError === undefined;
  if (verifyError !== undefined) data.verifyError = verifyError;
  else if (nameError !== undefined) data.verifyError = errorCode(nameError) ?? 'ERR_TLS_CERT_ALTNAME_INVALID';

  const facts: string[] = [];
  if (verifyError !== undefined) {
    const why = VERIFY_EXPLANATIONS[verifyError];
    facts.push(`Verification failed: ${verifyError}${why ? ` (${why})` : ''}.`);
  }
  if (nameError !== undefined) facts.push(`The certificate does not cover ${host}: it names ${namesOf(leaf)}.`);
  if (dates !== undefined) facts.push(`The certificate ${dates}.`);
  facts.push(`Presented: ${leaf.subject} (SHA-256 ${leaf.fingerprint256}), issued by ${leaf.issuer}.`);
  if (verifyError !== undefined && (UNKNOWN_ISSUER_ERRORS.has(verifyError) || verifyError === 'DEPTH_ZERO_SELF_SIGNED_CERT')) {
    facts.push(
      'If this is your organisation\'s TLS-inspection CA, exempt this host from inspection on the firewall or proxy, ' +
        'or, if inspection is intended, trust that CA here with --ca-file (and in every client that calls this host).',
    );
  }
  const detail = facts.join(' ');

  if (verifyError === undefined && nameError === undefined) {
    return { status: 'pass', reason: 'ok', message: `certificate verified (${data.protocol ?? 'TLS'})` };
  }
  if (verifyError !== undefined && VALIDITY_ERRORS.has(verifyError)) {
    return { status: 'fail', reason: 'tls_expired', message: `certificate ${dates ?? 'is outside its validity period'}`, detail };
  }
  if (verifyError !== undefined && !NAME_ERRORS.has(verifyError)) {
    return { status: 'fail', reason: 'tls_untrusted', message: untrustedMessage(verifyError, chain), detail };
  }
  return { status: 'fail', reason: 'tls_name_mismatch', message: `certificate does not cover ${host} (it names ${namesOf(leaf)})`, detail };
}

/**
 * A verified chain that ends at a root which is not public: trusted only through an added CA
 * (NODE_EXTRA_CA_CERTS, --ca-file, the system store), which on a Microsoft endpoint means a
 * middlebox re-signs the traffic. Undefined when the root is public.
 */
function inspected(data: TlsData, declaredPublic: readonly string[] | undefined): Verdict | undefined {
  const chain = data.chain ?? [];
  // Node hands over the verified chain, which ends at the trust anchor from the store.
  const root = chain[chain.length - 1];
  if (root === undefined || isPublicRoot(root.fingerprint256, declaredPublic)) return undefined;
  const issuer = chain[0]?.issuer ?? root.subject;
  const through = commonName(issuer) === commonName(root.subject) ? '' : `, which chains to ${commonName(root.subject)}`;
  return {
    status: 'warn',
    reason: 'tls_inspected',
    message: `TLS inspected: certificate issued by ${commonName(issuer)}${through}, a CA added on this machine, not a public root`,
    detail:
      `The chain ends at ${root.subject} (SHA-256 ${root.fingerprint256}), which is not one of the public roots Microsoft's certificates chain to: ` +
      `it is trusted here only through NODE_EXTRA_CA_CERTS, --ca-file or a CA added to the system store. The presented certificate was issued by ${issuer}: ` +
      'a firewall or proxy decrypts and re-signs this traffic. Services that pin certificates or expect the Microsoft chain break behind inspection, ' +
      'and Microsoft asks to exempt Azure Machine Learning endpoints from it: exclude this FQDN from TLS inspection on the firewall or proxy.',
  };
}

/** "Contoso Inspection CA" from "CN=Contoso Inspection CA,O=Contoso"; the whole name without a CN. */
function commonName(name: string): string {
  return /CN=((?:\\.|[^,])+)/.exec(name)?.[1]?.replace(/\\(.)/g, '$1') ?? name;
}

/** The matrix sentence for an untrusted chain, naming who presented it. */
function untrustedMessage(code: string, chain: CertificateInfo[]): string {
  const leaf = chain[0];
  const top = chain[chain.length - 1];
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return `self-signed certificate ${leaf?.subject ?? ''}: an appliance or proxy with its default certificate is likely`;
  }
  if (UNKNOWN_ISSUER_ERRORS.has(code)) {
    // The last certificate presented names the authority at the top: for an inspecting proxy,
    // the proxy's own CA (Azure endpoints chain to public roots that the store trusts).
    return `untrusted certificate issued by ${top?.issuer ?? 'an unknown CA'}: a TLS-inspecting proxy or firewall is likely`;
  }
  return `certificate not trusted (${code}), issued by ${leaf?.issuer ?? 'an unknown CA'}`;
}

/** "expired on 2026-01-02T00:00:00.000Z" / "is not valid before ...", or undefined when the dates are fine now. */
function validityProblem(leaf: CertificateInfo): string | undefined {
  const now = Date.now();
  const from = Date.parse(leaf.validFrom);
  const to = Date.parse(leaf.validTo);
  if (!Number.isNaN(to) && to < now) return `expired on ${leaf.validTo}`;
  if (!Number.isNaN(from) && from > now) return `is not valid before ${leaf.validFrom}`;
  return undefined;
}

/** The names a certificate covers, for a mismatch message. */
function namesOf(leaf: CertificateInfo): string {
  if (leaf.subjectAltNames.length > 0) return leaf.subjectAltNames.join(', ');
  return leaf.subject || 'no name';
}
