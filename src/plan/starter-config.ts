// The starter config `amlprobe init` writes: the workspace profile filled with what amlprobe could
// learn here (each value saying where it came from), every other key present but commented out,
// and a first line that points editors at the schema. Pure text from facts; the CLI gathers them.

import type { WorkspaceProfile } from '../model/profile.js';
import { DISCOVERED_CONFIG_NAME } from './config-discovery.js';

/** One learned value and where it came from ("workspace.json", "CI_WORKSPACE"). */
export interface Learned<T> {
  value: T;
  source: string;
}

/** What init learned, field by field. */
export type LearnedProfile = { [K in keyof WorkspaceProfile]?: Learned<NonNullable<WorkspaceProfile[K]>> };

/** Everything the starter config is written from. */
export interface StarterFacts {
  profile: LearnedProfile;
  /** The `$schema=` target: an absolute file URL or a URL (see init-command.ts for the choice). */
  schemaRef: string;
  version: string;
  /** The --workspace-json file, offered as a commented workspaceJson key. */
  workspaceJson?: string;
}

/** A YAML scalar: plain when safe, JSON-quoted (valid YAML) otherwise. */
function scalar(value: string | boolean): string {
  if (typeof value === 'boolean') return String(value);
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) ? value : JSON.stringify(value);
}

/** "key: value" with its comment in column 33, as config/example.yaml lays it out. */
function line(indent: string, text: string, comment: string): string {
  const left = `${indent}${text}`;
  return `${left.padEnd(31)} # ${comment}`;
}

const PROFILE_HINTS: { key: keyof WorkspaceProfile; example: string; hint: string }[] = [
  { key: 'cloud', example: 'public', hint: 'public | china | usgov. Default public' },
  { key: 'region', example: 'eastus', hint: 'ARM region name of the workspace' },
  { key: 'workspaceName', example: 'contoso-ml', hint: 'workspace name' },
  { key: 'workspaceId', example: '0a1b2c3d-4e5f-6789-abcd-ef0123456789', hint: 'GUID: portal > workspace > Properties > Workspace ID' },
  { key: 'storageAccounts', example: '[contosomlstorage]', hint: 'storage account names, default account first' },
  { key: 'keyVault', example: 'contoso-ml-kv', hint: 'key vault name (not its URL)' },
  { key: 'containerRegistry', example: 'contosomlacr', hint: 'container registry name (not its login server)' },
  { key: 'computeInstance', example: 'contoso-ci-01', hint: 'a compute instance whose host names to probe' },
  { key: 'registries', example: '[{ name: contoso-registry, region: eastus }]', hint: 'Azure ML registries' },
  { key: 'privateEndpoints', example: 'true', hint: 'reached through private endpoints. Default false' },
];

/** The value of a learned field as YAML (lists in flow style, one line). */
function yamlValue(key: keyof WorkspaceProfile, value: unknown): string {
  if (key === 'registries') {
    const registries = value as { name: string; region?: string }[];
    return `[${registries.map((r) => `{ name: ${scalar(r.name)}${r.region === undefined ? '' : `, region: ${scalar(r.region)}`} }`).join(', ')}]`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => scalar(String(v))).join(', ')}]`;
  return scalar(value as string | boolean);
}

/** The starter config's text. */
export function renderStarterConfig(facts: StarterFacts): string {
  const learned = PROFILE_HINTS.filter(({ key }) => facts.profile[key] !== undefined);
  const workspace = PROFILE_HINTS.map(({ key, example, hint }) => {
    const fact = facts.profile[key];
    if (fact === undefined) return line('  # ', `${key}: ${example}`, hint);
    return line('  ', `${key}: ${yamlValue(key, fact.value)}`, `from ${fact.source}`);
  });
  if (facts.workspaceJson !== undefined) {
    workspace.push(line('  # ', `workspaceJson: ${scalar(facts.workspaceJson)}`, 'read it at every run instead of the values above'));
  }
  const sources = [...new Set(learned.map(({ key }) => facts.profile[key]?.source ?? ''))];
  return `# yaml-language-server: $schema=${facts.schemaRef}
#
# amlprobe starter config, written by \`amlprobe init\` (amlprobe ${facts.version}).
# ${learned.length > 0 ? `Filled in from ${sources.join(', ')}; everything else is commented out.` : 'amlprobe learned nothing about the workspace here: fill in the workspace section.'}
# amlprobe reads ./${DISCOVERED_CONFIG_NAME} by itself (unless AMLPROBE_CONFIG or --config names another file).
# Command-line flags override what is set here; config/example.yaml in amlprobe explains every key.

version: 1

${learned.length > 0 ? 'workspace:' : '# workspace:'}                      # fills in the host names of the catalog scenarios
${workspace.join('\n')}

# settings:
#   timeout: 3s                   # per layer of each endpoint. Default 3s
#   dnsServers: [10.0.0.4]        # ask these DNS servers directly. Default: /etc/resolv.conf's
#   proxy: auto                   # auto | none | http://host:port
#   caFiles: [./corporate-root.pem]   # a TLS-inspecting firewall's root, relative to this file

# scenarios:                      # catalog scenarios to probe (list them with \`amlprobe catalog\`)
#   - studio

# endpoints:                      # your own endpoints, same syntax as \`amlprobe check\`
#   - target: tcp://10.0.0.5:445
#     id: fileshare
#     required: false
`;
}
