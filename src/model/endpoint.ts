// What an endpoint is: a host, a port and a protocol (whose layers its probe kind decides, in
// src/checks/kinds.ts), and what the endpoint must look like to pass. Made by the plan (config,
// catalog, targets); read by all.

import type { LayerEvidence } from './evidence.js';
import type { PrivateSource } from './private-source.js';
import type { Route } from './route.js';

/**
 * The target schemes, each with its syntax for the reader. Which layers a scheme runs is its
 * probe kind's data (layersOf in src/checks/kinds.ts). A kind adds its schemes from its own file
 * by declaration merging, as it does its layer (LayerEvidence).
 */
export interface Protocols {
  dns: 'dns://name';
  tcp: 'tcp://host:port';
  udp: 'udp://host:port';
  tls: 'tls://host[:port]';
  http: 'http://host[:port][/path]';
  https: 'https://host[:port][/path]';
  ws: 'ws://host[:port][/path]';
  wss: 'wss://host[:port][/path]';
}

/** How an endpoint is spoken to; decides which layers run. */
export type Protocol = keyof Protocols;

/** One step of a probe: one per probe kind (src/checks/kinds.ts), named by LayerEvidence's keys. */
export type Layer = keyof LayerEvidence;

/** What an endpoint must look like to pass, beyond "it answers". Kept apart from how to reach it. */
export interface Expectations {
  /** Every address the name resolves to must be private (RFC 1918, RFC 6598, ULA, --private-cidr). */
  private?: boolean;
  /** Which input made `private` (or `addresses`) an expectation: shown in the DNS evidence. */
  privateSource?: PrivateSource;
  /**
   * The private DNS zone of the name's service (the catalog row's zone, else Microsoft's documented
   * zone for the name's suffix): a CNAME chain into it means a private endpoint exists, so a
   * public final address fails. Absent: never inferred (public names such as the sign-in name,
   * whose chains carry a privatelink label for everyone).
   */
  privateZone?: string;
  /** The name must resolve to exactly these addresses (order ignored). */
  addresses?: string[];
  /** HTTP statuses that count as pass; when absent any HTTP answer proves reachability. */
  httpStatus?: number[];
  /** UDP: silence is a failure rather than a warning. */
  udpReply?: boolean;
  /**
   * A Microsoft endpoint (a catalog row with a service tag, or a host in a Microsoft zone): its
   * certificate chains to a public root, so a chain that verifies only through an added CA is
   * tls_inspected (a warning). Set by the plan (src/plan/finish-endpoints.ts).
   */
  publicRoot?: boolean;
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
  /** Direct or through which proxy: the plan's decision (src/plan/routes.ts) from `proxy` and the run's settings. */
  route?: Route;
  /** UDP datagram to send; defaults to DEFAULT_UDP_PAYLOAD. */
  udpPayload?: Buffer;
  /** The original target text or catalog template, for reports. */
  label?: string;
  meta?: EndpointMeta;
}

/** The payload sent to UDP endpoints that do not set one. */
export const DEFAULT_UDP_PAYLOAD = Buffer.from('amlprobe\n');
