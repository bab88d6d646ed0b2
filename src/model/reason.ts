// The verdict words: a layer's or an endpoint's status, and the stable reason codes that reports,
// docs/verdicts.md and scripts rely on (test/verdicts-doc.test.ts keeps the two in step).

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
  | 'dns_tcp_blocked' // the UDP answer was truncated and DNS over TCP to the same server got no answer
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
  | 'proxy_private_name' // the name resolves to a private address here but goes to the proxy (no NO_PROXY entry matches)
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
  | 'service_firewall_denied' // the Azure resource answered, but its own network rules refused this client
  | 'firewall_denied' // Azure Firewall answered plain HTTP with 470: no application rule allows it
  // websocket
  | 'ws_upgraded'
  | 'ws_rejected'
  | 'ws_timeout'
  | 'ws_failed'
  // registry discovery (the authenticated GET that learns a registry's ID; see src/azure/registry-discovery.ts)
  | 'discovery_no_token' // no access token: no AMLPROBE_TOKEN(_FILE), no Azure CLI login, no managed identity
  | 'discovery_unreachable' // no HTTPS answer from the discovery host (name, connection, TLS or timeout)
  | 'discovery_unauthorized' // 401: the token was refused (expired, wrong tenant or audience)
  | 'discovery_forbidden' // 403: the identity may not read the registry
  | 'discovery_not_found' // 404: no registry of that name in that region
  | 'discovery_malformed' // 200 but no usable registryFqdns in the answer
  | keyof KindReasons;

/**
 * Reason codes a probe kind adds from its own file (src/checks/*-kind.ts) by declaration merging:
 * `declare module '../model/reason.js' { interface KindReasons { smb_rejected: true } }`. Each is
 * documented in docs/verdicts.md like any other (test/verdicts-doc.test.ts reads them there too).
 */
export interface KindReasons {}
