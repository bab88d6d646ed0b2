// The lab's fake workspace: one profile (Contoso's ML workspace in East US, behind private
// endpoints) and the plan amlprobe would probe for it, built from the real catalog exactly as
// `amlprobe run` builds it. Nothing here is real: the names only exist inside the lab's DNS.

import { loadCatalog } from '../plan/catalog-load.js';
import { expandCatalog } from '../plan/catalog-expand.js';
import { defaultScenarios } from '../plan/default-scenarios.js';
import type { Endpoint } from '../model/endpoint.js';
import type { WorkspaceProfile } from '../model/profile.js';
import type { IsolationMode } from '../model/managed-network.js';
import { applyManagedNetwork } from '../plan/managed-network-plan.js';
import { LAB_FAULTS } from './lab-faults.js';
import { rowOf } from './lab-network.js';

/** The simulated workspace. Fixed, so that the shipped lab certificates cover its host names. */
export const LAB_PROFILE: Readonly<WorkspaceProfile> = Object.freeze({
  cloud: 'public',
  region: 'eastus',
  workspaceName: 'contoso-ml',
  workspaceId: '7d0c0a8e-41b6-4f5e-9a3c-2b8d1e6f0a11',
  storageAccounts: ['contosomlstore'],
  keyVault: 'contoso-ml-kv',
  containerRegistry: 'contosomlacr',
  privateEndpoints: true,
});

/** The lab's plan: what `amlprobe run` would probe for LAB_PROFILE, and which scenarios that is. */
export interface LabPlan {
  scenarios: string[];
  endpoints: Endpoint[];
}

/**
 * The endpoints of the default scenarios for LAB_PROFILE. Rows that cannot be probed (inbound
 * rules, informational rows, rows needing a compute instance name) are left out: the lab only
 * shows what it can simulate, and `amlprobe catalog` lists the rest.
 */
export function labPlan(managedNetwork?: IsolationMode): LabPlan {
  const catalog = loadCatalog();
  const profile = labProfile(managedNetwork);
  const scenarios = defaultScenarios(profile, catalog);
  const rows = { endpoints: expandCatalog(catalog, profile, { scenarios }).endpoints };
  // The managed network's canaries and private endpoints, decided as `run` decides them.
  applyManagedNetwork(rows, { profile, origin: {} });
  return { scenarios, endpoints: rows.endpoints };
}

/** The lab's profile, in a managed virtual network when asked (disabled is the customer-VNet lab). */
export function labProfile(managedNetwork?: IsolationMode): WorkspaceProfile {
  return managedNetwork === undefined || managedNetwork === 'disabled' ? { ...LAB_PROFILE } : { ...LAB_PROFILE, managedNetwork };
}

/**
 * The subjectAltNames the lab's server certificate needs: for every host the whole catalog yields
 * for LAB_PROFILE, "*.<parent>" (which also covers sibling names a catalog edit may add), or the
 * host itself when its parent is too short for a wildcard (aka.ms, github.com).
 * scripts/make-lab-certs.sh prints these into the certificate.
 */
export function labCertificateNames(): string[] {
  const hosts = expandCatalog(loadCatalog(), { ...LAB_PROFILE }).endpoints.filter((e) => e.protocol !== 'dns').map((e) => e.host);
  const names = new Set<string>();
  for (const host of hosts) {
    const labels = host.split('.');
    names.add(labels.length >= 3 ? `*.${labels.slice(1).join('.')}` : host);
  }
  return [...names].sort();
}

/**
 * The host names a simulated TLS-inspecting firewall forges a certificate for: the hosts of the
 * rows a 'tls-intercept' fault (untrusted CA) or a 'tls-inspected' one (trusted CA) breaks. A real
 * inspecting firewall forges one per server name.
 */
export function labInterceptedHosts(effect: 'tls-intercept' | 'tls-inspected' = 'tls-intercept'): string[] {
  const rows = new Set(LAB_FAULTS.filter((f) => f.effect === effect).map((f) => f.row));
  const hosts = labPlan().endpoints.filter((e) => rows.has(rowOf(e.id))).map((e) => e.host);
  return [...new Set(hosts)].sort();
}
