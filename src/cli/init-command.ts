// `amlprobe init [FILE]`: a commented starter config, filled with what amlprobe can learn here
// without sending a packet (--workspace-json, the compute instance's markers), never replacing a
// file without --force.
//
// The schema reference is the absolute file URL of the schema this amlprobe ships: a relative one
// (config/example.yaml's ./amlprobe.schema.json) breaks as soon as the file is copied elsewhere,
// and amlprobe publishes no schema URL an offline jump box could reach. An absolute path keeps
// working wherever the config is copied on this machine; after an upgrade that moves amlprobe,
// rerun init or edit the first line. The one-file tool carries its schema inside: it is written
// beside the config (never over an existing one), and the config points at it by absolute path.

import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import { detectComputeInstance, NBVM_PATH } from '../azure/compute-instance.js';
import { readWorkspaceJson } from '../azure/workspace-json.js';
import { readTextFile } from '../package-files.js';
import { BUILTIN_ROOT, packageRoot } from '../package-root.js';
import { buildProfile } from '../plan/profile.js';
import { DISCOVERED_CONFIG_NAME } from '../plan/config-discovery.js';
import { renderStarterConfig, type LearnedProfile } from '../plan/starter-config.js';
import type { WorkspaceProfile } from '../model/profile.js';
import { writeOutput } from '../output/output.js';
import { VERSION } from '../version.js';
import type { ParsedArgs } from './args.js';

const SCHEMA_NAME = 'amlprobe.schema.json';

/** What init learns: the workspace JSON's profile, then the compute instance's markers for what it left open. */
function learnProfile(workspaceJson: string | undefined, env: NodeJS.ProcessEnv): LearnedProfile {
  const learned: LearnedProfile = {};
  const set = <K extends keyof WorkspaceProfile>(key: K, value: WorkspaceProfile[K] | undefined, source: string): void => {
    if (value !== undefined && learned[key] === undefined) (learned as Record<string, unknown>)[key] = { value, source };
  };
  if (workspaceJson !== undefined) {
    // The profile builder validates the file's values as run would; only the file's own values are kept.
    const { profile, origin } = buildProfile({ flags: {}, workspaceJson: readWorkspaceJson(workspaceJson), env: {} });
    for (const [key, value] of Object.entries(profile) as [keyof WorkspaceProfile, never][]) {
      if (origin[key] === 'workspace-json') set(key, value, workspaceJson);
    }
  }
  const ci = detectComputeInstance(env, env.AMLPROBE_NBVM_FILE?.trim() || NBVM_PATH);
  if (ci?.instance !== undefined) set('computeInstance', ci.instance.value, `${ci.instance.source} (compute instance)`);
  if (ci?.workspaceName !== undefined) set('workspaceName', ci.workspaceName.value, `${ci.workspaceName.source} (compute instance)`);
  if (ci?.region !== undefined) set('region', ci.region.value, `${ci.region.source}`);
  return learned;
}

/** The `$schema=` target for a config written to `target` (undefined: stdout). */
function schemaRef(target: string | undefined): string {
  const root = packageRoot();
  if (root !== BUILTIN_ROOT) return pathToFileURL(join(root, 'config', SCHEMA_NAME)).href;
  const beside = join(dirname(resolve(target ?? DISCOVERED_CONFIG_NAME)), SCHEMA_NAME);
  if (target !== undefined && !existsSync(beside)) {
    writeFileSync(beside, readTextFile(join(BUILTIN_ROOT, 'config', SCHEMA_NAME)));
    process.stderr.write(`amlprobe: wrote ${beside} (the schema the config's first line points at)\n`);
  }
  return pathToFileURL(beside).href;
}

/** Runs `init` and returns the exit code. */
export async function initCommand(args: ParsedArgs): Promise<number> {
  const { flags } = args;
  if (args.positionals.length > 1) {
    throw new UsageError(`'init' writes one file, got '${args.positionals.join(' ')}'. See 'amlprobe help init'.`);
  }
  const named = args.positionals[0] ?? DISCOVERED_CONFIG_NAME;
  const target = named === '-' ? undefined : named;
  if (target !== undefined && existsSync(target) && flags.force !== true) {
    throw new UsageError(`'${target}' exists; init never replaces a file. Pass --force to replace it, or name another FILE (- for stdout).`);
  }
  const workspaceJson = flags['workspace-json'];
  const text = renderStarterConfig({
    profile: learnProfile(workspaceJson, process.env),
    schemaRef: schemaRef(target),
    version: VERSION,
    ...(workspaceJson !== undefined ? { workspaceJson } : {}),
  });
  await writeOutput(text, target);
  if (target !== undefined) process.stderr.write(`amlprobe: wrote ${target}\n`);
  return 0;
}
