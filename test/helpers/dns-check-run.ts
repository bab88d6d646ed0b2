// Runs the real DNS layer the way the engine does, for the DNS verdict and diagnosis tests: the
// endpoint finished by the plan's rules (--expect-private stamped on it), a context whose resolve()
// is the real resolveName with the run's settings, and one checkDns call.

import { checkDns } from '../../src/checks/dns.js';
import { resolveName } from '../../src/dns/resolve-name.js';
import { finishEndpoints } from '../../src/plan/finish-endpoints.js';
import type { Endpoint, Expectations } from '../../src/model/endpoint.js';
import type { DnsData } from '../../src/model/evidence.js';
import type { LayerResult } from '../../src/model/result.js';
import type { RunSettings } from '../../src/model/settings.js';
import type { CheckContext, ProbeState } from '../../src/model/check.js';

/** A context as the engine builds it: resolve() is resolveName with the run's settings. */
export function dnsContext(settings: RunSettings, signal = new AbortController().signal): CheckContext {
  return { settings, signal, resolve: (name) => resolveName(name, settings, signal) };
}

/** An https endpoint on port 443 for `host` with `expect`: the DNS layer reads only those. */
export function dnsEndpoint(host: string, expect: Expectations = {}): Endpoint {
  return { id: host, host, port: 443, protocol: 'https', path: '/', required: true, expect };
}

/** One checkDns for `host`: its result, the state it left for the next layer, and its DnsData. */
export async function runDnsCheck(
  host: string,
  expect: Expectations,
  settings: RunSettings,
): Promise<{ result: LayerResult; state: ProbeState; data: DnsData }> {
  const state: ProbeState = {};
  const [endpoint = dnsEndpoint(host, expect)] = finishEndpoints([dnsEndpoint(host, expect)], settings);
  const result = await checkDns(endpoint, state, dnsContext(settings));
  return { result, state, data: result.data as DnsData };
}
