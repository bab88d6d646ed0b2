// Flags, config file and defaults merged into the RunSettings the engine reads.
// Precedence: flag > config file > default. Every value is validated here, once, before any packet.

import { UsageError } from '../errors.js';
import { parseCidr } from '../net/cidr.js';
import { parseDnsServer } from '../dns/server-address.js';
import { readResolvConf } from '../dns/resolv-conf.js';
import { parseDuration } from '../plan/duration.js';
import type { RunSettings } from '../types.js';
import type { Flags } from './args.js';

/** Default per-layer timeout: long enough for a slow TLS handshake across regions, short for a person waiting. */
export const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Default run deadline: five layer timeouts. One endpoint needs at most four layers, so a healthy
 * run never meets it, and a pathological one (every layer stalling just under its timeout) still ends.
 */
export const DEADLINE_TIMEOUTS = 5;

/** Default concurrency: every endpoint of the catalog at once, with room for --all-addresses. */
export const DEFAULT_CONCURRENCY = 256;

const MAX_CONCURRENCY = 10_000;

/** Builds the run's settings from flags and the config file's `settings` section. */
export function buildSettings(flags: Flags, fromConfig: Partial<RunSettings> = {}): RunSettings {
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
  const concurrency = flags.concurrency !== undefined ? parseConcurrency(flags.concurrency) : (fromConfig.concurrency ?? DEFAULT_CONCURRENCY);

  const flagServers = flags['dns-server'] ?? [];
  const configServers = fromConfig.dnsServers ?? [];
  const explicitServers = flagServers.length > 0 ? flagServers : configServers;
  // Validate now so that a typo is exit 2, not a DNS failure on every endpoint.
  for (const server of explicitServers) parseDnsServer(server, flagServers.length > 0 ? '--dns-server' : 'settings.dnsServers');
  const dnsServers = explicitServers.length > 0 ? explicitServers : readResolvConf();

  const privateCidrs = [...(fromConfig.privateCidrs ?? []), ...(flags['private-cidr'] ?? [])];
  for (const cidr of privateCidrs) parseCidr(cidr, '--private-cidr');

  return {
    timeoutMs,
    deadlineMs,
    concurrency,
    dnsServers,
    dnsServersExplicit: explicitServers.length > 0,
    systemResolver: flags['no-system-resolver'] ? false : (fromConfig.systemResolver ?? true),
    privateCidrs,
    allAddresses: flags['all-addresses'] ?? fromConfig.allAddresses ?? false,
    expectPrivate: flags['expect-private'] ?? fromConfig.expectPrivate ?? false,
  };
}

function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got '${text}'.`);
  }
  return value;
}
