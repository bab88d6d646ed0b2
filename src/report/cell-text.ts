// The few words a matrix cell shows after its status mark: enough to tell NXDOMAIN from a public
// address from a refusal from an intercepted certificate at a glance. The full sentence is the
// layer's `message`, printed under failed rows.

import type { Reason } from '../model/reason.js';
import type { AddressInfo, ConnectData, DnsData, HttpData, TlsData, UdpData, WebSocketData } from '../model/evidence.js';
import type { LayerResult } from '../model/result.js';
import { smbCellText } from '../checks/smb.js';

/** Whole milliseconds, as the matrix shows a duration. */
export function formatMs(ms: number): string {
  return `${Math.max(0, Math.round(ms))} ms`;
}

// `data` is a union over layers; each reader checks the layer before trusting the shape.
function dnsData(check: LayerResult): DnsData | undefined {
  return check.layer === 'dns' ? (check.data as DnsData | undefined) : undefined;
}

function errorCode(check: LayerResult): string | undefined {
  const data = check.data as ConnectData | UdpData | TlsData | HttpData | WebSocketData | DnsData | undefined;
  return data !== undefined && 'code' in data && typeof data.code === 'string' ? data.code : undefined;
}

function statusCode(check: LayerResult): number | undefined {
  if (check.layer !== 'http' && check.layer !== 'websocket') return undefined;
  return (check.data as HttpData | WebSocketData | undefined)?.status;
}

/** "10.0.0.5 (private)", "10.0.0.5 +1 (private)", "20.1.2.3 (public)", "... (mixed)". */
function describeAddresses(addresses: readonly AddressInfo[], verdict?: string): string | undefined {
  const first = addresses[0];
  if (first === undefined) return undefined;
  const more = addresses.length > 1 ? ` +${addresses.length - 1}` : '';
  const kind =
    verdict ?? (addresses.every((a) => a.private) ? 'private' : addresses.some((a) => a.private) ? 'mixed' : 'public');
  return `${first.address}${more} (${kind})`;
}

/** For public_ip, lead with a public address: that is the evidence. */
function publicFirst(addresses: readonly AddressInfo[]): AddressInfo[] {
  return [...addresses].sort((a, b) => Number(a.private) - Number(b.private));
}

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

/** "403" from the status line a proxy answered to CONNECT, if any. */
function proxyStatusCode(check: LayerResult): string | undefined {
  if (check.layer !== 'tcp') return undefined;
  return /^HTTP\/\S+ (\d{3})/.exec((check.data as ConnectData | undefined)?.proxyStatus ?? '')?.[1];
}

type Describe = (check: LayerResult) => string;

// A Record over every Reason: adding a code without deciding its cell text is a compile error.
const DESCRIBE: Record<Reason, Describe> = {
  ok: (check) => {
    switch (check.layer) {
      case 'dns':
        return describeAddresses(dnsData(check)?.addresses ?? []) ?? 'resolved';
      case 'udp': {
        const bytes = (check.data as UdpData | undefined)?.replyBytes;
        return bytes === undefined ? 'reply' : `reply ${bytes} B`;
      }
      case 'tls':
        return (check.data as TlsData | undefined)?.protocol ?? formatMs(check.ms);
      case 'tcp':
        return (check.data as ConnectData | undefined)?.proxy === undefined ? formatMs(check.ms) : `${formatMs(check.ms)} via proxy`;
      case 'http':
      case 'websocket':
        return String(statusCode(check) ?? formatMs(check.ms));
      default:
        return formatMs(check.ms);
    }
  },
  skipped: () => '',
  deadline: () => 'deadline',
  internal_error: () => 'internal error',
  needs_input: () => 'needs input',
  informational: () => 'not probed',
  nxdomain: () => 'NXDOMAIN',
  nodata: () => 'NODATA',
  servfail: () => 'SERVFAIL',
  dns_refused: () => 'REFUSED',
  dns_timeout: () => 'timeout',
  dns_unreachable: () => 'no route to DNS',
  dns_error: () => 'DNS error',
  public_ip: (check) => describeAddresses(publicFirst(dnsData(check)?.addresses ?? []), 'public') ?? 'public address',
  unexpected_ip: (check) => describeAddresses(dnsData(check)?.addresses ?? [], 'unexpected') ?? 'unexpected address',
  resolver_mismatch: () => 'resolvers differ',
  dns_not_forwarded: (check) => describeAddresses(publicFirst(dnsData(check)?.addresses ?? []), 'not forwarded') ?? 'not forwarded',
  zone_not_linked: (check) => describeAddresses(publicFirst(dnsData(check)?.addresses ?? []), 'zone not linked') ?? 'zone not linked',
  hosts_override: () => 'hosts file',
  tcp_refused: () => 'refused',
  tcp_timeout: () => 'timeout',
  unreachable: () => 'unreachable',
  reset: () => 'reset',
  tcp_error: (check) => errorCode(check) ?? 'error',
  local_limit: (check) => `local ${errorCode(check) ?? 'limit'}`,
  proxy_unreachable: () => 'proxy unreachable',
  proxy_auth_required: () => 'proxy 407',
  proxy_denied: (check) => `proxy ${proxyStatusCode(check) ?? 'denied'}`,
  proxy_target_failed: (check) => `proxy ${proxyStatusCode(check) ?? 'no tunnel'}`,
  proxy_failed: () => 'proxy failed',
  udp_closed: () => 'port closed',
  udp_open_or_filtered: () => 'no reply',
  udp_error: (check) => errorCode(check) ?? 'error',
  tls_untrusted: (check) => withIssuer('untrusted', check),
  tls_name_mismatch: (check) => withIssuer('wrong name', check),
  tls_expired: () => 'expired',
  tls_timeout: () => 'timeout',
  tls_failed: (check) => errorCode(check) ?? 'failed',
  http_status: (check) => String(statusCode(check) ?? 'bad status'),
  http_timeout: () => 'timeout',
  http_failed: (check) => errorCode(check) ?? 'failed',
  ws_upgraded: (check) => String(statusCode(check) ?? 101),
  ws_rejected: (check) => String(statusCode(check) ?? 'rejected'),
  ws_timeout: () => 'timeout',
  ws_failed: (check) => errorCode(check) ?? 'failed',
  smb_negotiated: smbCellText,
  smb_not_smb2: smbCellText,
  smb_timeout: smbCellText,
  smb_failed: smbCellText,
  discovery_no_token: () => 'no token',
  discovery_unreachable: (check) => errorCode(check) ?? 'unreachable',
  discovery_unauthorized: () => '401 token refused',
  discovery_forbidden: () => '403 forbidden',
  discovery_not_found: () => '404 no registry',
  discovery_malformed: () => 'bad answer',
};

/** The short text of a matrix cell (without its status mark), e.g. "NXDOMAIN", "12 ms", "101". */
export function cellText(check: LayerResult): string {
  const describe = DESCRIBE[check.reason] as Describe | undefined;
  // A reason this build does not know (a newer engine, a hand-edited report): show the code itself.
  return describe === undefined ? check.reason : describe(check);
}
