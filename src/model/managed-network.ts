// A workspace's managed virtual network as amlprobe knows it: the isolation mode (a profile value:
// --managed-network, the config, --workspace-json) and, from --workspace-json, the network's
// provisioning status and its outbound rules. The plan turns them into rows (src/plan/managed-network-plan.ts).

/** The isolation modes Azure ML offers, in amlprobe's spelling (CLI: allow_only_approved_outbound, ARM: AllowOnlyApprovedOutbound). */
export type IsolationMode = 'disabled' | 'allow-internet-outbound' | 'allow-only-approved-outbound';

export const ISOLATION_MODES: readonly IsolationMode[] = ['disabled', 'allow-internet-outbound', 'allow-only-approved-outbound'];

/** The three kinds of outbound rule (CLI: fqdn, service_tag, private_endpoint; ARM: FQDN, ServiceTag, PrivateEndpoint). */
export type OutboundRuleType = 'fqdn' | 'service_tag' | 'private_endpoint';

/** One outbound rule of the managed network, whatever shape the file had. */
export interface OutboundRule {
  name: string;
  type: OutboundRuleType;
  /** fqdn: the name (may start with "*."); service_tag: the tag; private_endpoint: the target resource's ARM id. */
  destination: string;
  /** private_endpoint: the sub-resource (blob, file, vault, registry, amlworkspace, ...). */
  subresource?: string;
  /** service_tag: protocol and port ranges as Azure writes them ("TCP", "443, 8080"). */
  protocol?: string;
  portRanges?: string;
  /** Required (Azure ML's own), Recommended, UserDefined or Dependency, as Azure writes it. */
  category?: string;
  /** Active or Inactive, as Azure writes it; absent when the file does not say. */
  status?: string;
}

/** What --workspace-json says about the managed network beyond its isolation mode. */
export interface ManagedNetworkState {
  /** Provisioning status of the network: Active or Inactive; absent when the file does not say. */
  status?: string;
  sparkReady?: boolean;
  rules: OutboundRule[];
  /** The file it came from, for the findings' sources. */
  file: string;
}
