// What an endpoint is: a host, a port and a protocol, the layers the protocol goes through, and
// what the endpoint must look like to pass. Made by the plan (config, catalog, targets); read by all.

/** How an endpoint is spoken to; decides which layers run (see LAYERS_BY_PROTOCOL). */
export type Protocol = 'dns' | 'tcp' | 'udp' | 'tls' | 'http' | 'https' | 'ws' | 'wss' | 'smb';

/** One step of a probe, in the order they run. */
export type Layer = 'dns' | 'tcp' | 'udp' | 'tls' | 'http' | 'websocket' | 'smb';

/** What an endpoint must look like to pass, beyond "it answers". Kept apart from how to reach it. */
export interface Expectations {
  /** Every address the name resolves to must be private (RFC 1918, RFC 6598, ULA, --private-cidr). */
  private?: boolean;
  /** The name must resolve to exactly these addresses (order ignored). */
  addresses?: string[];
  /** HTTP statuses that count as pass; when absent any HTTP answer proves reachability. */
  httpStatus?: number[];
  /** UDP: silence is a failure rather than a warning. */
  udpReply?: boolean;
}

/** Free-form facts carried from the catalog to the reports (scenario, remediation, source, ...). */
export interface EndpointMeta {
  scenario?: string;
  purpose?: string;
  remediation?: string;
  sources?: string[];
  serviceTag?: string;
  privateDnsZone?: string;
  note?: string;
}

/** One concrete thing to probe: a host, a port and a protocol, plus what it is expected to do. */
export interface Endpoint {
  /** Stable identifier: from the config/catalog, or derived from the target for ad hoc checks. */
  id: string;
  /** Host name (lower case, no trailing dot) or IP literal (IPv6 without brackets). */
  host: string;
  /** 0 for dns-only endpoints. */
  port: number;
  protocol: Protocol;
  /** Request path for http(s)/ws(s), starting with '/'. */
  path: string;
  /** A failed required endpoint makes the exit code 1. */
  required: boolean;
  expect: Expectations;
  /** Forward proxy: 'auto' (default: the run's --proxy or environment), 'none', or "http://host:port". */
  proxy?: string;
  /** UDP datagram to send; defaults to DEFAULT_UDP_PAYLOAD. */
  udpPayload?: Buffer;
  /** The original target text or catalog template, for reports. */
  label?: string;
  meta?: EndpointMeta;
}

/** The payload sent to UDP endpoints that do not set one. */
export const DEFAULT_UDP_PAYLOAD = Buffer.from('amlprobe\n');

/** The layers each protocol goes through, in order. A later layer is skipped when an earlier one fails. */
export const LAYERS_BY_PROTOCOL: Record<Protocol, readonly Layer[]> = {
  dns: ['dns'],
  tcp: ['dns', 'tcp'],
  udp: ['dns', 'udp'],
  tls: ['dns', 'tcp', 'tls'],
  http: ['dns', 'tcp', 'http'],
  https: ['dns', 'tcp', 'tls', 'http'],
  ws: ['dns', 'tcp', 'websocket'],
  wss: ['dns', 'tcp', 'tls', 'websocket'],
  smb: ['dns', 'tcp', 'smb'],
};
