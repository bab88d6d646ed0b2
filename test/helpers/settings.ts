// The RunSettings every test starts from: loopback-safe (no system resolver, no DNS server unless a
// test names its own, so nothing ever reaches the machine's resolv.conf) and with a short layer
// timeout. Each test overrides only what it is about.

import type { RunSettings } from '../../src/model/settings.js';

/** Loopback-safe test settings: `overrides` replace the defaults field by field. */
export function testSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    timeoutMs: 400,
    deadlineMs: 10_000,
    concurrency: 4,
    dnsServers: [],
    dnsServersExplicit: false,
    systemResolver: false,
    privateCidrs: [],
    allAddresses: false,
    expectPrivate: false,
    ...overrides,
  };
}
