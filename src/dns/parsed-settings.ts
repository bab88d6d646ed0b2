// The settings' text values parsed once per run: the private ranges and the DNS servers every name
// is asked, each with its role. The plan attaches them when it finishes the settings
// (src/plan/finish-settings.ts); the engine does for settings made by hand (tests, the lab), so
// the checks read parsed values and never parse a setting again.

import { parseCidr } from '../net/cidr.js';
import type { DnsServerAddress } from '../model/address.js';
import type { DnsServerRole } from '../model/evidence.js';
import type { AskedServer, ParsedSettings, PlannedSettings, RunSettings } from '../model/settings.js';
import { AZURE_DNS_ADDRESS } from './privatelink-zones.js';
import { formatDnsServer, parseDnsServer } from './server-address.js';

/** The settings with their parsed values (replacing any the copy carried over). */
export function withParsedSettings(settings: PlannedSettings): PlannedSettings {
  const { parsed: _stale, ...text } = settings;
  return { ...text, parsed: parseSettings(text) };
}

/** Settings made by hand (tests, the resolver benchmark) parsed once each, not once per name. */
const parsedByHand = new WeakMap<PlannedSettings, ParsedSettings>();

/** The parsed values of the settings: those attached, else parsed now (a check called outside the engine). */
export function parsedSettings(settings: PlannedSettings): ParsedSettings {
  if (settings.parsed !== undefined) return settings.parsed;
  let parsed = parsedByHand.get(settings);
  if (parsed === undefined) {
    parsed = parseSettings(settings);
    parsedByHand.set(settings, parsed);
  }
  return parsed;
}

function parseSettings(settings: RunSettings): ParsedSettings {
  // Validated when the settings were built: a range that does not parse here is an amlprobe bug.
  return { privateRanges: settings.privateCidrs.map((text) => parseCidr(text)), asked: askedServers(settings) };
}

function addressOf(server: string): DnsServerAddress | undefined {
  try {
    return parseDnsServer(server);
  } catch {
    // Only settings made by hand get here; the query reports the text's problem.
    return undefined;
  }
}

/** "ip:port" of a server, or its text when it does not parse. */
function keyOf(server: string, address: DnsServerAddress | undefined): string {
  return address === undefined ? server : formatDnsServer(address);
}

/**
 * dnsServers in order, then Azure DNS when settings.azureDns names it and it is not already in the
 * list. The Azure answer comes last, so the verdict's "first definitive server decides" rule only
 * reaches it when nothing else was asked. A server named 168.63.129.16 (port 53) is Azure DNS
 * whatever list it came from.
 */
function askedServers(settings: RunSettings): AskedServer[] {
  const azure = settings.azureDns;
  const azureAddress = azure === undefined ? undefined : addressOf(azure);
  const azureKey = azure === undefined ? undefined : keyOf(azure, azureAddress);
  const roleOf = (key: string): DnsServerRole => {
    if (key === `${AZURE_DNS_ADDRESS}:53` || (azureKey !== undefined && key === azureKey)) return 'azure';
    return settings.dnsServersExplicit ? 'custom' : 'resolv.conf';
  };
  const asked = settings.dnsServers.map((server): AskedServer & { key: string } => {
    const address = addressOf(server);
    const key = keyOf(server, address);
    return { server, ...(address !== undefined ? { address } : {}), role: roleOf(key), key };
  });
  const servers: AskedServer[] = asked.map(({ key: _key, ...server }) => server);
  if (azure !== undefined && !asked.some((s) => s.key === azureKey)) {
    servers.push({ server: azure, ...(azureAddress !== undefined ? { address: azureAddress } : {}), role: 'azure' });
  }
  return servers;
}
