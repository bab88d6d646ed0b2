// The DNS servers this machine's resolver uses, which amlprobe asks directly beside getaddrinfo
// (role 'resolv.conf' in reports: "the system's own servers", whatever the platform).
//
// Linux and macOS: the nameservers of /etc/resolv.conf. Windows has no such file: its servers are
// set per network adapter (DHCP or static, in the registry under
// HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\{adapter}), and Node's c-ares
// reads them at start-up from the adapters' configuration (GetAdaptersAddresses), so
// dns.getServers() is the list. Reading the registry ourselves would need a native module or
// spawning `reg query`; c-ares already does exactly that job.

// The module object, not a named import: dns.setServers() replaces dns.getServers on it.
import dns from 'node:dns';
import { readResolvConf } from './resolv-conf.js';
import { parseDnsServer } from './server-address.js';

/** What the lookup depends on; tests inject a platform and a server list (there is no Windows here). */
export interface SystemServersContext {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** dns.getServers by default. */
  getServers?: () => string[];
}

/**
 * The system's DNS servers as "ip" or "ip:port" strings, in the resolver's order; [] when none can
 * be found. AMLPROBE_RESOLV_CONF names a resolv.conf to read on every platform (tests, odd setups).
 */
export function systemDnsServers(context: SystemServersContext = {}): string[] {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const override = env.AMLPROBE_RESOLV_CONF;
  if (override !== undefined && override !== '') return readResolvConf(override);
  if (platform !== 'win32') return readResolvConf('/etc/resolv.conf');
  return fromGetServers(context.getServers?.() ?? dns.getServers());
}

/**
 * c-ares writes "10.0.0.4", "10.0.0.4:5353", "fd00::53" or "[fd00::53]:5353"; a zone id
 * ("fe80::1%12") is dropped as in resolv.conf, and anything else is skipped rather than fatal:
 * the user did not type it.
 */
function fromGetServers(servers: string[]): string[] {
  const found: string[] = [];
  for (const raw of servers) {
    const server = raw.replace(/%[^\]]*/, '');
    try {
      parseDnsServer(server, 'the system DNS server');
      found.push(server);
    } catch {
      // not an address this tool can query; the system resolver view still covers it
    }
  }
  return found;
}
