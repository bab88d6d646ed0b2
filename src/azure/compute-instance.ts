// Is this an Azure ML compute instance, and which? Only documented local signals are read
// (reference yaml, environment_detection.compute_instance_markers):
// - /mnt/azmnt/.nbvm: key=value lines with `instance` and `domainsuffix` (source code_nbvm_users);
//   domainsuffix is "<region>.instances.azureml.ms", so it also tells the region.
// - CI_WORKSPACE, CI_NAME, CI_RESOURCE_GROUP: documented for compute-instance setup scripts
//   (source cisetup); whether interactive shells have them is not documented, so they are read when present.
// Whether .nbvm names the workspace is unconfirmed, so the workspace name comes only from CI_WORKSPACE.

import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';

/** The documented marker file. AMLPROBE_NBVM_FILE replaces it (tests). */
export const NBVM_PATH = '/mnt/azmnt/.nbvm';

/** What the compute instance told about itself, and from where (for the report). */
export interface ComputeInstanceFacts {
  instance?: { value: string; source: string };
  workspaceName?: { value: string; source: string };
  region?: { value: string; source: string };
}

/** Reads the markers; undefined when none is present (not a compute instance). Never throws. */
export function detectComputeInstance(env: NodeJS.ProcessEnv = process.env, nbvmPath: string = NBVM_PATH): ComputeInstanceFacts | undefined {
  const facts: ComputeInstanceFacts = {};
  const nbvm = readNbvm(nbvmPath);
  if (nbvm.instance) facts.instance = { value: nbvm.instance, source: nbvmPath };
  const suffix = nbvm.domainsuffix;
  // "<region>.instances.azureml.ms" (and the .cn/.us and instances.ml.azure.* spellings).
  const region = suffix ? /^([a-z0-9]+)\.instances\./i.exec(suffix)?.[1] : undefined;
  if (region) facts.region = { value: region.toLowerCase(), source: `${nbvmPath} (domainsuffix)` };
  const ciName = env.CI_NAME?.trim();
  if (!facts.instance && ciName) facts.instance = { value: ciName, source: 'CI_NAME' };
  const ciWorkspace = env.CI_WORKSPACE?.trim();
  if (ciWorkspace) facts.workspaceName = { value: ciWorkspace, source: 'CI_WORKSPACE' };
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/** key=value lines of the .nbvm file; empty when it is absent or unreadable. */
function readNbvm(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileCapped(path, INPUT_LIMITS.systemFile).toString('utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (value !== '') out[key] = value;
  }
  return out;
}
