// What a command asks the plan builder for, as plain values: the CLI turns its flags into these
// (src/cli/plan-options.ts), the lab and the tests write them directly. Text is still as the user
// typed it: the builder validates every value once, naming the flag or key that carried it.

/** The run settings asked for; absent means "the config file's value, else the default". */
export interface SettingsOptions {
  timeout?: string | undefined;
  deadline?: string | undefined;
  concurrency?: string | undefined;
  dnsServers?: string[] | undefined;
  noSystemResolver?: boolean | undefined;
  /** --azure-dns: ask 168.63.129.16 besides the other servers. */
  azureDns?: boolean | undefined;
  azureDnsAddress?: string | undefined;
  privateCidrs?: string[] | undefined;
  allAddresses?: boolean | undefined;
  expectPrivate?: boolean | undefined;
  /** A proxy URL, 'none' or 'auto'. */
  proxy?: string | undefined;
  noProxy?: boolean | undefined;
  caFiles?: string[] | undefined;
  /**
   * A deadline the command promises whatever the config says (healthcheck: 10 s): a longer one
   * from the config is cut to it, before any pre-run step, unless `deadline` is given.
   */
  maxDeadlineMs?: number | undefined;
}

/** The workspace profile as given on the command line (raw text, validated by buildProfile). */
export interface ProfileOptions {
  cloud?: string | undefined;
  region?: string | undefined;
  workspaceName?: string | undefined;
  workspaceId?: string | undefined;
  storageAccounts?: string[] | undefined;
  keyVault?: string | undefined;
  containerRegistry?: string | undefined;
  computeInstance?: string | undefined;
  registries?: string[] | undefined;
  /** --registry-storage-account and --registry-acr: "[REGISTRY=]NAME" each. */
  registryStorageAccounts?: string[] | undefined;
  registryContainerRegistries?: string[] | undefined;
  privateEndpoints?: boolean | undefined;
  /** --managed-network: the managed virtual network's isolation mode. */
  managedNetwork?: string | undefined;
  /** `az ml workspace show` output to read the profile from. */
  workspaceJson?: string | undefined;
}

/** What `run` learns by itself, and the switches that turn each part off. */
export interface LearningOptions {
  tokenFile?: string | undefined;
  noImds?: boolean | undefined;
  noDiscovery?: boolean | undefined;
  /** Do not switch Azure DNS on when amlprobe finds itself inside Azure. */
  noAzureDns?: boolean | undefined;
}

/** Everything the plan of `run` (and of serve and healthcheck) is built from. */
export interface RunPlanOptions {
  settings: SettingsOptions;
  profile: ProfileOptions;
  learning: LearningOptions;
  /** The config file to read. */
  config?: string | undefined;
  /** Scenarios named with --scenario (they override the config's). */
  scenarios?: string[] | undefined;
  privateEndpointsJson?: string[] | undefined;
  /** --private-dependency: dependencies behind private endpoints (kind keywords or host names), as typed. */
  privateDependencies?: string[] | undefined;
  /** --public-dependency: dependencies this client reaches by their public endpoint, as typed. */
  publicDependencies?: string[] | undefined;
  /** performance.now() reading the deadline counts from (default: the command start). */
  startedAt?: number | undefined;
  /**
   * Ask the named DNS servers and Azure DNS a test question while planning (run and check): a
   * server that does not speak DNS is a usage error before the first probe, not a failure on every row.
   */
  preflightResolvers?: boolean | undefined;
}

/** Everything the plan of `check` is built from. */
export interface CheckPlanOptions {
  settings: SettingsOptions;
  /** The targets as typed: tcp://host:port, https://..., host:port. */
  targets: string[];
  /** --expect-blocked: targets that must NOT be reachable (expect.blocked). */
  blockedTargets?: string[] | undefined;
  config?: string | undefined;
  privateEndpointsJson?: string[] | undefined;
  /** --private-dependency, as typed. */
  privateDependencies?: string[] | undefined;
  /** --public-dependency, as typed. */
  publicDependencies?: string[] | undefined;
}
