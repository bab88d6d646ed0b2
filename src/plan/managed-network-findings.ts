// What --workspace-json says is wrong with the managed network before any packet: a network not
// provisioned yet, and outbound rules that are not active (a private endpoint waiting for its
// connection to be approved). Shown as rows with the documented fix, never probed.

import type { ManagedNetworkState, OutboundRule } from '../model/managed-network.js';
import type { EndpointResult } from '../model/result.js';
import type { Reason } from '../model/reason.js';
import { inactive } from './managed-network-canaries.js';
import { unprobedResult } from './unprobed-result.js';

/** The finding rows for a managed network's state. */
export function managedNetworkFindings(state: ManagedNetworkState): EndpointResult[] {
  const rows: EndpointResult[] = [];
  if (state.status !== undefined && state.status.toLowerCase() !== 'active') {
    rows.push(
      finding('managed-network:status', 'managed network', 'managed_network_not_provisioned', `the managed network's status is ${state.status}, not Active: it is not provisioned yet`, {
        purpose: 'the workspace managed virtual network (its private endpoints and firewall exist once it is provisioned)',
        remediation:
          'Provision the network before creating computes or deployments: az ml workspace provision-network -g RG -n WS (add --include-spark for serverless Spark), ' +
          'then az ml workspace show -n WS -g RG --query managed_network until the status is Active.',
        sources: [state.file, 'mvnet2024'],
      }),
    );
  }
  for (const rule of state.rules.filter(inactive)) rows.push(ruleFinding(rule, state.file));
  return rows;
}

function ruleFinding(rule: OutboundRule, file: string): EndpointResult {
  const target = rule.subresource === undefined ? rule.destination : `${rule.destination} (${rule.subresource})`;
  const fix =
    rule.type === 'private_endpoint'
      ? 'Approve the private endpoint connection on the target resource (portal: the resource > Networking > Private endpoint connections, or az network private-endpoint-connection approve), then az ml workspace provision-network -g RG -n WS.'
      : 'Provision the managed network so the rule takes effect (az ml workspace provision-network -g RG -n WS) and check it with az ml workspace outbound-rule show --rule NAME --workspace-name WS -g RG.';
  return finding(
    `managed-network:rule:${rule.name}`,
    target,
    'outbound_rule_inactive',
    `outbound rule '${rule.name}' (${rule.type.replace('_', ' ')} to ${target}) is ${rule.status ?? 'not active'}, not Active`,
    { purpose: `managed network outbound rule${rule.category === undefined ? '' : ` (${rule.category})`}`, remediation: fix, sources: [file, 'mvnet2024'] },
  );
}

function finding(id: string, label: string, reason: Reason, message: string, meta: NonNullable<EndpointResult['meta']>): EndpointResult {
  return unprobedResult({ id, host: label, port: 0, protocol: 'dns', required: false, reason, message, label, meta: { scenario: 'managed-network', ...meta } }, 'warn');
}
