// The tls kind: the handshake on the tcp connection. Its evidence is the certificate the peer
// presented, which names a TLS-inspecting middlebox or the wrong endpoint when there is one.

import type { CertificateInfo, TlsData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import { COLUMNS, evidenceCode, fact, formatMs, type EvidenceFact, type PanelBlock, type PanelValue, type ProbeKind } from './descriptor.js';

/** The issuer's common name of the leaf the peer presented: names the interceptor, if any. */
function presentedIssuer(check: LayerResult): string | undefined {
  if (check.layer !== 'tls') return undefined;
  const issuer = (check.data as TlsData | undefined)?.chain?.[0]?.issuer;
  if (issuer === undefined) return undefined;
  const cn = /CN=([^,\n/]+)/.exec(issuer)?.[1]?.trim();
  return cn ?? issuer;
}

function withIssuer(word: string, check: LayerResult): string {
  const issuer = presentedIssuer(check);
  return issuer === undefined ? word : `${word} (${issuer})`;
}

/** The certificate the peer presented: the evidence of TLS inspection or a wrong endpoint. */
function tlsFacts(data: TlsData): EvidenceFact[] {
  const leaf = data.chain?.[0];
  const facts: EvidenceFact[] = [];
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

/** Values as code spans, one space apart; undefined when there are none. */
export function codeList(values: readonly string[] | undefined): PanelValue | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.flatMap((v, i) => (i === 0 ? [{ code: v }] : [' ', { code: v }]));
}

function certificate(cert: CertificateInfo, index: number): PanelBlock {
  return {
    title: index === 0 ? 'leaf' : `issuer ${index}`,
    blocks: [
      {
        facts: [
          ['subject', { code: cert.subject }],
          ['issuer', { code: cert.issuer }],
          ['names', codeList(cert.subjectAltNames)],
          ['valid', [cert.validFrom, ' → ', cert.validTo]],
          ['sha256', { code: cert.fingerprint256, class: 'fp' }],
          ['serial', cert.serialNumber === undefined ? undefined : { code: cert.serialNumber }],
        ],
      },
    ],
  };
}

function tlsPanel(data: TlsData): PanelBlock[] {
  const trust = data.authorized === undefined ? undefined : data.authorized ? 'verified' : 'NOT verified';
  return [
    {
      facts: [
        ['server name', data.servername],
        ['protocol', data.protocol],
        ['cipher', data.cipher],
        ['ALPN', data.alpn],
        ['trust', trust],
        ['verify error', data.verifyError === undefined ? undefined : { code: data.verifyError }],
        ['error', data.code],
      ],
    },
    ...(data.chain ?? []).map(certificate),
  ];
}

// tls_inspected (warn): a Microsoft endpoint's chain verified, but ends at a root that is not public.
declare module '../model/reason.js' {
  interface KindReasons {
    tls_inspected: true;
  }
}

export const tlsKind: ProbeKind<'tls'> = {
  layer: 'tls',
  schemes: { tls: { layers: ['dns', 'tcp', 'tls'], defaultPort: 443 } },
  column: COLUMNS.tls,
  help: { target: 'tls://HOST:PORT', does: 'TCP + TLS handshake, certificate verified' },
  // node:tls costs tens of milliseconds to load: a DNS or TCP run never does.
  load: async () => (await import('./tls.js')).checkTls,
  stopped: {
    timeout: (_endpoint, _state, timeoutMs) => ({
      reason: 'tls_timeout',
      message: `no TLS answer within ${timeoutMs} ms`,
      detail: 'The TCP connection opened but the handshake never completed: the server or a middlebox accepted the connection and then stayed silent.',
    }),
    deadline: () => 'the run deadline struck during the TLS handshake',
  },
  json: {
    order: ['servername', 'protocol', 'cipher', 'alpn', 'authorized', 'verifyError', 'code', 'chain'],
    lists: { chain: { order: ['subject', 'issuer', 'subjectAltNames', 'validFrom', 'validTo', 'fingerprint256', 'serialNumber'] } },
  },
  okCell: (check, data) => data?.protocol ?? formatMs(check.ms),
  cells: {
    tls_untrusted: (check) => withIssuer('untrusted', check),
    tls_name_mismatch: (check) => withIssuer('wrong name', check),
    tls_inspected: (check) => withIssuer('inspected', check),
    tls_expired: () => 'expired',
    tls_timeout: () => 'timeout',
    tls_failed: (check) => evidenceCode(check) ?? 'failed',
  },
  facts: tlsFacts,
  panel: tlsPanel,
};
