// The options asked for, the config file and defaults merged into the RunSettings the engine reads.
// Precedence: option (flag) > config file > default. Every value is validated here, once, before any packet.

import { UsageError } from '../errors.js';
import { parseCidr } from '../net/cidr.js';
import { parseDnsServer } from '../dns/server-address.js';
import { systemDnsServers } from '../dns/system-servers.js';
import { AZURE_DNS_ADDRESS } from '../dns/privatelink-zones.js';
import { parseDuration } from './duration.js';
import { defaultConcurrency, fitConcurrency, readOpenFiles } from './open-files.js';
import { parseProxyUrl, readProxyEnv, validateProxyEnv } from '../net/proxy-env.js';
import type { RunSettings } from '../model/settings.js';
import type { SettingsOptions } from './plan-options.js';

/** Default per-layer timeout: long enough for a slow TLS handshake across regions, short for a person waiting. */
export const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Default run deadline: five layer timeouts. One endpoint needs at most four layers, so a healthy
 * run never meets it, and a pathological one (every layer stalling just under its timeout) still ends.
 */
export const DEADLINE_TIMEOUTS = 5;

/**
 * The most --concurrency accepts, and the most the default (derived from the open-files limit,
 * src/plan/open-files.ts defaultConcurrency) takes: far above any workspace, a bound on a typo.
 */
export const MAX_CONCURRENCY = 100_000;

/**
 * Builds the run's settings from the options, the config file's `settings` section and the proxy
 * variables of `env` (http_proxy, https_proxy, no_proxy; lower-case names win).
 */
export function buildSettings(options: SettingsOptions, fromConfig: Partial<RunSettings> = {}, env: NodeJS.ProcessEnv = process.env): RunSettings {
  const explicitTimeout = options.timeout !== undefined ? parseDuration(options.timeout, '--timeout') : fromConfig.timeoutMs;
  const explicitDeadline = options.deadline !== undefined ? parseDuration(options.deadline, '--deadline') : fromConfig.deadlineMs;
  // `--deadline 2s` alone means "the whole run within 2 s": the default layer timeout shrinks to
  // fit rather than turning a plain request into a usage error.
  const asked = explicitTimeout ?? Math.min(DEFAULT_TIMEOUT_MS, explicitDeadline ?? DEFAULT_TIMEOUT_MS);
  if (asked < 1) throw new UsageError(`--timeout must be at least 1 ms, got '${options.timeout}'.`);
  const askedDeadline = explicitDeadline ?? asked * DEADLINE_TIMEOUTS;
  // Both given and the deadline shorter: most likely the two values were swapped.
  if (askedDeadline < asked) {
    throw new UsageError(
      `the run deadline (${askedDeadline} ms) is shorter than the layer timeout (${asked} ms), so the timeout could never strike; ` +
        'were the two swapped? Raise --deadline or lower --timeout (or give --deadline alone).',
    );
  }
  // A command with its own promise (healthcheck: 10 s) cuts a config's longer deadline to it, so
  // that the pre-run steps get their share of the deadline that holds.
  const cut = options.maxDeadlineMs !== undefined && options.deadline === undefined;
  const deadlineMs = cut ? Math.min(askedDeadline, options.maxDeadlineMs ?? askedDeadline) : askedDeadline;
  const timeoutMs = cut ? Math.min(asked, deadlineMs) : asked;
  const flagServers = options.dnsServers ?? [];
  const configServers = fromConfig.dnsServers ?? [];
  const explicitServers = flagServers.length > 0 ? flagServers : configServers;
  // Validate now so that a typo is exit 2, not a DNS failure on every endpoint.
  for (const server of explicitServers) parseDnsServer(server, flagServers.length > 0 ? '--dns-server' : 'settings.dnsServers');
  const dnsServers = explicitServers.length > 0 ? explicitServers : systemDnsServers({ env });
  const azureDns = azureDnsSetting(options);

  // Never more sockets at once than the open-files limit allows: an EMFILE is no network verdict.
  // Asked for none: as many as that limit allows, so that every dropped endpoint waits at once.
  const allAddresses = options.allAddresses ?? fromConfig.allAddresses ?? false;
  const files = readOpenFiles();
  const shape = { dnsServers: dnsServers.length + (azureDns === undefined ? 0 : 1), allAddresses };
  const requested = options.concurrency !== undefined ? parseConcurrency(options.concurrency) : fromConfig.concurrency;
  const { concurrency, lowered } = requested === undefined ? { concurrency: defaultConcurrency(files, shape, MAX_CONCURRENCY), lowered: undefined } : fitConcurrency(requested, files, shape);

  const privateCidrs = [...(fromConfig.privateCidrs ?? []), ...(options.privateCidrs ?? [])];
  for (const cidr of privateCidrs) parseCidr(cidr, '--private-cidr');

  const proxyEnv = readProxyEnv(env);
  validateProxyEnv(proxyEnv);
  const proxy = proxySetting(options, fromConfig.proxy);

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
    systemResolver: options.noSystemResolver ? false : (fromConfig.systemResolver ?? true),
    privateCidrs,
    allAddresses,
    expectPrivate: options.expectPrivate ?? fromConfig.expectPrivate ?? false,
  };
}

/**
 * Azure-provided DNS to ask besides the other servers: --azure-dns-address (validated), or
 * --azure-dns for 168.63.129.16. Off unless asked: off Azure that address does not answer.
 */
function azureDnsSetting(options: SettingsOptions): string | undefined {
  const address = options.azureDnsAddress;
  if (address !== undefined) {
    parseDnsServer(address, '--azure-dns-address');
    return address.trim();
  }
  return options.azureDns === true ? AZURE_DNS_ADDRESS : undefined;
}

/** --proxy URL / --no-proxy (validated), else the config file's value, else undefined ('auto'). */
function proxySetting(options: SettingsOptions, fromConfig: string | undefined): string | undefined {
  if (options.proxy !== undefined && options.noProxy === true) {
    throw new UsageError("--proxy and --no-proxy contradict each other; give one of them.", '--no-proxy');
  }
  if (options.noProxy === true) return 'none';
  if (options.proxy !== undefined) {
    const text = options.proxy.trim();
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
