// Parsed network values the settings carry once the plan has read them (src/dns/parsed-settings.ts):
// a CIDR range and a DNS server address. Parsed by src/net/cidr.ts and src/dns/server-address.ts.

/** A validated CIDR range: network address with host bits clear, and prefix length. */
export interface ParsedCidr {
  /** Canonical text, e.g. "10.0.0.0/8", "fd00::/8". */
  text: string;
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

/** A DNS server to query directly. */
export interface DnsServerAddress {
  /** IP literal, IPv6 without brackets. */
  host: string;
  port: number;
  family: 4 | 6;
}
