// What each layer saw: the evidence a check records for the reports (addresses, CNAME chain,
// certificate, HTTP status, ...). Anything in here that came from the network was cleaned at capture.

import type { PrivateSource } from './private-source.js';
import type { Reason } from './reason.js';

/** One DNS answer record kept for the report. */
export interface DnsRecord {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME';
  ttl: number;
  data: string;
}

/**
 * Why a DNS server was asked: it is in /etc/resolv.conf (what the system uses; on Windows, the
 * adapters' servers from dns.getServers(), under the same role name), it was named with
 * --dns-server / settings.dnsServers, or it is Azure-provided DNS (168.63.129.16, or --azure-dns-address).
 */
export type DnsServerRole = 'resolv.conf' | 'custom' | 'azure';

/** A named DNS fault found by comparing resolvers (see docs/verdicts.md for each code). */
export interface DnsDiagnosis {
  code: 'dns_not_forwarded' | 'zone_not_linked' | 'hosts_override';
  /** One sentence: what is wrong and what to change. */
  message: string;
  /** The privatelink zone to link or forward (from the CNAME chain, else the suffix table), when known. */
  zone?: string;
}

/** Outcome of querying one DNS server directly (both A and AAAA). */
export interface DirectAnswer {
  /** "ip:port" of the server asked. */
  server: string;
  /** Why this server was asked (absent in reports of older versions). */
  role?: DnsServerRole;
  /** Transport of the answer that counted: 'udp', or 'tcp' after a truncated UDP answer. */
  transport: 'udp' | 'tcp';
  /** rcode name as dns-packet spells it (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...) or null on timeout/error. */
  rcode: string | null;
  /** ok | nxdomain | nodata | servfail | dns_refused | dns_timeout | dns_unreachable | dns_error | deadline */
  reason: Reason;
  message: string;
  /** CNAME chain from the queried name to the final name, in order. */
  cname: DnsRecord[];
  /** A and AAAA records of the final name. */
  addresses: DnsRecord[];
  ms: number;
  /** Responses dropped because their id or question did not match the query. */
  ignoredResponses?: number;
}

/** Outcome of the system resolver (getaddrinfo: /etc/hosts, nsswitch, resolv.conf). */
export interface SystemAnswer {
  reason: Reason;
  message: string;
  /** getaddrinfo error code when it failed (ENOTFOUND, EAI_AGAIN, ...). */
  code?: string;
  addresses: string[];
  ms: number;
  /** Addresses /etc/hosts lists for the name ([] when none); absent when the file could not be read. */
  hostsFile?: string[];
}

/** Whether an address is in a private range, and which. */
export interface AddressInfo {
  address: string;
  family: 4 | 6;
  private: boolean;
  /** The range that made it private, e.g. "10.0.0.0/8", or null for public. */
  range: string | null;
}

/** Evidence of the DNS layer. */
export interface DnsData {
  name: string;
  /** The host was an IP literal: no lookup was made. */
  literal?: boolean;
  /** Which view decided the verdict and gave the addresses to connect to. */
  authority: 'system' | 'direct' | 'literal';
  system?: SystemAnswer;
  direct?: DirectAnswer[];
  /** The addresses the next layers use, classified. */
  addresses: AddressInfo[];
  /** A named fault found by comparing the resolvers, for names that must be (or are CNAMEd) private. */
  diagnosis?: DnsDiagnosis;
  /** Why the name had to be private (or resolve to private endpoint addresses), and its private DNS zone when known. */
  privateBecause?: { source: PrivateSource; zone?: string };
}

/** Evidence of the TCP layer. */
export interface ConnectData {
  address: string;
  port: number;
  /** errno code when the connection failed (ECONNREFUSED, EHOSTUNREACH, ...). */
  code?: string;
  localAddress?: string;
  /** Where the connection really went when a lab redirect applied ("127.0.0.1:40001"). */
  redirectedTo?: string;
  /** The forward proxy the connection went through ("http://proxy:3128", never credentials); absent when direct. */
  proxy?: string;
  /** Through a proxy: the status line it answered to CONNECT ("HTTP/1.1 200 Connection established"). */
  proxyStatus?: string;
  /** Through a proxy: its Proxy-Agent or Server header, when it sent one. */
  proxyAgent?: string;
  /** Through a proxy that refused: its own error code (squid's X-Squid-Error, e.g. "ERR_DNS_FAIL"). */
  proxyError?: string;
}

/** Evidence of the UDP layer. */
export interface UdpData {
  address: string;
  port: number;
  sentBytes: number;
  /** Bytes of the first reply, when one came. */
  replyBytes?: number;
  code?: string;
  /** Where the datagram really went when a lab redirect applied. */
  redirectedTo?: string;
}

/** A certificate as presented by the peer, whether or not it verified. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex. */
  fingerprint256: string;
  serialNumber?: string;
}

/** Evidence of the TLS layer. */
export interface TlsData {
  servername?: string;
  protocol?: string;
  cipher?: string;
  alpn?: string;
  authorized?: boolean;
  /** OpenSSL/Node verification error code when not authorized (e.g. UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  verifyError?: string;
  /** Leaf first, then issuers as presented. */
  chain?: CertificateInfo[];
  code?: string;
}

/** Evidence of the HTTP layer. */
export interface HttpData {
  url: string;
  status?: number;
  /** Server, Via and similar headers that help spot a proxy or middlebox. */
  headers?: Record<string, string>;
  /** ms from request start to response headers. */
  firstByteMs?: number;
  code?: string;
  /** The forward proxy the request went through (registry discovery; probes record it on the tcp layer). */
  proxy?: string;
  /** A proxy answered the request itself: its own error code (squid's X-Squid-Error, e.g. "ERR_ACCESS_DENIED"). */
  proxyError?: string;
  /** The answer is a known network-rule denial (src/checks/denial-shapes.ts): who said no, and its evidence. */
  denial?: DenialData;
}

/** A recognised denial: the box that answered and what it said, quoted (bounded, printable). */
export interface DenialData {
  /** "Azure Storage", "Azure Key Vault", "Azure Firewall", ... */
  by: string;
  /** Its error code ("AuthorizationFailure", "ForbiddenByFirewall"). */
  code?: string;
  requestId?: string;
  /** The start of its message. */
  message?: string;
}

/** Evidence of the WebSocket layer. */
export interface WebSocketData {
  url: string;
  /** 101 when upgraded, else the HTTP status answered to the upgrade. */
  status?: number;
  headers?: Record<string, string>;
  code?: string;
}

/** Both views of one name, before any expectation is applied. */
export interface NameResolution {
  name: string;
  /** Absent when the system resolver is switched off. */
  system?: SystemAnswer;
  /** One entry per configured DNS server, in configuration order. Empty when there are none. */
  direct: DirectAnswer[];
}

/**
 * The evidence of each layer, by layer name: the keys are the layers (see Layer). A probe kind
 * adds its own entry from its kind file (src/checks/*-kind.ts) by declaration merging, so adding a
 * kind touches nothing here: `declare module '../model/evidence.js' { interface LayerEvidence { smb: SmbData } }`.
 */
export interface LayerEvidence {
  dns: DnsData;
  tcp: ConnectData;
  udp: UdpData;
  tls: TlsData;
  http: HttpData;
  websocket: WebSocketData;
}
