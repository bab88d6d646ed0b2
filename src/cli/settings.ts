// Flags, config file and defaults merged into the RunSettings the engine reads.
// Precedence: flag > config file > default. Every value is validated here, once, before any packet.

import { UsageError } from '../errors.js';
import { parseCidr } from '../net/cidr.js';
import { parseDnsServer } from '../dns/server-address.js';
import { systemDnsServers } from '../dns/system-servers.js';
import { AZURE_DNS_ADDRESS } from '../dns/privatelink-zones.js';
import { parseDuration } from '../plan/duration.js';
import { fitConcurrency, readOpenFiles } from '../plan/open-files.js';
import { parseProxyUrl, readProxyEnv, validateProxyEnv } from '../net/proxy-env.js';
import type { RunSettings } from '../model/settings.js';
import type { Flags } from './args.js';

/** Default per-layer timeout: long enough for a slow TLS handshake across regions, short for a person waiting. */
export const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Default run deadline: five layer timeouts. One endpoint needs at most four layers, so a healthy
 * run never meets it, and a pathological one (every layer stalling just under its timeout) still ends.
 */
export const DEADLINE_TIMEOUTS = 5;

/**
 * Default concurrency: the whole catalog at once, and large configs in few rounds: each dropped
 * endpoint holds a slot for a full timeout. 512 kept 5,000 endpoints (a fifth dropped) near 3 T
 * with exact verdicts; 1,024 started flooding a single DNS server (docs/benchmarks.md).
 */
export const DEFAULT_CONCURRENCY = 512;

const MAX_CONCURRENCY = 10_000;

/**
 * Builds the run's settings from flags, the config file's `settings` section and the proxy
 * variables of `env` (http_proxy, https_proxy, no_proxy; lower-case names win).
 */
export function buildSettings(flags: Flags, fromConfig: Partial<RunSettings> = {}, env: NodeJS.ProcessEnv = process.env): RunSettings {
  const explicitTimeout = flags.timeout !== undefined ? parseDuration(flags.timeout, '--timeout') : fromConfig.timeoutMs;
  const explicitDeadline = flags.deadline !== undefined ? parseDuration(flags.deadline, '--deadline') : fromConfig.deadlineMs;
  // `--deadline 2s` alone means "the whole run within 2 s": the default layer timeout shrinks to
  // fit rather than turning a plain request into a usage error.
  const timeoutMs = explicitTimeout ?? Math.min(DEFAULT_TIMEOUT_MS, explicitDeadline ?? DEFAULT_TIMEOUT_MS);
  if (timeoutMs < 1) throw new UsageError(`--timeout must be at least 1 ms, got '${flags.timeout}'.`);
  const deadlineMs = explicitDeadline ?? timeoutMs * DEADLINE_TIMEOUTS;
  // Both given and the deadline shorter: most likely the two values were swapped.
  if (deadlineMs < timeoutMs) {
    throw new UsageError(
      `the run deadline (${deadlineMs} ms) is shorter than the layer timeout (${timeoutMs} ms), so the timeout could never strike; ` +
        'were the two swapped? Raise --deadline or lower --timeout (or give --deadline alone).',
    );
  }
  const requested = flags.concurrency !== undefined ? parseConcurrency(flags.concurrency) : (fromConfig.concurrency ?? DEFAULT_CONCURRENCY);
  // Never more sockets at once than the open-files limit allows: an EMFILE is no network verdict.
  const { concurrency, lowered } = fitConcurrency(requested, readOpenFiles());

  const flagServers = flags['dns-server'] ?? [];
  const configServers = fromConfig.dnsServers ?? [];
  const explicitServers = flagServers.length > 0 ? flagServers : configServers;
  // Validate now so that a typo is exit 2, not a DNS failure on every endpoint.
  for (const server of explicitServers) parseDnsServer(server, flagServers.length > 0 ? '--dns-server' : 'settings.dnsServers');
  const dnsServers = explicitServers.length > 0 ? explicitServers : systemDnsServers({ env });
  const azureDns = azureDnsSetting(flags);

  const privateCidrs = [...(fromConfig.privateCidrs ?? []), ...(flags['private-cidr'] ?? [])];
  for (const cidr of privateCidrs) parseCidr(cidr, '--private-cidr');

  const proxyEnv = readProxyEnv(env);
  validateProxyEnv(proxyEnv);
  const proxy = proxySetting(flags, fromConfig.proxy);

  return {
    ...(proxy === undefined ? {} : { proxy }),
    ...(Object.keys(proxyEnv).length === 0 ? {} : { proxyEnv }),
    timeoutMs,
    deadlineMs,
    concurrency,
    ...(lowered === undefined ? {} : { concurrencyLowered: lowered }),
    dnsServers,
    dnsServersExplicit: explicitServers.length > 0,
    ...(azureDns === undefined ? {} : { azureDns }),
    systemResolver: flags['no-system-resolver'] ? false : (fromConfig.systemResolver ?? true),
    privateCidrs,
    allAddresses: flags['all-addresses'] ?? fromConfig.allAddresses ?? false,
    expectPrivate: flags['expect-private'] ?? fromConfig.expectPrivate ?? false,
  };
}

/**
 * Azure-provided DNS to ask besides the other servers: --azure-dns-address (validated), or
 * --azure-dns for 168.63.129.16. Off unless asked: off Azure that address does not answer.
 */
function azureDnsSetting(flags: Flags): string | undefined {
  const address = flags['azure-dns-address'];
  if (address !== undefined) {
    parseDnsServer(address, '--azure-dns-address');
    return address.trim();
  }
  return flags['azure-dns'] === true ? AZURE_DNS_ADDRESS : undefined;
}

/** --proxy URL / --no-proxy (validated), else the config file's value, else undefined ('auto'). */
function proxySetting(flags: Flags, fromConfig: string | undefined): string | undefined {
  if (flags.proxy !== undefined && flags['no-proxy'] === true) {
    throw new UsageError("--proxy and --no-proxy contradict each other; give one of them.", '--no-proxy');
  }
  if (flags['no-proxy'] === true) return 'none';
  if (flags.proxy !== undefined) {
    const text = flags.proxy.trim();
    if (text === 'none' || text === 'auto') return text === 'none' ? 'none' : undefined;
    parseProxyUrl(text, '--proxy');
    return text;
  }
  return fromConfig === 'auto' ? undefined : fromConfig;
}

function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got '${text}'.`);
  }
  return value;
}
