// Run-wide settings the engine and the checks read: parsed from flags, config and environment by the plan.

import type { DnsServerAddress, ParsedCidr } from './address.js';
import type { DnsPacing, SystemLookupPacing } from './dns-pacing.js';
import type { DnsServerRole } from './evidence.js';

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
   * Lab and tests only: SHA-256 fingerprints ("AB:CD:...") of root CAs that count as public besides
   * Node's bundled roots (src/net/public-roots.ts), so a simulated workspace's own CA stands in for
   * the public PKI. Any other root that a Microsoft endpoint's chain ends at is tls_inspected.
   */
  publicRoots?: string[];
  /**
   * Forward proxy for the run (--proxy / --no-proxy / settings.proxy): 'none', a URL, or absent
   * ('auto': proxyEnv decides). Endpoints with their own `proxy` ignore it. Reports show it without credentials.
   */
  proxy?: string;
  /** http_proxy / https_proxy / no_proxy as read at start (lower-case names win). */
  proxyEnv?: ProxyEnvironment;
}

/**
 * The settings a run uses: the documented ones (what a report shows) and their text values parsed,
 * once, by the plan (src/dns/parsed-settings.ts); the engine adds them to settings made by hand.
 */
export interface PlannedSettings extends RunSettings {
  parsed?: ParsedSettings;
}

/** The settings' text values as the checks use them. */
export interface ParsedSettings {
  /** privateCidrs, parsed. */
  privateRanges: ParsedCidr[];
  /** The DNS servers every name is asked: dnsServers in order, then Azure DNS unless already listed. */
  asked: AskedServer[];
  /** Set by the plan when the system resolver's lookups spend a documented budget (src/plan/dns-pacing.ts). */
  systemPacing?: SystemLookupPacing;
}

/** One DNS server a name is asked, as written, parsed (absent when the text does not parse), and its role. */
export interface AskedServer {
  server: string;
  address?: DnsServerAddress;
  role: DnsServerRole;
  /** How fast it may be asked, set by the plan (src/plan/dns-pacing.ts); absent: the fixed window, no rate. */
  pacing?: DnsPacing;
}

/** The proxy variables of the environment (see src/net/proxy-env.ts). */
export interface ProxyEnvironment {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}
