// `--config amlprobe.yaml`: reads the YAML file, validates it completely (YAML syntax, the JSON
// Schema in config/amlprobe.schema.json, then values the schema cannot judge: durations, CIDRs,
// DNS servers, targets, duplicate ids) and converts it. Every problem found is reported at once,
// each as file:line:col, in one ConfigError: fixing a config should take one round trip, not ten.

import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { parseDnsServer } from '../dns/server-address.js';
import { UsageError } from '../errors.js';
import { whyUnreadable } from '../file-read-error.js';
import { parseCidr } from '../net/cidr.js';
import { checkProxyValue } from '../net/proxy-env.js';
import type { Endpoint } from '../model/endpoint.js';
import type { RunSettings } from '../model/settings.js';
import type { RegistryProfile, WorkspaceProfile } from '../model/profile.js';
import { ConfigError, describePath, YamlLocator, type ConfigProblem } from './config-errors.js';
import { readEndpoints } from './config-endpoints.js';
import { asBoolean, asRecord, asString, ProblemCollector, stringItems } from './config-read.js';
import { checkSchema } from './config-schema.js';
import { parseDuration } from './duration.js';
import { parsePrivateDependencies, PRIVATE_DEPENDENCY_KEY, PUBLIC_DEPENDENCY_KEY, type PrivateDependency } from './private-expectations.js';
import { MAX_YAML_DEPTH, yamlLineTooDeep } from './yaml-depth.js';

/** A config file, validated and converted. */
export interface LoadedConfig {
  /** Only the settings the file sets; CLI flags override them. */
  settings: Partial<RunSettings>;
  /** The explicit `endpoints:`, in file order. */
  endpoints: Endpoint[];
  profile: WorkspaceProfile;
  /** Catalog scenario names, unchecked here (the catalog knows which exist). */
  scenarios: string[];
  /** Extra CA files, resolved against the config file's directory. */
  caFiles: string[];
  /** workspace.workspaceJson (`az ml workspace show` output), resolved against the config file's directory. */
  workspaceJson?: string;
  /** workspace.privateEndpointsJson, resolved against the config file's directory. */
  privateEndpointsJson?: string[];
  /** workspace.privateDependencies: the dependencies the user declares behind private endpoints. */
  privateDependencies?: PrivateDependency[];
  /** workspace.publicDependencies: the dependencies this client reaches by their public endpoints. */
  publicDependencies?: PrivateDependency[];
  /** The config file as the user named it. */
  path: string;
}

/** Reads and validates a config file; throws UsageError (ConfigError for content problems). */
export function loadConfig(path: string): LoadedConfig {
  return parseConfig(readConfigText(path), path);
}

/** Validates and converts config text; `path` names the file in messages and anchors relative paths. */
export function parseConfig(text: string, path: string): LoadedConfig {
  const deep = yamlLineTooDeep(text);
  if (deep !== null) {
    throw new ConfigError(path, [{ line: deep, col: 1, message: `the file nests more than ${MAX_YAML_DEPTH} levels deep here; an amlprobe config needs a handful (see config/example.yaml)` }]);
  }
  const lineCounter = new LineCounter();
  // prettyErrors off: positions come from the LineCounter and the message stays one line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const locator = new YamlLocator(doc, lineCounter);
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => yamlProblem(e, text, locator));
  // A syntax error leaves a partial tree; judging its contents would only add confusing noise.
  if (yamlProblems.length > 0) throw new ConfigError(path, yamlProblems);
  if (doc.contents === null) {
    throw new ConfigError(path, [{ line: 1, col: 1, message: "the file is empty; it needs at least 'version: 1' (see config/minimal.yaml)" }]);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias chains that expand exponentially ("billion laughs"); say so plainly.
    throw new ConfigError(path, [{ line: 1, col: 1, message: `YAML: ${(error as Error).message}` }]);
  }
  const problems = new ProblemCollector(locator);
  for (const problem of checkSchema(data)) problems.add(problem.path, problem.message, problem.key);

  const root = asRecord(data) ?? {};
  const settingsRaw = asRecord(root['settings']) ?? {};
  const loaded: LoadedConfig = {
    settings: readSettings(settingsRaw, problems),
    endpoints: readEndpoints(root['endpoints'], problems),
    profile: readProfile(asRecord(root['workspace']) ?? {}),
    scenarios: stringItems(root['scenarios']).map(([, s]) => s.trim()),
    caFiles: stringItems(settingsRaw['caFiles']).map(([, f]) => resolve(dirname(path), f)),
    path,
  };
  const workspaceJson = asString(asRecord(root['workspace'])?.['workspaceJson']);
  if (workspaceJson !== undefined) loaded.workspaceJson = resolve(dirname(path), workspaceJson);
  const peFiles = stringItems(asRecord(root['workspace'])?.['privateEndpointsJson']).map(([, f]) => resolve(dirname(path), f));
  if (peFiles.length > 0) loaded.privateEndpointsJson = peFiles;
  const dependencies = stringItems(asRecord(root['workspace'])?.['privateDependencies']).flatMap(
    ([i, text]) => problems.attempt(['workspace', 'privateDependencies', i], () => parsePrivateDependencies([text], PRIVATE_DEPENDENCY_KEY)) ?? [],
  );
  if (dependencies.length > 0) loaded.privateDependencies = dependencies;
  const publicOnes = stringItems(asRecord(root['workspace'])?.['publicDependencies']).flatMap(
    ([i, text]) => problems.attempt(['workspace', 'publicDependencies', i], () => parsePrivateDependencies([text], PUBLIC_DEPENDENCY_KEY)) ?? [],
  );
  if (publicOnes.length > 0) loaded.publicDependencies = publicOnes;
  if (problems.problems.length > 0) throw new ConfigError(path, problems.problems);
  return loaded;
}

/** The file's text, or a UsageError saying plainly why it cannot be read. */
function readConfigText(path: string): string {
  try {
    return readFileCapped(path, INPUT_LIMITS.config).toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read config file '${path}': ${whyUnreadable(error, path)}`);
  }
}

/** A YAML syntax error or warning as a problem, in words that say what to change. */
function yamlProblem(error: YAMLError, text: string, locator: YamlLocator): ConfigProblem {
  const [start, end] = error.pos;
  const pos = locator.offsetPosition(start);
  let message = `YAML: ${error.message}`;
  if (error.code === 'MULTIPLE_DOCS') message = "the file holds more than one YAML document (a '---' line); amlprobe reads one";
  if (error.code === 'DUPLICATE_KEY') {
    // The error's range covers only the key's first character; read the whole key from the text.
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:#\n]*?)\s*:/.exec(text.slice(start))?.[1] ?? text.slice(start, end);
    message = `the key ${key.startsWith('"') || key.startsWith("'") ? key : `'${key}'`} appears twice in the same mapping; keep one`;
  }
  if (error.code === 'TAB_AS_INDENT') message = 'a tab is used for indentation; YAML indents with spaces only';
  return { ...pos, message };
}

/** `settings:` -> the RunSettings it sets. */
function readSettings(raw: Record<string, unknown>, problems: ProblemCollector): Partial<RunSettings> {
  const settings: Partial<RunSettings> = {};
  const at = (...keys: (string | number)[]) => ['settings', ...keys];
  const duration = (key: string): number | undefined => {
    const value = raw[key];
    // Anything but a string is the schema's to report (a number with a hint at its unit).
    if (typeof value !== 'string') return undefined;
    return problems.attempt(at(key), () => parseDuration(value, describePath(at(key))));
  };

  const timeoutMs = duration('timeout');
  if (timeoutMs !== undefined) settings.timeoutMs = timeoutMs;
  const deadlineMs = duration('deadline');
  if (deadlineMs !== undefined) settings.deadlineMs = deadlineMs;
  if (Number.isInteger(raw['concurrency'])) settings.concurrency = raw['concurrency'] as number;

  if (Array.isArray(raw['dnsServers'])) {
    const servers = stringItems(raw['dnsServers']).filter(([i, s]) =>
      problems.attempt(at('dnsServers', i), () => parseDnsServer(s, describePath(at('dnsServers', i)))) !== undefined,
    );
    settings.dnsServers = servers.map(([, s]) => s.trim());
    settings.dnsServersExplicit = settings.dnsServers.length > 0;
  }
  if (Array.isArray(raw['privateCidrs'])) {
    settings.privateCidrs = stringItems(raw['privateCidrs']).flatMap(([i, s]) => {
      const cidr = problems.attempt(at('privateCidrs', i), () => parseCidr(s, describePath(at('privateCidrs', i))));
      return cidr === undefined ? [] : [cidr.text];
    });
  }
  const proxy = asString(raw['proxy'])?.trim();
  if (proxy !== undefined && problems.attempt(at('proxy'), () => checkProxyValue(proxy, describePath(at('proxy')))) !== undefined) {
    settings.proxy = proxy;
  }
  for (const key of ['systemResolver', 'allAddresses', 'expectPrivate'] as const) {
    const value = asBoolean(raw[key]);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/** `workspace:` -> WorkspaceProfile. The schema has already checked every value's form. */
function readProfile(raw: Record<string, unknown>): WorkspaceProfile {
  const profile: WorkspaceProfile = {};
  const cloud = asString(raw['cloud']);
  if (cloud === 'public' || cloud === 'china' || cloud === 'usgov') profile.cloud = cloud;
  for (const key of ['region', 'workspaceName', 'keyVault', 'containerRegistry', 'computeInstance'] as const) {
    const value = asString(raw[key]);
    if (value !== undefined) profile[key] = value;
  }
  // GUIDs are compared and put in host names: one spelling avoids "different" IDs differing by case.
  const workspaceId = asString(raw['workspaceId']);
  if (workspaceId !== undefined) profile.workspaceId = workspaceId.toLowerCase();
  if (Array.isArray(raw['storageAccounts'])) profile.storageAccounts = stringItems(raw['storageAccounts']).map(([, s]) => s);
  if (Array.isArray(raw['registries'])) {
    profile.registries = raw['registries'].flatMap((item) => {
      const entry = asRecord(item);
      const name = asString(entry?.['name']);
      if (entry === undefined || name === undefined) return [];
      const registry: RegistryProfile = { name };
      const region = asString(entry['region']);
      const id = asString(entry['id']);
      if (region !== undefined) registry.region = region;
      if (id !== undefined) registry.id = id.toLowerCase();
      const storageAccount = asString(entry['storageAccount']);
      const containerRegistry = asString(entry['containerRegistry']);
      if (storageAccount !== undefined) registry.storageAccount = storageAccount;
      if (containerRegistry !== undefined) registry.containerRegistry = containerRegistry;
      return [registry];
    });
  }
  const privateEndpoints = asBoolean(raw['privateEndpoints']);
  if (privateEndpoints !== undefined) profile.privateEndpoints = privateEndpoints;
  const managedNetwork = asString(raw['managedNetwork']);
  if (managedNetwork === 'disabled' || managedNetwork === 'allow-internet-outbound' || managedNetwork === 'allow-only-approved-outbound') profile.managedNetwork = managedNetwork;
  return profile;
}
