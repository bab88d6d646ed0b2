// Both views of one name at once: the system resolver and every configured DNS server, in parallel,
// each bounded by the layer timeout. The engine memoises resolveName per run; checks call ctx.resolve.

import type { DirectAnswer, DnsServerRole, NameResolution, SystemAnswer } from '../model/evidence.js';
import type { SystemLookupPacing } from '../model/dns-pacing.js';
import type { PlannedSettings } from '../model/settings.js';
import { lookupHostsFile } from './hosts-file.js';
import { parsedSettings } from './parsed-settings.js';
import { lookupSystem } from './system-lookup.js';
import { lookupDirect, queryServer, type DirectSink } from './wire-query.js';
import { formatDnsServer, parseDnsServer, type DnsServerAddress } from './server-address.js';

export { parseDnsServer, formatDnsServer, type DnsServerAddress } from './server-address.js';

function unexpected(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The servers to ask, with their roles: settings.dnsServers in order, then Azure DNS when
 * settings.azureDns names it and it is not already in the list (src/dns/parsed-settings.ts).
 */
export function serversToAsk(settings: PlannedSettings): { server: string; role: DnsServerRole }[] {
  return parsedSettings(settings).asked.map(({ server, role }) => ({ server, role }));
}

/** The system view plus what the hosts file lists for the name (the evidence for hosts_override). */
async function systemWithHosts(name: string, timeoutMs: number, signal: AbortSignal, pacing: SystemLookupPacing | undefined): Promise<SystemAnswer> {
  const answer = await lookupSystem(name, timeoutMs, signal, pacing).catch(
    (error: unknown): SystemAnswer => ({ reason: 'dns_error', message: `system resolver: ${unexpected(error)}`, addresses: [], ms: 0 }),
  );
  const hosts = lookupHostsFile(name);
  return hosts === undefined ? answer : { ...answer, hostsFile: hosts };
}

/** One name's lookups until every view is in: an object, not a closure per server (wire-query.ts says why). */
class NameLookup implements DirectSink {
  readonly #name: string;
  readonly #asked: readonly { server: string; role: DnsServerRole }[];
  readonly #direct: DirectAnswer[];
  readonly #resolve: (resolution: NameResolution) => void;
  #system: SystemAnswer | undefined;
  #waiting: number;

  constructor(name: string, asked: readonly { server: string; role: DnsServerRole }[], waiting: number, resolve: (resolution: NameResolution) => void) {
    this.#name = name;
    this.#asked = asked;
    this.#direct = new Array<DirectAnswer>(asked.length);
    this.#waiting = waiting;
    this.#resolve = resolve;
  }

  systemAnswered(answer: SystemAnswer): void {
    this.#system = answer;
    this.#finish();
  }

  directAnswered(answer: DirectAnswer, index: number): void {
    // summarizeDirect made the answer for this name alone: the role goes on it, not on a copy.
    answer.role = this.#asked[index]!.role;
    this.#direct[index] = answer;
    this.#finish();
  }

  directFailed(error: unknown, index: number): void {
    const { server, role } = this.#asked[index]!;
    this.#direct[index] = {
      server,
      role,
      transport: 'udp',
      rcode: null,
      reason: 'dns_error',
      message: `query to ${server} failed: ${unexpected(error)}`,
      cname: [],
      addresses: [],
      ms: 0,
    };
    this.#finish();
  }

  #finish(): void {
    if (--this.#waiting > 0) return;
    const system = this.#system;
    this.#resolve(system === undefined ? { name: this.#name, direct: this.#direct } : { name: this.#name, system, direct: this.#direct });
  }
}

/**
 * Resolves `name` through the system view (when enabled), every DNS server in settings and Azure
 * DNS when asked; each direct answer records its role. Never rejects. One promise for the name:
 * the servers' answers come back through sinks (wire-query.ts says why).
 */
export function resolveName(name: string, settings: PlannedSettings, signal: AbortSignal): Promise<NameResolution> {
  const timeoutMs = settings.timeoutMs;
  return new Promise((resolve) => {
    const asked = parsedSettings(settings).asked;
    const waiting = asked.length + (settings.systemResolver ? 1 : 0);
    if (waiting === 0) {
      resolve({ name, direct: [] });
      return;
    }
    const lookup = new NameLookup(name, asked, waiting, resolve);
    if (settings.systemResolver) {
      systemWithHosts(name, timeoutMs, signal, parsedSettings(settings).systemPacing).then(
        (answer) => lookup.systemAnswered(answer),
        (error: unknown) => lookup.systemAnswered({ reason: 'dns_error', message: `system resolver: ${unexpected(error)}`, addresses: [], ms: 0 }),
      );
    }
    for (let index = 0; index < asked.length; index++) {
      const { server, address, pacing } = asked[index]!;
      try {
        lookupDirect(address ?? server, name, timeoutMs, signal, lookup, index, pacing);
      } catch (error) {
        lookup.directFailed(error, index);
      }
    }
  });
}

/**
 * Pre-flight for a user-named DNS server: one "." NS query (every recursive resolver and forwarder
 * answers it, whatever the zone setup). Any well-formed response counts, even REFUSED: the server
 * speaks DNS, and per-name answers will tell the rest. Returns null, or why the server is unusable:
 * unreachable (ICMP port unreachable), silent, or not a DNS server.
 */
export async function checkDnsServer(server: string, timeoutMs: number): Promise<string | null> {
  let target: DnsServerAddress;
  try {
    // The servers checked here are the ones the user named (--dns-server, or the config's
    // dnsServers, both parsed before): a message names the flag, as it always has.
    target = parseDnsServer(server, '--dns-server');
  } catch (error) {
    return unexpected(error);
  }
  const label = formatDnsServer(target);
  const outcome = await queryServer(server, '.', 'NS', timeoutMs, new AbortController().signal);
  // No route from here, or a kernel that will not send there (a broadcast address, a local
  // firewall), is what the run is for: every name reports it with the errno (dns_unreachable,
  // dns_error). A finding about this machine, not a mistyped flag, so the run goes on.
  if (outcome.ok || outcome.failure === 'no_route' || outcome.failure === 'local') return null;
  switch (outcome.failure) {
    case 'timeout':
    case 'aborted':
      return `DNS server ${label} did not answer a test query within ${timeoutMs} ms: check the address, and that UDP and TCP 53 are allowed to it`;
    case 'invalid':
      return `${label} is not a DNS server: it answered a test query with ${outcome.ignored.notDns} packet(s) that are not DNS responses`;
    case 'unreachable':
      return `DNS server ${label} is unreachable: nothing listens on UDP port ${target.port} there (ICMP port unreachable)`;
    default:
      return `DNS server ${label} cannot be queried: ${outcome.message}`;
  }
}
