// The DNS faults behind most support tickets, named by comparing resolvers. Pure: takes both views
// of a name (with the role of each server) and says which fault explains them, for names that must
// be private or whose CNAME chain enters a privatelink zone:
//   custom DNS answers public, Azure DNS answers private  -> dns_not_forwarded (forward the zone)
//   Azure DNS itself answers public where private is due  -> zone_not_linked (link the zone)
//   the system view matches no server, /etc/hosts has it  -> hosts_override
// A comparison needs both sides: without an Azure DNS answer the first two stay public_ip.

import { canonicalAddress, classifyAddress } from '../net/address.js';
import type { ParsedCidr } from '../net/cidr.js';
import type { DirectAnswer, DnsDiagnosis, NameResolution } from '../model/evidence.js';
import { AZURE_DNS_ADDRESS, privatelinkZoneOf, publicParentOf, zoneFor } from './privatelink-zones.js';

/** What the diagnosis needs to know besides the resolution. */
export interface DiagnosisInput {
  resolution: NameResolution;
  /** The view that decides where to connect. */
  authority: 'system' | 'direct';
  /** The name must resolve privately (expect.private, --expect-private, or expected addresses that are all private). */
  privateExpected: boolean;
  /** Extra private ranges (--private-cidr). */
  cidrs: ParsedCidr[];
  /** The name's private DNS zone as the plan knows it (expect.privateZone): named before any guess. */
  zone?: string;
}

const addressesOf = (answer: DirectAnswer): string[] => answer.addresses.map((r) => r.data);

const listed = (addresses: string[]): string => (addresses.length <= 2 ? addresses.join(', ') : `${addresses.slice(0, 2).join(', ')} +${addresses.length - 2} more`);

/** The server as people know it: "Azure DNS (168.63.129.16:53)", "custom DNS 10.0.0.4:53", "resolv.conf server 10.0.0.4:53". */
function serverName(answer: DirectAnswer): string {
  switch (answer.role) {
    case 'azure':
      return `Azure DNS (${answer.server})`;
    case 'resolv.conf':
      return `resolv.conf server ${answer.server}`;
    default:
      return `DNS server ${answer.server}`;
  }
}

/** Returns the fault that explains the answers, or undefined when none of the three applies. */
export function diagnose(input: DiagnosisInput): DnsDiagnosis | undefined {
  const { resolution, cidrs } = input;
  const isPrivate = (address: string): boolean => classifyAddress(address, cidrs).private;
  const answered = resolution.direct.filter((d) => d.reason === 'ok' && d.addresses.length > 0);
  const allPrivate = (d: DirectAnswer): boolean => addressesOf(d).every(isPrivate);
  const somePublic = (d: DirectAnswer): boolean => addressesOf(d).some((a) => !isPrivate(a));
  const azure = answered.filter((d) => d.role === 'azure');
  const others = answered.filter((d) => d.role !== 'azure');
  const chainZone = resolution.direct.some((d) => d.cname.some((r) => privatelinkZoneOf(r.data) !== undefined));
  const azurePrivate = azure.find(allPrivate);
  // A private Azure DNS answer is itself proof that a private endpoint serves this VNet.
  const relevant = input.privateExpected || chainZone || privatelinkZoneOf(resolution.name) !== undefined || azurePrivate !== undefined;
  if (!relevant) return undefined;
  // Prefer the chain Azure DNS followed: it went through the privatelink zone if anything did.
  const zone = input.zone ?? zoneFor(resolution.name, [...azure, ...resolution.direct].map((d) => d.cname));
  const zoneText = zone ?? `the privatelink zone of ${resolution.name}`;

  const hosts = hostsOverride(resolution, answered);
  if (hosts !== undefined && input.authority === 'system') return { ...hosts, ...(zone === undefined ? {} : { zone }) };

  const publicOther = others.find(somePublic);
  if (azurePrivate !== undefined && publicOther !== undefined) {
    const parent = zone === undefined ? 'its public parent zone' : `its public parent ${publicParentOf(zone)}`;
    return {
      code: 'dns_not_forwarded',
      message:
        `${serverName(publicOther)} answers public ${listed(addressesOf(publicOther))}, Azure DNS answers private ${listed(addressesOf(azurePrivate))}: ` +
        `forward ${zoneText} (or ${parent}) to ${AZURE_DNS_ADDRESS} on your DNS server`,
      ...(zone === undefined ? {} : { zone }),
    };
  }
  const azurePublic = azure.find(somePublic);
  if (input.privateExpected && azurePublic !== undefined) {
    return {
      code: 'zone_not_linked',
      message:
        `Azure DNS answers public ${listed(addressesOf(azurePublic))} for ${resolution.name}: ` +
        `link ${zoneText} to the VNet (a virtual network link on the private DNS zone), or add the private endpoint's record to it`,
      ...(zone === undefined ? {} : { zone }),
    };
  }
  return hosts === undefined ? undefined : { ...hosts, ...(zone === undefined ? {} : { zone }) };
}

/**
 * The system view answered addresses that no server gives (no overlap with any answer) and the
 * hosts file lists the name. When the file could not be read the mismatch alone is the evidence;
 * when it was read and does not list the name, the cause is elsewhere (another resolver).
 */
function hostsOverride(resolution: NameResolution, answered: DirectAnswer[]): DnsDiagnosis | undefined {
  const system = resolution.system;
  if (system === undefined || system.reason !== 'ok' || system.addresses.length === 0 || answered.length === 0) return undefined;
  const fromServers = [...new Set(answered.flatMap(addressesOf))];
  const serverSet = new Set(fromServers.map(canonicalAddress));
  if (system.addresses.some((a) => serverSet.has(canonicalAddress(a)))) return undefined;
  const systemSet = new Set(system.addresses.map(canonicalAddress));
  if (system.hostsFile !== undefined && !system.hostsFile.some((a) => systemSet.has(canonicalAddress(a)))) return undefined;
  const confirmed = system.hostsFile !== undefined;
  return {
    code: 'hosts_override',
    message:
      `an /etc/hosts entry ${confirmed ? '' : 'likely '}overrides DNS for ${resolution.name}: ` +
      `the system resolver gives ${listed(system.addresses)}, the DNS servers give ${listed(fromServers)}`,
  };
}
