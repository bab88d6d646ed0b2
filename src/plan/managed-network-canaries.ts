// The canaries of a managed virtual network that allows only approved outbound: destinations no
// rule Azure ML creates by itself allows (mvnet2024, "List of required rules": service tags for
// Entra ID, Azure ML, Batch, ARM, Front Door first party, MCR, Azure Monitor and private endpoints
// to the workspace's own resources), each standing for a way data leaves: a package index, a code
// host, a storage account that is not the workspace's. Expected blocked unless one of the
// workspace's own FQDN rules allows them; then the rule's row expects them open instead.

import type { Endpoint } from '../model/endpoint.js';
import type { Cloud } from '../model/profile.js';
import type { OutboundRule } from '../model/managed-network.js';
import { fqdnCovers } from './private-endpoint-expectations.js';

/** One canary: a destination that stands for a kind of exfiltration path. */
export interface Canary {
  id: string;
  host: string;
  /** Clouds where the name exists (the storage account is a public-cloud one). */
  clouds: readonly Cloud[];
  purpose: string;
}

const ALL_CLOUDS: readonly Cloud[] = ['public', 'china', 'usgov'];

/**
 * The canaries. azureopendatastorage is Microsoft's public Azure Open Datasets account: it exists
 * (a made-up account name would answer NXDOMAIN everywhere and prove nothing) and belongs to no
 * workspace, so reaching it means any storage account can be reached (a Storage service tag rule).
 */
export const CANARIES: readonly Canary[] = [
  { id: 'canary-package-index', host: 'pypi.org', clouds: ALL_CLOUDS, purpose: 'a public package index (pip install): code and data can be pulled in and pushed out' },
  { id: 'canary-package-files', host: 'files.pythonhosted.org', clouds: ALL_CLOUDS, purpose: "the package index's file host" },
  { id: 'canary-code-host', host: 'github.com', clouds: ALL_CLOUDS, purpose: 'a public code host (git push is an upload)' },
  { id: 'canary-public-storage', host: 'azureopendatastorage.blob.core.windows.net', clouds: ['public'], purpose: 'a storage account that is not the workspace\'s (any account is reachable when the Storage service tag is allowed)' },
];

/** The active FQDN rule that allows `host`, if any. */
export function allowingRule(host: string, rules: readonly OutboundRule[]): OutboundRule | undefined {
  return rules.find((r) => r.type === 'fqdn' && !inactive(r) && fqdnCovers(r.destination.toLowerCase(), host));
}

/** A rule whose status says it is not in force. */
export function inactive(rule: OutboundRule): boolean {
  return rule.status !== undefined && rule.status.toLowerCase() !== 'active';
}

/** The canaries for this cloud that no FQDN rule allows, as required expected-blocked endpoints. */
export function canaryEndpoints(cloud: Cloud, rules: readonly OutboundRule[]): Endpoint[] {
  return CANARIES.filter((c) => c.clouds.includes(cloud) && allowingRule(c.host, rules) === undefined).map((c) => ({
    id: c.id,
    host: c.host,
    port: 443,
    protocol: 'https',
    path: '/',
    required: true,
    expect: { blocked: true },
    label: `https://${c.host}/`,
    meta: {
      scenario: 'managed-network',
      purpose: `canary, must stay blocked: ${c.purpose}`,
      remediation:
        'An exfiltration path is open: find the outbound rule that allows it (az ml workspace outbound-rule list) and remove or narrow it; ' +
        'or add this destination as an FQDN rule if it really is needed (it is then expected open).',
      sources: ['mvnet2024', 'exfil'],
    },
  }));
}
