// The faults the lab plants in its simulated workspace, as data: each one a classic real-world
// failure of a secured Azure ML workspace, the catalog row it breaks, the reason amlprobe must
// report, and what to fix in Azure. The lab's explanation and its exit code are built from these.

import type { Reason } from '../model/reason.js';

/**
 * How a fault is planted. DNS effects change what the lab's DNS answers for the row's host; the
 * others change what listens behind the row's (transport, address, port).
 */
export type FaultEffect =
  /** The private name answers a public address, as when the privatelink zone is not linked. */
  | 'dns-public-answer'
  /** The CNAME into the privatelink zone leads to a name without a record: NXDOMAIN. */
  | 'dns-missing-record'
  /**
   * The DNS server answers the name over UDP truncated (TC), and TCP 53 to it is closed: the
   * retry over TCP that RFC 7766 asks for is refused.
   */
  | 'dns-tcp-blocked'
  /** A peer that accepts the TCP connection and then never says a word. */
  | 'silent-peer'
  /** Nothing listens: the connection is refused (RST). */
  | 'tcp-refused'
  /** Nothing listens on the UDP port: the kernel answers ICMP port unreachable. */
  | 'udp-closed'
  /** A TLS server presenting a certificate forged by "Contoso Firewall Inspection CA". */
  | 'tls-intercept'
  /**
   * The row goes through the lab's forward proxy (LAB_PROXY in lab-network.ts), whose allow list
   * does not have its host: CONNECT draws a 403 page. Only this row is proxied; the rest stay direct.
   */
  | 'proxy-denied'
  /**
   * The row goes through the lab proxy, which allows it but cannot reach it (the target refuses
   * the proxy): squid's 503 with X-Squid-Error ERR_CONNECT_FAIL.
   */
  | 'proxy-target-failed'
  /**
   * A private-endpoint row goes through the lab proxy, which tunnels it to the right place: it
   * works, but the name should have been in NO_PROXY (a warning).
   */
  | 'proxy-private-name'
  /**
   * A TLS server presenting a certificate from "Contoso Trusted Inspection CA", a CA the client
   * trusts (installed in its store) but not a public one: the connection works, a middlebox reads
   * it (a warning).
   */
  | 'tls-inspected'
  /**
   * The name answers the resource's public address (no private endpoint for this sub-resource),
   * and the public endpoint's firewall refuses: an HTTPS server answering as Azure Storage does.
   */
  | 'service-firewall'
  /**
   * A destination the plan expects blocked (a managed network's canary) answers after all: the
   * lab lets it through to a healthy server instead of refusing it (lab-network.ts).
   */
  | 'exfiltration-open';

/** True for the effects planted in DNS rather than behind an address. */
export function isDnsEffect(effect: FaultEffect): effect is 'dns-public-answer' | 'dns-missing-record' | 'dns-tcp-blocked' {
  return effect === 'dns-public-answer' || effect === 'dns-missing-record' || effect === 'dns-tcp-blocked';
}

/** One planted fault. Its texts may use {host}, {port}, {zone}, {publicZone}, {serviceTag} and {proxy}. */
export interface LabFault {
  id: string;
  /** A few words: "privatelink zone not linked". */
  title: string;
  /** What the lab pretends happened in the workspace, one or two sentences. */
  simulates: string;
  /** The catalog row it breaks (every endpoint of the row, and of anything sharing its host or port). */
  row: string;
  effect: FaultEffect;
  /** The reason amlprobe must report for every endpoint the fault touches. */
  expected: Reason;
  /** The status it must come with: fail unless said (tls_inspected and proxy_private_name warn). */
  expectedStatus?: 'warn';
  /** What to change in Azure, starting "In Azure:". */
  fix: string;
  /** Where the lab's simulation differs from a real network, said plainly. */
  caveat?: string;
}

/** The faults `amlprobe lab` plants unless --no-faults is given, in the order they are explained. */
export const LAB_FAULTS: readonly LabFault[] = [
  {
    id: 'zone-not-linked',
    title: 'privatelink zone not linked',
    simulates:
      'The workspace has a private endpoint, but the notebooks private DNS zone is not linked to the VNet, so the name falls through to public DNS.',
    row: 'notebooks',
    effect: 'dns-public-answer',
    expected: 'public_ip',
    fix:
      'In Azure: link {zone} to the VNet the clients use (Private DNS zone > Virtual network links); ' +
      'with a custom DNS server, forward {publicZone} to 168.63.129.16.',
  },
  {
    id: 'missing-record',
    title: 'private endpoint record missing',
    simulates:
      'The key vault has a private endpoint and its zone is linked, but the A record was never created (the endpoint was made without DNS integration).',
    row: 'keyvault',
    effect: 'dns-missing-record',
    expected: 'nxdomain',
    fix: "In Azure: add the private endpoint's DNS zone group (or an A record with the endpoint's private IP) in {zone}.",
  },
  {
    id: 'dependency-zone-not-linked',
    title: 'dependency behind a private endpoint, zone not linked',
    simulates:
      'The container registry has a private endpoint (its name CNAMEs into {zone}), but that zone is not linked to the VNet, ' +
      'so the name ends at the public address and the registry firewall refuses image pulls. The catalog does not require it private: ' +
      'the CNAME into its own zone proves the private endpoint.',
    row: 'acr',
    effect: 'dns-public-answer',
    expected: 'public_ip',
    fix:
      'In Azure: link {zone} to the VNet the clients use (Private DNS zone > Virtual network links); ' +
      'with a custom DNS server, forward {publicZone} to 168.63.129.16.',
  },
  {
    id: 'dns-tcp-blocked',
    title: 'DNS over TCP blocked',
    simulates:
      'The custom DNS server answers {host} with more than fits in one UDP datagram and sets the truncation flag; the retry over TCP 53 ' +
      'that every client makes then is refused, because the NSG or firewall between the VNet and the DNS server allows only UDP 53.',
    row: 'regional-api',
    effect: 'dns-tcp-blocked',
    expected: 'dns_tcp_blocked',
    fix:
      'In Azure: allow TCP 53 as well as UDP 53 from the VNet to the custom DNS servers (NSG rules, Azure Firewall network rules, the DNS ' +
      "server's own firewall); large answers (long CNAME chains, many records) always come over TCP.",
    caveat:
      'The lab truncates this one answer on purpose and closes its TCP 53 (refused); a real firewall usually drops TCP 53 instead, which ' +
      'amlprobe reports the same way after one timeout.',
  },
  {
    id: 'dropped',
    title: 'traffic silently dropped',
    simulates: 'An NSG or firewall drops the traffic to {host} without answering.',
    row: 'arm',
    effect: 'silent-peer',
    expected: 'tls_timeout',
    fix: 'In Azure: allow outbound TCP {port} to the {serviceTag} service tag on the NSG and the firewall (or {host} in an application rule).',
    caveat:
      'On a real network the dropped SYN shows as tcp_timeout. Dropping a SYN on loopback needs root, so the lab accepts ' +
      'the connection and then stays silent: amlprobe reports tls_timeout, as it would for a middlebox that does the same.',
  },
  {
    id: 'refused',
    title: 'port refused',
    simulates: 'TCP {port} (SMB) to the storage account is refused: a firewall on the path rejects it, as many corporate and ISP firewalls do.',
    row: 'storage-file-smb',
    effect: 'tcp-refused',
    expected: 'tcp_refused',
    fix: 'In Azure: open TCP {port} from the compute subnet to the storage account (its file private endpoint) on every NSG and firewall in between.',
  },
  {
    id: 'udp-closed',
    title: 'UDP port closed',
    simulates: 'UDP {port} to {host} draws an ICMP port unreachable: a firewall rejects it.',
    row: 'tundra',
    effect: 'udp-closed',
    expected: 'udp_closed',
    fix:
      'In Azure: allow outbound UDP {port} to the {serviceTag} service tag; compute instances need it to be created, updated and deleted.',
  },
  {
    id: 'tls-inspection',
    title: 'TLS inspection',
    simulates:
      'A firewall decrypts HTTPS to {host} and re-signs it with "Contoso Firewall Inspection CA", which the client does not trust.',
    row: 'mcr',
    effect: 'tls-intercept',
    expected: 'tls_untrusted',
    fix:
      'In Azure: exempt {host} and *.data.mcr.microsoft.com from TLS inspection on the firewall, or trust the inspection CA in every ' +
      'image build and compute node (docker pulls fail with "x509: certificate signed by unknown authority").',
  },
  {
    id: 'proxy-denied',
    title: 'proxy denies a host',
    simulates:
      'Traffic to {host} goes through the Contoso egress proxy ({proxy}), whose allow list lacks it: the proxy answers CONNECT with 403 Forbidden.',
    row: 'graph',
    effect: 'proxy-denied',
    expected: 'proxy_denied',
    fix:
      'In Azure: allow {host}:{port} on the proxy (its allow list, or an Azure Firewall application rule for the FQDN when the ' +
      'firewall is the proxy); if it must go direct instead, add {host} to NO_PROXY on the clients and allow it on the NSG.',
  },
  {
    id: 'storage-firewall',
    title: 'storage firewall refuses the client',
    simulates:
      'The storage account allows only selected networks and has no private endpoint for its queue service: {host} resolves to ' +
      'the public endpoint, whose firewall answers 403 AuthorizationFailure.',
    row: 'storage-queue',
    effect: 'service-firewall',
    expected: 'service_firewall_denied',
    fix:
      'In Azure: add a private endpoint for the queue sub-resource (with its DNS zone group in {zone}), or add the compute ' +
      "subnet to the storage account's network rules (Networking > Firewalls and virtual networks).",
  },
  {
    id: 'proxy-target-failed',
    title: 'proxy cannot reach an allowed host',
    simulates:
      "Traffic to {host} goes through the Contoso egress proxy ({proxy}), which allows it, but the proxy's own connection to {host}:{port} " +
      'is refused (a firewall between the proxy and the internet): squid answers 503 with ERR_CONNECT_FAIL.',
    row: 'graph-notebooks',
    effect: 'proxy-target-failed',
    expected: 'proxy_target_failed',
    fix:
      "In Azure: allow outbound TCP {port} to {host} from the proxy's own subnet (its NSG, route table and the firewall it sends through); " +
      'the proxy allow list is not the problem.',
  },
  {
    id: 'proxy-private-name',
    title: 'private endpoint name sent to the proxy',
    simulates:
      'The compute has a proxy set, but NO_PROXY does not list {host}: the name resolves to its private endpoint here, yet the traffic goes to ' +
      'the Contoso egress proxy ({proxy}). The proxy happens to reach it, so this is a warning: a proxy that resolves the name publicly ' +
      "reaches the public endpoint instead, whose firewall refuses.",
    row: 'storage-table',
    effect: 'proxy-private-name',
    expected: 'proxy_private_name',
    expectedStatus: 'warn',
    fix:
      'In Azure: add {host} (or the storage suffix, .core.windows.net) and 169.254.169.254 to NO_PROXY and no_proxy wherever the proxy ' +
      "is set (the compute's environment, the job, the image); with a proxy per endpoint in amlprobe's config, set proxy: none on it.",
  },
  {
    id: 'tls-inspected',
    title: 'TLS inspection with a trusted CA',
    simulates:
      'A firewall decrypts HTTPS to {host} and re-signs it with "Contoso Trusted Inspection CA", which the client trusts: ' +
      'connections work, but a middlebox reads them, and clients that pin Microsoft\'s roots or keep their own store (conda, Java, Docker) fail.',
    row: 'studio-web',
    effect: 'tls-inspected',
    expected: 'tls_inspected',
    expectedStatus: 'warn',
    fix:
      'In Azure: exempt {host} from TLS inspection on the firewall (Azure Firewall Premium: a TLS inspection bypass for the FQDN), or install ' +
      'the inspection CA in every image build and compute node that talks to it.',
  },
];

/**
 * The fault `amlprobe lab --managed-network allow-only-approved-outbound` plants besides those of
 * LAB_FAULTS whose rows its plan has: one exfiltration path left open among the canaries.
 */
export const MANAGED_NETWORK_FAULTS: readonly LabFault[] = [
  {
    id: 'exfiltration-open',
    title: 'exfiltration path open',
    simulates:
      'The managed network allows only approved outbound, but a user-defined FQDN rule (say *.github.com, added for one repository) lets {host} through: code and data can be pushed out.',
    row: 'canary-code-host',
    effect: 'exfiltration-open',
    expected: 'unexpectedly_open',
    fix:
      'In Azure: find the rule that allows {host} (az ml workspace outbound-rule list --workspace-name WS -g RG) and remove or narrow it ' +
      '(az ml workspace outbound-rule remove --rule NAME ...); mirror the packages or repositories you need privately instead.',
    caveat:
      'On a real managed network the other canaries are dropped (tcp_timeout) or cut after the SNI; dropping a SYN on loopback needs root, ' +
      'so the lab refuses them (tcp_refused), which amlprobe counts as blocked just the same.',
  },
];
