// Flags into the plan builder's options (src/plan/plan-options.ts): names only, no decision.
// Every value stays as typed; the plan validates it once and names the flag in its errors. The
// config path is the one src/plan/config-discovery.ts chooses (--config, ./amlprobe.yaml, AMLPROBE_CONFIG).

import type { CheckPlanOptions, ProfileOptions, RunPlanOptions, SettingsOptions } from '../plan/plan-options.js';
import type { LabOptions } from '../lab/lab-command.js';
import type { Flags, ParsedArgs } from './args.js';
import { configFile } from './config-file.js';

/** The run settings the flags ask for. */
export function settingsOptions(flags: Flags): SettingsOptions {
  return {
    timeout: flags.timeout,
    deadline: flags.deadline,
    concurrency: flags.concurrency,
    dnsServers: flags['dns-server'],
    noSystemResolver: flags['no-system-resolver'],
    azureDns: flags['azure-dns'],
    azureDnsAddress: flags['azure-dns-address'],
    privateCidrs: flags['private-cidr'],
    allAddresses: flags['all-addresses'],
    expectPrivate: flags['expect-private'],
    proxy: flags.proxy,
    noProxy: flags['no-proxy'],
    caFiles: flags['ca-file'],
  };
}

/** The workspace profile the flags give. */
export function profileOptions(flags: Flags): ProfileOptions {
  return {
    cloud: flags.cloud,
    region: flags.region,
    workspaceName: flags['workspace-name'],
    workspaceId: flags['workspace-id'],
    storageAccounts: flags['storage-account'],
    keyVault: flags['key-vault'],
    containerRegistry: flags['container-registry'],
    computeInstance: flags['compute-instance'],
    registries: flags.registry,
    registryStorageAccounts: flags['registry-storage-account'],
    registryContainerRegistries: flags['registry-acr'],
    privateEndpoints: flags['no-private-endpoints'] ? false : flags['private-endpoints'] ? true : undefined,
    managedNetwork: flags['managed-network'],
    workspaceJson: flags['workspace-json'],
  };
}

/** Everything `run`, serve and healthcheck plan from. */
export function runPlanOptions(flags: Flags, extra: Pick<RunPlanOptions, 'startedAt' | 'preflightResolvers'> & { maxDeadlineMs?: number } = {}): RunPlanOptions {
  const { maxDeadlineMs, ...rest } = extra;
  return {
    settings: { ...settingsOptions(flags), ...(maxDeadlineMs !== undefined ? { maxDeadlineMs } : {}) },
    profile: profileOptions(flags),
    learning: { tokenFile: flags['token-file'], noImds: flags['no-imds'], noDiscovery: flags['no-discovery'], noAzureDns: flags['no-azure-dns'] },
    config: configFile(flags),
    scenarios: flags.scenario,
    privateEndpointsJson: flags['private-endpoints-json'],
    privateDependencies: flags['private-dependency'],
    publicDependencies: flags['public-dependency'],
    ...rest,
  };
}

/** Everything `check` plans from. */
export function checkPlanOptions(flags: Flags, targets: string[]): CheckPlanOptions {
  return {
    settings: settingsOptions(flags),
    targets,
    blockedTargets: flags['expect-blocked'],
    config: configFile(flags),
    privateEndpointsJson: flags['private-endpoints-json'],
    privateDependencies: flags['private-dependency'],
    publicDependencies: flags['public-dependency'],
  };
}

/** What `lab` is asked (its flags are checked with every command's in src/cli/args.ts). */
export function labOptions(args: ParsedArgs): LabOptions {
  const { flags } = args;
  return {
    positionals: args.positionals,
    report: { format: flags.format, output: flags.output, compact: flags.compact },
    noColor: flags['no-color'] === true,
    settings: { timeout: flags.timeout, deadline: flags.deadline, concurrency: flags.concurrency },
    faults: flags['no-faults'] !== true,
    managedNetwork: flags['managed-network'],
    showCommands: flags['show-commands'] === true,
  };
}
