// The vocabulary shared by every part of amlprobe: what an endpoint is, what a layer answers,
// and the stable reason codes that reports, docs/verdicts.md and scripts rely on.
// Data flows one way: config/catalog -> plan (Endpoint[]) -> engine -> checks (LayerResult) -> reports.

import type { Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { SmbData } from './checks/smb.js';

/** How an endpoint is spoken to; decides which layers run (see LAYERS_BY_PROTOCOL). */
export type Protocol = 'dns' | 'tcp' | 'udp' | 'tls' | 'http' | 'https' | 'ws' | 'wss' | 'smb';

/** One step of a probe, in the order they run. */
export type Layer = 'dns' | 'tcp' | 'udp' | 'tls' | 'http' | 'websocket' | 'smb';

/** The verdict of one layer or of a whole endpoint. */
export type Status = 'pass' | 'fail' | 'warn' | 'skip';

/**
 * Stable reason codes. Every code is documented in docs/verdicts.md; scripts may match on them,
 * so a code is never renamed, only added.
 */
export type Reason =
  // shared
  | 'ok'
  | 'skipped' // an earlier layer failed, or the layer does not apply
  | 'deadline' // the whole-run deadline struck while this layer was running
  | 'internal_error' // a bug in amlprobe; the engine caught it so the run could finish
  | 'local_limit' // this machine's own limit (open files: EMFILE/ENFILE) stopped the layer; not a network verdict
  // catalog rows that are reported but not probed
  | 'needs_input' // a template needs a profile value that is unknown (e.g. the storage account name)
  | 'informational' // an inbound or informational requirement: shown with how to verify it, never probed
  // dns
  | 'nxdomain'
  | 'nodata'
  | 'servfail'
  | 'dns_refused'
  | 'dns_timeout'
  | 'dns_unreachable' // no route from this machine to the DNS server (ENETUNREACH, EHOSTUNREACH, no IPv6)
  | 'dns_error' // any other DNS failure (FORMERR, NOTIMP, malformed answer, socket error)
  | 'public_ip'
  | 'unexpected_ip'
  | 'resolver_mismatch'
  // dns diagnoses: a private name answered wrongly, with the resolver comparison that shows why (src/dns/diagnosis.ts)
  | 'dns_not_forwarded' // a custom DNS server answers public where Azure DNS answers private
  | 'zone_not_linked' // Azure DNS itself answers public for a name that must be private
  | 'hosts_override' // the system view matches no DNS server, and /etc/hosts lists the name
  // tcp / connection, shared by later layers when the peer drops the connection
  | 'tcp_refused'
  | 'tcp_timeout'
  | 'unreachable'
  | 'reset'
  | 'tcp_error'
  // forward proxy (the tcp layer, when the endpoint goes through an HTTP proxy)
  | 'proxy_unreachable' // no TCP connection to the proxy itself (refused, timeout, unreachable, name)
  | 'proxy_auth_required' // 407: the proxy wants (other) credentials
  | 'proxy_denied' // 403 or another 4xx/5xx: the proxy's policy refused the CONNECT
  | 'proxy_target_failed' // 502/503/504 or no answer: the proxy could not reach the target
  | 'proxy_failed' // the proxy's answer was not HTTP, or it closed without answering
  // udp
  | 'udp_closed'
  | 'udp_open_or_filtered'
  | 'udp_error'
  // tls
  | 'tls_untrusted'
  | 'tls_name_mismatch'
  | 'tls_expired'
  | 'tls_timeout'
  | 'tls_failed'
  // http
  | 'http_status'
  | 'http_timeout'
  | 'http_failed'
  // websocket
  | 'ws_upgraded'
  | 'ws_rejected'
  | 'ws_timeout'
  | 'ws_failed'
  // smb (src/checks/smb.ts)
  | 'smb_negotiated' // pass: an SMB2/3 server answered the NEGOTIATE (dialect and signing in the evidence)
  | 'smb_not_smb2' // the peer answered, but not SMB2: SMB1 only, TLS, HTTP, a block page
  | 'smb_timeout' // connected, but no SMB answer within the layer timeout
  | 'smb_failed' // closed or reset mid-exchange, or an SMB2 error answer to the NEGOTIATE
  // registry discovery (the authenticated GET that learns a registry's ID; see src/azure/registry-discovery.ts)
  | 'discovery_no_token' // no access token: no AMLPROBE_TOKEN(_FILE), no Azure CLI login, no managed identity
  | 'discovery_unreachable' // no HTTPS answer from the discovery host (name, connection, TLS or timeout)
  | 'discovery_unauthorized' // 401: the token was refused (expired, wrong tenant or audience)
  | 'discovery_forbidden' // 403: the identity may not read the registry
  | 'discovery_not_found' // 404: no registry of that name in that region
  | 'discovery_malformed'; // 200 but no usable registryFqdns in the answer

/** What an endpoint must look like to pass, beyond "it answers". Kept apart from how to reach it. */
export interface Expectations {
  /** Every address the name resolves to must be private (RFC 1918, RFC 6598, ULA, --private-cidr). */
  private?: boolean;
  /** The name must resolve to exactly these addresses (order ignored). */
  addresses?: string[];
  /** HTTP statuses that count as pass; when absent any HTTP answer proves reachability. */
  httpStatus?: number[];
  /** UDP: silence is a failure rather than a warning. */
  udpReply?: boolean;
}

/** Free-form facts carried from the catalog to the reports (scenario, remediation, source, ...). */
export interface EndpointMeta {
  scenario?: string;
  purpose?: string;
  remediation?: string;
  sources?: string[];
  serviceTag?: string;
  privateDnsZone?: string;
  note?: string;
}

/** One concrete thing to probe: a host, a port and a protocol, plus what it is expected to do. */
export interface Endpoint {
  /** Stable identifier: from the config/catalog, or derived from the target for ad hoc checks. */
  id: string;
  /** Host name (lower case, no trailing dot) or IP literal (IPv6 without brackets). */
  host: string;
  /** 0 for dns-only endpoints. */
  port: number;
  protocol: Protocol;
  /** Request path for http(s)/ws(s), starting with '/'. */
  path: string;
  /** A failed required endpoint makes the exit code 1. */
  required: boolean;
  expect: Expectations;
  /** Forward proxy: 'auto' (default: the run's --proxy or environment), 'none', or "http://host:port". */
  proxy?: string;
  /** UDP datagram to send; defaults to DEFAULT_UDP_PAYLOAD. */
  udpPayload?: Buffer;
  /** The original target text or catalog template, for reports. */
  label?: string;
  meta?: EndpointMeta;
}

/** The payload sent to UDP endpoints that do not set one. */
export const DEFAULT_UDP_PAYLOAD = Buffer.from('amlprobe\n');

/** The layers each protocol goes through, in order. A later layer is skipped when an earlier one fails. */
export const LAYERS_BY_PROTOCOL: Record<Protocol, readonly Layer[]> = {
  dns: ['dns'],
  tcp: ['dns', 'tcp'],
  udp: ['dns', 'udp'],
  tls: ['dns', 'tcp', 'tls'],
  http: ['dns', 'tcp', 'http'],
  https: ['dns', 'tcp', 'tls', 'http'],
  ws: ['dns', 'tcp', 'websocket'],
  wss: ['dns', 'tcp', 'tls', 'websocket'],
  smb: ['dns', 'tcp', 'smb'],
};

/** The verdict of one layer of one endpoint. */
export interface LayerResult {
  layer: Layer;
  status: Status;
  reason: Reason;
  /** Wall time spent in this layer, milliseconds (0 for skipped layers). */
  ms: number;
  /** One short sentence for the matrix cell, e.g. "connection refused". */
  message: string;
  /** Longer explanation for the detail line under a failed row (optional). */
  detail?: string;
  /** The layer's evidence: addresses, CNAME chain, certificate, HTTP status, ... (see *Data types). */
  data?: DnsData | ConnectData | UdpData | TlsData | HttpData | WebSocketData | SmbData;
}

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
}

/** Evidence of the WebSocket layer. */
export interface WebSocketData {
  url: string;
  /** 101 when upgraded, else the HTTP status answered to the upgrade. */
  status?: number;
  headers?: Record<string, string>;
  code?: string;
}

/** The verdict of one endpoint (one address of it with --all-addresses). */
export interface EndpointResult {
  id: string;
  host: string;
  port: number;
  protocol: Protocol;
  path: string;
  required: boolean;
  /** The address the connection layers used (null when DNS failed or for dns-only endpoints). */
  address: string | null;
  status: Status;
  /** The layer that decided a status other than pass, else null. */
  layer: Layer | null;
  /** The deciding layer's reason; for a pass, the last layer's reason (ok, ws_upgraded, ...). */
  reason: Reason;
  message: string;
  ms: number;
  checks: LayerResult[];
  label?: string;
  meta?: EndpointMeta;
}

/** Run-wide settings that checks read (never the CLI's raw flags). */
export interface RunSettings {
  /** Per-layer timeout, ms. */
  timeoutMs: number;
  /** Whole-run deadline, ms from the start of the run. */
  deadlineMs: number;
  /** Maximum endpoints probed at once (fitted to the open-files limit, see concurrencyLowered). */
  concurrency: number;
  /** Set when the open-files limit (ulimit -n) made the plan probe fewer endpoints at once than asked. */
  concurrencyLowered?: { requested: number; openFilesLimit: number };
  /** DNS servers for direct queries, "ip" or "ip:port" (port defaults to 53). */
  dnsServers: string[];
  /** True when dnsServers were named by the user: their answers then decide where to connect. */
  dnsServersExplicit: boolean;
  /**
   * Azure-provided DNS ("ip" or "ip:port"), asked besides dnsServers for comparison only (it never
   * decides where to connect while other servers are asked). Set by --azure-dns / --azure-dns-address.
   */
  azureDns?: string;
  /**
   * azureDns was switched on because amlprobe found itself inside Azure (IMDS or compute instance),
   * not because the user asked: if it does not answer, the run goes on without it.
   */
  azureDnsAuto?: boolean;
  /** Also ask the system resolver (getaddrinfo). Off only in tests and when asked. */
  systemResolver: boolean;
  /** Extra private ranges, CIDR notation. */
  privateCidrs: string[];
  /** Probe every resolved address rather than the first. */
  allAddresses: boolean;
  /** Require a private address for every name in the run. */
  expectPrivate: boolean;
  /**
   * Lab and tests only: "tcp/10.1.0.5:443" -> "127.0.0.1:40001". Reports keep the documented
   * address and port; the data of the TCP/UDP layer records where the packets really went.
   */
  redirects?: Record<string, string>;
  /** Lab only: refuse to dial any address without a redirect, so nothing leaves loopback. */
  redirectOnly?: boolean;
  /**
   * Forward proxy for the run (--proxy / --no-proxy / settings.proxy): 'none', a URL, or absent
   * ('auto': proxyEnv decides). Endpoints with their own `proxy` ignore it. Reports show it without credentials.
   */
  proxy?: string;
  /** http_proxy / https_proxy / no_proxy as read at start (lower-case names win). */
  proxyEnv?: ProxyEnvironment;
}

/** The proxy variables of the environment (see src/net/proxy-env.ts). */
export interface ProxyEnvironment {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/**
 * The part of an AbortSignal a check may use. The engine hands checks a light one (src/abort.ts
 * LayerSignal: two per endpoint, thousands per run); a real AbortSignal fits too. An API that needs
 * a real AbortSignal (undici) gets one from asAbortSignal().
 */
export interface CheckSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What a check may use besides its endpoint: the run's settings, clocks and shared contexts. */
export interface CheckContext {
  settings: RunSettings;
  /** Aborted at the layer timeout or the run deadline, whichever comes first. */
  signal: CheckSignal;
  /** The TLS trust store of the run (system CAs + NODE_EXTRA_CA_CERTS + --ca-file), built once. */
  secureContext?: SecureContext;
  /**
   * Resolves a name through both views, once per run: the engine memoises it so that 60 endpoints
   * on one host cost one lookup. Never rejects.
   */
  resolve: (name: string) => Promise<NameResolution>;
}

/** Both views of one name, before any expectation is applied. */
export interface NameResolution {
  name: string;
  /** Absent when the system resolver is switched off. */
  system?: SystemAnswer;
  /** One entry per configured DNS server, in configuration order. Empty when there are none. */
  direct: DirectAnswer[];
}

/** What earlier layers hand to later ones for one endpoint. */
export interface ProbeState {
  /** The address the connection layers use. */
  address?: string;
  /** Open connection: plain after tcp, TLS after tls. Later layers reuse it; the engine destroys it. */
  socket?: Socket | TLSSocket;
  /** Set by tcp when the connection is a CONNECT tunnel: lets later layers tell the proxy's answers from the target's. */
  proxy?: { display: string; agent?: string };
}

/** A layer check: never throws for a network failure, returns a result; honours ctx.signal. */
export type Check = (endpoint: Endpoint, state: ProbeState, ctx: CheckContext) => Promise<LayerResult>;

/** Counts over a run's results. */
export interface Summary {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  skip: number;
  /** Required endpoints that failed: any makes the exit code 1. */
  requiredFailed: number;
}

/** A whole run, as the JSON report prints it. Bump REPORT_SCHEMA_VERSION on any breaking change. */
export interface Report {
  schemaVersion: number;
  tool: { name: 'amlprobe'; version: string };
  startedAt: string;
  durationMs: number;
  /** True when the run deadline struck before every probe finished. */
  deadlineHit: boolean;
  settings: RunSettings;
  summary: Summary;
  results: EndpointResult[];
  /** The workspace profile the catalog was expanded with, and where each value came from (run only). */
  workspace?: { profile: WorkspaceProfile; origin: Record<string, string> };
  /** Profile values the catalog needed but nobody gave, with the flag that provides each (run only). */
  missingInputs?: { field: string; flag: string; neededBy: string[] }[];
}

export const REPORT_SCHEMA_VERSION = 1;

/** Azure clouds with their own DNS suffixes. */
export type Cloud = 'public' | 'china' | 'usgov';

/** What amlprobe knows about the workspace; fills the catalog's host templates. Every field optional. */
export interface WorkspaceProfile {
  cloud?: Cloud;
  /** ARM region name, lower case: eastus, westeurope, chinaeast2, usgovvirginia. */
  region?: string;
  workspaceName?: string;
  /** Workspace ID (GUID), the "Workspace ID" property in the portal. */
  workspaceId?: string;
  storageAccounts?: string[];
  keyVault?: string;
  containerRegistry?: string;
  computeInstance?: string;
  /** Azure ML registries (name and region; id when known, from discovery). */
  registries?: { name: string; region?: string; id?: string }[];
  /** The workspace is reached through private endpoints: its private names must resolve privately. */
  privateEndpoints?: boolean;
}
