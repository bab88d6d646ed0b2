// The managed virtual network's part of the plan, decided once as data: in approved-only mode the
// canaries that must stay blocked and the workspace's FQDN rules as rows that must answer; in
// either managed mode the private endpoints the network's rules create (each target name must
// resolve privately from inside the managed network); and the findings of --workspace-json (a
// network not provisioned, a rule not active). Checks and the engine only obey the expectations.

import { CLOUDS } from '../azure/clouds.js';
import { parseArmId } from '../azure/arm-id.js';
import type { Endpoint } from '../model/endpoint.js';
import type { ManagedNetworkState, OutboundRule } from '../model/managed-network.js';
import type { BuiltProfile, Cloud } from '../model/profile.js';
import type { EndpointResult } from '../model/result.js';
import { canaryEndpoints, inactive } from './managed-network-canaries.js';
import { managedNetworkFindings } from './managed-network-findings.js';
import type { PlanRows } from './private-endpoint-expectations.js';
import { unprobedResult } from './unprobed-result.js';

/** Adds the managed network's rows to a plan being built; nothing when the profile has no managed network. */
export function applyManagedNetwork(rows: PlanRows, built: BuiltProfile): void {
  const mode = built.profile.managedNetwork;
  const state: ManagedNetworkState = built.managedNetworkState ?? { rules: [], file: '--managed-network' };
  // Without a managed mode the file's status and rules describe no network this run depends on.
  if (mode === undefined || mode === 'disabled') return;
  const notProbed: EndpointResult[] = [...(rows.notProbed ?? []), ...managedNetworkFindings(state)];
  const cloud = built.profile.cloud ?? 'public';
  const ids = new Set(rows.endpoints.map((e) => e.id));
  const add = (endpoint: Endpoint): void => {
    if (ids.has(endpoint.id)) return;
    ids.add(endpoint.id);
    rows.endpoints.push(endpoint);
  };
  if (mode === 'allow-only-approved-outbound') {
    for (const canary of canaryEndpoints(cloud, state.rules)) add(canary);
    for (const rule of state.rules.filter((r) => r.type === 'fqdn' && !inactive(r))) {
      if (rule.destination.startsWith('*.')) notProbed.push(wildcardRuleRow(rule, state.file));
      else add(fqdnRuleEndpoint(rule, state.file));
    }
  }
  for (const rule of state.rules.filter((r) => r.type === 'private_endpoint' && !inactive(r))) {
    for (const host of privateNames(rule, cloud)) expectPrivate(rows, host, rule, state.file, add);
  }
  rows.notProbed = notProbed;
}

/** An FQDN rule of the workspace: Azure Firewall lets HTTPS to it through, so it must answer. */
function fqdnRuleEndpoint(rule: OutboundRule, file: string): Endpoint {
  const host = rule.destination.toLowerCase();
  return {
    id: `fqdn-rule:${rule.name}`,
    host,
    port: 443,
    protocol: 'https',
    path: '/',
    required: true,
    expect: {},
    label: `https://${host}/`,
    meta: {
      scenario: 'managed-network',
      purpose: `allowed by the managed network's FQDN rule '${rule.name}'${rule.category === undefined ? '' : ` (${rule.category})`}`,
      remediation:
        'The rule exists but the path does not work: check that the managed network is provisioned (the first FQDN rule deploys an Azure Firewall, about 10 minutes) and that the rule is Active.',
      sources: [file, 'mvnet2024'],
    },
  };
}

/** A wildcard FQDN rule: shown, since amlprobe does not invent a name under it. */
function wildcardRuleRow(rule: OutboundRule, file: string): EndpointResult {
  return unprobedResult({
    id: `fqdn-rule:${rule.name}`,
    host: rule.destination,
    port: 443,
    protocol: 'https',
    required: false,
    reason: 'informational',
    message: `FQDN rule '${rule.name}' allows ${rule.destination}: add an endpoint under it (https://NAME${rule.destination.slice(1)}/ in --config) to check it`,
    label: rule.destination,
    meta: { scenario: 'managed-network', purpose: `allowed by the managed network's FQDN rule '${rule.name}'`, sources: [file, 'mvnet2024'] },
  });
}

/**
 * The names a private endpoint rule serves, for the targets the managed network makes private
 * endpoints to by itself (mvnet2024: the workspace's storage, key vault and container registry).
 */
export function privateNames(rule: OutboundRule, cloud: Cloud): string[] {
  const id = parseArmId(rule.destination);
  if (id === undefined) return [];
  const table = CLOUDS[cloud];
  const name = id.name.toLowerCase();
  switch (id.type.toLowerCase()) {
    case 'microsoft.storage/storageaccounts': {
      const sub = rule.subresource ?? 'blob';
      return ['blob', 'file', 'queue', 'table', 'dfs', 'web'].includes(sub) && table.storageSuffix !== null ? [`${name}.${sub}.${table.storageSuffix}`] : [];
    }
    case 'microsoft.keyvault/vaults':
      return table.keyVaultSuffix === null ? [] : [`${name}.${table.keyVaultSuffix}`];
    case 'microsoft.containerregistry/registries':
      return table.acrSuffix === null ? [] : [`${name}.${table.acrSuffix}`];
    default:
      return [];
  }
}

/** Every endpoint on `host` must resolve privately; a DNS check when no row covers it. */
function expectPrivate(rows: PlanRows, host: string, rule: OutboundRule, file: string, add: (e: Endpoint) => void): void {
  let covered = false;
  for (const endpoint of rows.endpoints) {
    if (endpoint.host !== host) continue;
    covered = true;
    // Another input that already made the name private keeps its say in the report.
    if (endpoint.expect.private !== true) endpoint.expect = { ...endpoint.expect, private: true, privateSource: 'managed-network' };
  }
  if (covered) return;
  add({
    id: `managed-network-pe:${host}`,
    host,
    port: 0,
    protocol: 'dns',
    path: '',
    required: true,
    expect: { private: true, privateSource: 'managed-network' },
    label: host,
    meta: {
      scenario: 'managed-network',
      purpose: `private endpoint of the managed network's rule '${rule.name}': must resolve to a private address inside the managed network`,
      remediation: 'The managed network creates the private endpoint and its DNS record when it is provisioned: run az ml workspace provision-network, and check the rule is Active.',
      sources: [file, 'mvnet2024'],
    },
  });
}
