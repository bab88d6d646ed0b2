// The panel that opens under a row: the verdict and the fix first (what a firewall admin acts on),
// then the evidence of every layer that ran (who answered what, which certificate was presented,
// which server answered HTTP), the timings, and the catalog's facts. Rendered here rather than by
// the page's script so it reads the typed Report and works with scripts switched off.

import type { CertificateInfo, ConnectData, DnsData, HttpData, TlsData, UdpData, WebSocketData } from '../../model/evidence.js';
import type { EndpointResult, LayerResult } from '../../model/result.js';
import { smbDetailLines, type SmbData } from '../../checks/smb.js';
import { formatMs } from '../cell-text.js';
import { endpointUrl } from '../table.js';
import { escapeHtml as e } from './escape.js';

/** A label and an already escaped value; rows whose value is undefined are left out. */
type Fact = [label: string, html: string | undefined];

function facts(rows: Fact[]): string {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  if (shown.length === 0) return '';
  return `<dl class="facts">${shown.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function section(title: string, body: string): string {
  return body === '' ? '' : `<section><h4>${e(title)}</h4>${body}</section>`;
}

function text(value: string | number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : e(String(value));
}

function list(values: readonly string[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.map((v) => `<code>${e(v)}</code>`).join(' ');
}

function addressTable(data: DnsData): string {
  if (data.addresses.length === 0) return '';
  const rows = data.addresses
    .map(
      (a) =>
        `<tr><td><code>${e(a.address)}</code></td><td class="${a.private ? 'k-private' : 'k-public'}">` +
        `${a.private ? 'private' : 'public'}</td><td>${e(a.range ?? '')}</td></tr>`,
    )
    .join('');
  return `<table class="mini"><thead><tr><th>address</th><th>kind</th><th>range</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function resolverTable(data: DnsData): string {
  const rows: string[] = [];
  if (data.system !== undefined) {
    const s = data.system;
    const answer = s.addresses.length > 0 ? s.addresses.join(', ') : (s.code ?? s.reason);
    rows.push(`<tr><td>system resolver</td><td>${e(s.reason)}</td><td><code>${e(answer)}</code></td><td></td><td>${formatMs(s.ms)}</td></tr>`);
  }
  for (const d of data.direct ?? []) {
    const answer = d.addresses.length > 0 ? d.addresses.map((r) => r.data).join(', ') : (d.rcode ?? d.reason);
    const chain = d.cname.length > 0 ? [d.cname[0]?.name ?? '', ...d.cname.map((r) => r.data)].join(' → ') : '';
    rows.push(
      `<tr><td><code>${e(d.server)}</code> ${e(d.transport)}</td><td>${e(d.rcode ?? d.reason)}</td>` +
        `<td><code>${e(answer)}</code></td><td>${chain === '' ? '' : `<code>${e(chain)}</code>`}</td><td>${formatMs(d.ms)}</td></tr>`,
    );
  }
  if (rows.length === 0) return '';
  return (
    `<table class="mini"><thead><tr><th>resolver</th><th>answer</th><th>addresses</th><th>CNAME chain</th><th>time</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function dnsSection(data: DnsData): string {
  const authority = data.literal ? 'IP literal, no lookup' : `${data.authority} answer decides`;
  return facts([['name', text(data.name)], ['authority', text(authority)]]) + addressTable(data) + resolverTable(data);
}

function certificate(cert: CertificateInfo, index: number): string {
  return (
    `<div class="cert"><div class="cert-title">${index === 0 ? 'leaf' : `issuer ${index}`}</div>` +
    facts([
      ['subject', `<code>${e(cert.subject)}</code>`],
      ['issuer', `<code>${e(cert.issuer)}</code>`],
      ['names', list(cert.subjectAltNames)],
      ['valid', `${e(cert.validFrom)} → ${e(cert.validTo)}`],
      ['sha256', `<code class="fp">${e(cert.fingerprint256)}</code>`],
      ['serial', cert.serialNumber === undefined ? undefined : `<code>${e(cert.serialNumber)}</code>`],
    ]) +
    `</div>`
  );
}

function tlsSection(data: TlsData): string {
  const trust = data.authorized === undefined ? undefined : data.authorized ? 'verified' : 'NOT verified';
  return (
    facts([
      ['server name', text(data.servername)],
      ['protocol', text(data.protocol)],
      ['cipher', text(data.cipher)],
      ['ALPN', text(data.alpn)],
      ['trust', text(trust)],
      ['verify error', data.verifyError === undefined ? undefined : `<code>${e(data.verifyError)}</code>`],
      ['error', text(data.code)],
    ]) + (data.chain ?? []).map(certificate).join('')
  );
}

function headerTable(headers: Record<string, string> | undefined): string {
  const names = Object.keys(headers ?? {}).sort();
  if (headers === undefined || names.length === 0) return '';
  const rows = names.map((n) => `<tr><td><code>${e(n)}</code></td><td><code>${e(headers[n] ?? '')}</code></td></tr>`);
  return `<table class="mini"><thead><tr><th>header</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The evidence of one layer, by its kind of data. */
function evidence(check: LayerResult): string {
  if (check.data === undefined) return '';
  switch (check.layer) {
    case 'dns':
      return dnsSection(check.data as DnsData);
    case 'tcp': {
      const d = check.data as ConnectData;
      return facts([
        ['address', `<code>${e(d.address)}:${d.port}</code>`],
        ['local address', text(d.localAddress)],
        ['redirected to', text(d.redirectedTo)],
        ['error', text(d.code)],
      ]);
    }
    case 'udp': {
      const d = check.data as UdpData;
      return facts([
        ['address', `<code>${e(d.address)}:${d.port}</code>`],
        ['sent', `${d.sentBytes} B`],
        ['reply', d.replyBytes === undefined ? 'none' : `${d.replyBytes} B`],
        ['redirected to', text(d.redirectedTo)],
        ['error', text(d.code)],
      ]);
    }
    case 'tls':
      return tlsSection(check.data as TlsData);
    case 'http': {
      const d = check.data as HttpData;
      return (
        facts([
          ['URL', `<code>${e(d.url)}</code>`],
          ['status', text(d.status)],
          ['first byte', d.firstByteMs === undefined ? undefined : formatMs(d.firstByteMs)],
          ['error', text(d.code)],
        ]) + headerTable(d.headers)
      );
    }
    case 'websocket': {
      const d = check.data as WebSocketData;
      return facts([['URL', `<code>${e(d.url)}</code>`], ['status', text(d.status)], ['error', text(d.code)]]) + headerTable(d.headers);
    }
    case 'smb':
      return facts([...smbDetailLines(check.data as SmbData).map(([label, value]): Fact => [label, e(value)]), ['error', text((check.data as SmbData).code)]]);
  }
}

function timings(result: EndpointResult): string {
  if (result.checks.length === 0) return '';
  const rows = result.checks.map(
    (c) =>
      `<tr class="st-${c.status}"><td>${e(c.layer)}</td><td><span class="pill ${c.status}">${c.status}</span></td>` +
      `<td><code>${e(c.reason)}</code></td><td class="num">${formatMs(c.ms)}</td><td>${e(c.message)}</td></tr>`,
  );
  return (
    `<table class="mini timings"><thead><tr><th>layer</th><th>status</th><th>reason</th><th>time</th><th>message</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** The HTML of the detail panel of one result. */
export function detailHtml(result: EndpointResult): string {
  const deciding = result.layer === null ? undefined : result.checks.find((c) => c.layer === result.layer);
  const meta = result.meta ?? {};
  const verdict =
    `<p class="verdict ${result.status}"><strong>${e(result.layer ?? result.status)}</strong>: ${e(result.message)}` +
    ` <code>${e(result.reason)}</code></p>` +
    (deciding?.detail ? `<p class="explain">${e(deciding.detail)}</p>` : '');
  const fix = meta.remediation ? `<div class="fix"><strong>Documented rule to add:</strong> ${e(meta.remediation)}</div>` : '';
  const layers = result.checks
    .filter((c) => c.data !== undefined)
    .map((c) => section(c.layer.toUpperCase(), evidence(c)))
    .join('');
  const about = facts([
    ['target', result.checks.length > 0 ? `<code>${e(endpointUrl(result))}</code>` : undefined],
    ['id', `<code>${e(result.id)}</code>`],
    ['required', result.required ? 'yes' : 'no (optional)'],
    ['purpose', text(meta.purpose)],
    ['scenario', text(meta.scenario)],
    ['service tag', meta.serviceTag === undefined ? undefined : `<code>${e(meta.serviceTag)}</code>`],
    ['private DNS zone', meta.privateDnsZone === undefined ? undefined : `<code>${e(meta.privateDnsZone)}</code>`],
    ['note', text(meta.note)],
    ['sources', list(meta.sources)],
  ]);
  return (
    `<div class="detail-body">${verdict}${fix}<div class="cols">` +
    `<div class="col">${layers}</div>` +
    `<div class="col">${section('Timings', timings(result))}${section('Endpoint', about)}</div>` +
    `</div></div>`
  );
}
