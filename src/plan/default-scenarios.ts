// Which catalog scenarios a run probes when none is named: a policy of the plan, shared by `run`
// (and serve, healthcheck) and the lab, which shows what `run` would probe.

import type { CatalogScenario } from './catalog-load.js';
import type { WorkspaceProfile } from '../model/profile.js';

/**
 * Scenarios probed when none is named: what every secured workspace needs from inside its VNet
 * (compute without public IP is the documented default and the strictest), plus the scenarios the
 * profile shows are in use. The others (AKS, managed online endpoints, ...) are asked for by name.
 */
const ALWAYS: readonly string[] = ['compute-no-public-ip', 'sdk-cli-client', 'studio', 'docker-images'];

/** The default scenario set for a profile, limited to those the catalog has. */
export function defaultScenarios(profile: WorkspaceProfile, catalog: readonly CatalogScenario[]): string[] {
  const wanted = new Set(ALWAYS);
  // In a managed virtual network Azure ML owns the compute's VNet: its rows replace the customer compute subnet's.
  if (profile.managedNetwork !== undefined && profile.managedNetwork !== 'disabled') {
    wanted.delete('compute-no-public-ip');
    wanted.add('managed-network');
  }
  if (profile.registries && profile.registries.length > 0) {
    wanted.add('registry-public');
    if (profile.privateEndpoints !== false) wanted.add('registry-private');
  }
  if (profile.computeInstance) wanted.add('vscode-remote');
  return catalog.map((s) => s.scenario).filter((name) => wanted.has(name));
}
