// The cause table, as data: for each reason code, what its failures share (read from the result's
// evidence: the zone, the proxy, the service tag or FQDN rule, the resource, the DNS server, the
// certificate's issuer), and the one summary and fix for all of them. A reason not in the table
// falls back to the proxy it went through, else its host. A new reason code gets its row here
// when its failures share something else (docs/verdicts.md, "Causes").

import type { Reason } from '../model/reason.js';
import type { EndpointResult } from '../model/result.js';
import { publicParentOf } from '../dns/privatelink-zones.js';
import { deniedByOf, deniedResourceOf, failedDnsServerOf, firewallRuleOf, issuerOf, listed, proxyOf, zoneOf } from './cause-evidence.js';

/** What a cause's texts are built from: the value its failures share, and the failures. */
export interface Shared {
  /** The value from `key` ("privatelink.vaultcore.azure.net", "http://10.1.250.4:3128", "tag Storage tcp"). */
  value: string;
  results: readonly EndpointResult[];
}

/** One row of the table. */
export interface CauseRule {
  /** The id's prefix: rows with the same group and the same shared value are one cause. */
  group: string;
  /** The shared value, from the result's evidence; undefined falls back to the proxy, else the host. */
  key: (result: EndpointResult) => string | undefined;
  summary: (shared: Shared) => string;
  fix: (shared: Shared) => string;
}

const hosts = (s: Shared): string => listed(s.results.map((r) => r.host));
const names = (s: Shared): string => `${s.results.length === 1 ? '' : `${new Set(s.results.map((r) => r.host)).size} names: `}${hosts(s)}`;
const hostPorts = (s: Shared): string => listed(s.results.map((r) => `${r.host}:${r.port}`));
const ports = (s: Shared): string => listed(s.results.map((r) => String(r.port)), 6);

/** A zone-shaped value: "privatelink.x" or, when no zone is known, the name itself. */
const zoneKey = (r: EndpointResult): string | undefined => zoneOf(r);
const parent = (s: Shared): string => publicParentOf(s.value);

function dnsServerRule(what: string, fix: string): CauseRule {
  return {
    group: 'dns-server',
    key: failedDnsServerOf,
    summary: (s) => `DNS server ${s.value} ${what} (${names(s)}).`,
    fix: () => fix,
  };
}

/** A connection that a firewall, an NSG or a route stops: one rule per service tag, else per FQDN. */
function blockedRule(what: string): CauseRule {
  return {
    group: 'blocked',
    key: firewallRuleOf,
    summary: (s) => {
      const [kind, subject, transport] = s.value.split(' ');
      const proto = (transport ?? 'tcp').toUpperCase();
      return kind === 'tag'
        ? `Outbound ${proto} ${ports(s)} to the ${subject ?? ''} service tag ${what}: ${hosts(s)}.`
        : `${proto} ${ports(s)} to ${subject ?? ''} ${what}.`;
    },
    fix: (s) => {
      const [kind, subject, transport] = s.value.split(' ');
      const proto = (transport ?? 'tcp').toUpperCase();
      return kind === 'tag'
        ? `Allow outbound ${proto} ${ports(s)} to the ${subject ?? ''} service tag on every NSG and firewall between the client and Azure.`
        : `Allow ${proto} ${ports(s)} to ${subject ?? ''} on every NSG and firewall in between (an application rule for the FQDN, or a network rule for its private endpoint's address).`;
    },
  };
}

/**
 * One proxy's failures of one kind. Each kind has its own group: a proxy that refuses some hosts
 * and cannot reach others has two causes with two fixes (its allow list, its own way out).
 */
function proxyRule(group: string, what: string, fix: (s: Shared) => string): CauseRule {
  return { group, key: proxyOf, summary: (s) => `The proxy ${s.value} ${what} (${hostPorts(s)}).`, fix };
}

/** The same fix for the whole run: deadline, bugs, this machine's limits, registry discovery. */
function runRule(summary: string, fix: string): CauseRule {
  return { group: 'run', key: (r) => r.reason, summary: (s) => `${summary} (${names(s)}).`, fix: () => fix };
}

const blocked = {
  tcp_timeout: blockedRule('is dropped: no answer to the connection'),
  unreachable: blockedRule('has no route: a router or firewall answers unreachable'),
  tcp_refused: blockedRule('is refused (a firewall rejects it, or nothing listens)'),
  reset: blockedRule('is reset by something on the path'),
  tcp_error: blockedRule('fails to connect'),
  udp_closed: blockedRule('is rejected (ICMP port unreachable)'),
  udp_open_or_filtered: blockedRule('gets no answer (dropped, or the service stays silent)'),
  tls_timeout: blockedRule('is accepted, then stays silent: a firewall or middlebox holds the TLS handshake'),
} as const satisfies Partial<Record<Reason, CauseRule>>;

/** The table: every reason whose failures share something more telling than their host. */
export const CAUSE_RULES: Partial<Record<Reason, CauseRule>> = {
  public_ip: {
    group: 'zone-public',
    key: zoneKey,
    summary: (s) => `Names in ${s.value} resolve to public addresses: the private DNS zone is not linked to the VNet, or not forwarded to it (${names(s)}).`,
    fix: (s) => `Link ${s.value} to the VNet the clients use (Private DNS zone > Virtual network links); with a custom DNS server, forward ${parent(s)} to 168.63.129.16.`,
  },
  zone_not_linked: {
    group: 'zone-public',
    key: zoneKey,
    summary: (s) => `Azure DNS answers public for names in ${s.value}: the private DNS zone is not linked to this VNet (${names(s)}).`,
    fix: (s) => `Link ${s.value} to the VNet the clients use (Private DNS zone > Virtual network links).`,
  },
  dns_not_forwarded: {
    group: 'zone-forward',
    key: zoneKey,
    summary: (s) => `The custom DNS server answers public for names in ${s.value}, where Azure DNS answers private: it does not forward ${parent(s)} (${names(s)}).`,
    fix: (s) => `On the custom DNS server, add a conditional forwarder for ${parent(s)} to 168.63.129.16 (from a VM in a VNet linked to ${s.value}).`,
  },
  unexpected_ip: {
    group: 'zone-records',
    key: zoneKey,
    summary: (s) => `Names in ${s.value} resolve to other addresses than their private endpoints' (${names(s)}).`,
    fix: (s) => `Correct the A records in ${s.value} (or the hosts file and custom DNS) to the private endpoints' IPs; the private endpoint's DNS zone group keeps them right.`,
  },
  nxdomain: {
    group: 'zone-missing',
    key: zoneKey,
    summary: (s) => `Records are missing in ${s.value}: the names do not exist there (${names(s)}).`,
    fix: (s) => `Add the private endpoint's DNS zone group (or A records with its private IPs) in ${s.value}; if the zone is right, check that the resource and its private endpoint exist.`,
  },
  nodata: {
    group: 'zone-missing',
    key: zoneKey,
    summary: (s) => `Names in ${s.value} exist but have no address record (${names(s)}).`,
    fix: (s) => `Add the A records with the private endpoints' IPs in ${s.value} (the private endpoint's DNS zone group does it).`,
  },
  hosts_override: {
    group: 'hosts-file',
    key: () => '/etc/hosts',
    summary: (s) => `/etc/hosts overrides DNS for ${names(s)}.`,
    fix: () => 'Remove the stale lines from /etc/hosts (or correct them to the private endpoints\' IPs).',
  },
  servfail: dnsServerRule('fails to answer: SERVFAIL', 'Check the DNS server\'s forwarders and their reachability (a forwarder to 168.63.129.16 only works from inside Azure).'),
  dns_refused: dnsServerRule('refuses the queries', 'Allow this client\'s subnet in the DNS server\'s ACL (allow-query / recursion clients).'),
  dns_timeout: dnsServerRule('does not answer', 'Allow UDP and TCP 53 from the clients to the DNS server on every NSG and firewall, and check that it runs.'),
  dns_unreachable: dnsServerRule('cannot be reached: no route', 'Add a route from the clients to the DNS server (VNet peering, UDR), or set the VNet\'s DNS servers to one they can reach.'),
  dns_tcp_blocked: dnsServerRule('answers over UDP, but TCP 53 to it is blocked (large answers are truncated)', 'Allow TCP 53 (not only UDP) from the clients to the DNS server on every NSG and firewall.'),
  dns_error: dnsServerRule('answers with an error', 'Check the DNS server\'s logs for the names below; see dns_error in docs/verdicts.md.'),
  ...blocked,
  proxy_unreachable: proxyRule('proxy-unreachable', 'cannot be reached', () => 'Check the proxy address (--proxy, https_proxy) and allow TCP to it from the clients.'),
  proxy_auth_required: proxyRule('proxy-auth', 'wants credentials', () => 'Give the proxy\'s credentials in the proxy URL (http://user:password@proxy:port), or exempt these hosts from authentication.'),
  proxy_denied: proxyRule('proxy', 'refuses to tunnel', (s) => `Allow ${hostPorts(s)} on ${s.value} (its allow list, or an Azure Firewall application rule when the firewall is the proxy); or send them direct with NO_PROXY and allow them on the NSG.`),
  proxy_target_failed: proxyRule('proxy-target', 'cannot reach the targets', (s) => `Allow ${hostPorts(s)} on the proxy's own way out (its firewall, DNS and routes).`),
  proxy_failed: proxyRule('proxy-protocol', 'does not answer CONNECT as an HTTP proxy', () => 'Check that the proxy address names an HTTP forward proxy that supports CONNECT.'),
  proxy_private_name: {
    group: 'no-proxy',
    key: proxyOf,
    summary: (s) => `Names that resolve to private addresses here are sent to the proxy ${s.value} instead of direct (${names(s)}).`,
    fix: (s) => `Add their suffixes to NO_PROXY on every client (the message under each row names them), so ${hosts(s)} go direct to the private endpoints.`,
  },
  tls_untrusted: {
    group: 'tls-issuer',
    key: issuerOf,
    summary: (s) => `TLS to ${hosts(s)} is signed by ${s.value}, which this client does not trust: TLS inspection, or a missing CA.`,
    fix: (s) => `Exempt ${hosts(s)} from TLS inspection on the firewall, or trust ${s.value} on every client and image (--ca-file, NODE_EXTRA_CA_CERTS, the system store).`,
  },
  tls_name_mismatch: {
    group: 'tls-issuer',
    key: issuerOf,
    summary: (s) => `TLS to ${hosts(s)} presents a certificate for other names, issued by ${s.value}: the traffic reaches another server or a middlebox.`,
    fix: () => 'Check DNS and routing for these names (does the address belong to the resource?), and any TLS inspection rule on the way.',
  },
  service_firewall_denied: {
    group: 'resource',
    key: deniedResourceOf,
    summary: (s) => `${s.value.replace(/ (\S+)$/, " '$1'")} refuses this client by its own network rules (${hostPorts(s)}).`,
    fix: () => "Allow the client's subnet (a virtual network rule) or its public IP on the resource's Networking page, or reach it through its private endpoint (and its privatelink zone).",
  },
  firewall_denied: {
    group: 'firewall',
    key: deniedByOf,
    summary: (s) => `${s.value} has no application rule for ${hostPorts(s)}: it answers 470.`,
    fix: (s) => `Add an application rule on ${s.value} allowing ${hostPorts(s)} (or the service's FQDN tag).`,
  },
  deadline: runRule('The run deadline struck before these finished', 'Raise --deadline, or lower --timeout so that each layer gives up sooner.'),
  internal_error: runRule('amlprobe hit a bug', 'Report it with the JSON report: https://github.com/amlprobe/amlprobe/issues.'),
  local_limit: runRule('This machine ran out of open files', 'Raise the open-files limit (ulimit -n) or lower --concurrency.'),
  discovery_no_token: runRule('Registry discovery had no access token', 'Sign in (az login), give AMLPROBE_TOKEN(_FILE), or use a managed identity.'),
  discovery_unauthorized: runRule('Registry discovery\'s token was refused', 'Get a fresh token for the right tenant (az login --tenant ...).'),
  discovery_forbidden: runRule('Registry discovery is not allowed to read the registries', 'Give the identity Reader on the registries.'),
};

/** Reasons not in the table: failures through one proxy share it; otherwise each host is its own cause. */
export const FALLBACK_RULE: CauseRule = {
  group: 'host',
  key: (r) => `${r.reason} ${proxyOf(r) ?? r.host}`,
  summary: (s) => `${listed(s.results.map((r) => r.reason))} for ${hostPorts(s)}: ${s.results[0]?.message ?? ''}`,
  fix: (s) => s.results.find((r) => r.meta?.remediation !== undefined)?.meta?.remediation ?? `See ${listed(s.results.map((r) => r.reason))} in docs/verdicts.md.`,
};
