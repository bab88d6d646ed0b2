// The Azure Instance Metadata Service: on an Azure VM (a compute instance is one) it tells the
// region, subscription, resource group and VM name. Documented (reference yaml,
// environment_detection.imds, source `imds`): GET http://169.254.169.254/metadata/instance?api-version=2021-02-01
// with "Metadata: true", never through a proxy. Off Azure the address does not answer, so the
// timeout is short (1 s): detection must not slow a run down on a laptop.

import { getText } from './http-get.js';

/** The documented IMDS instance URL. AMLPROBE_IMDS_URL replaces it (tests: a loopback fake). */
export const IMDS_URL = 'http://169.254.169.254/metadata/instance?api-version=2021-02-01';

/** How long to wait for IMDS before concluding this is not an Azure VM. */
export const IMDS_TIMEOUT_MS = 1000;

/** The compute facts amlprobe uses (absent when IMDS did not give them). */
export interface ImdsFacts {
  location?: string;
  subscriptionId?: string;
  resourceGroupName?: string;
  name?: string;
  /** The cloud of this VM as IMDS spells it: AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud. */
  azEnvironment?: string;
}

/** What asking IMDS gave: facts, or why not (for the report's "detected" line). */
export type ImdsOutcome = { ok: true; facts: ImdsFacts } | { ok: false; message: string };

/** Asks IMDS at `url` (IMDS_URL in production; deliberately no default, so no caller reaches it by accident); never throws. */
export async function queryImds(url: string, timeoutMs: number = IMDS_TIMEOUT_MS, signal?: AbortSignal): Promise<ImdsOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, message: `AMLPROBE_IMDS_URL '${url}' is not a URL` };
  }
  const outcome = await getText(target, { headers: { Metadata: 'true' }, timeoutMs, ...(signal ? { signal } : {}) });
  if (outcome.kind === 'error') return { ok: false, message: `IMDS did not answer (${outcome.code}): not an Azure VM, or 169.254.169.254 is blocked` };
  if (outcome.status !== 200) return { ok: false, message: `IMDS answered ${outcome.status}` };
  let json: unknown;
  try {
    json = JSON.parse(outcome.body);
  } catch {
    return { ok: false, message: 'IMDS answered with something other than JSON' };
  }
  const compute = typeof json === 'object' && json !== null ? (json as { compute?: unknown }).compute : undefined;
  if (typeof compute !== 'object' || compute === null) return { ok: false, message: 'the IMDS answer has no compute section' };
  const c = compute as Record<string, unknown>;
  const facts: ImdsFacts = {};
  for (const key of ['location', 'subscriptionId', 'resourceGroupName', 'name', 'azEnvironment'] as const) {
    const value = c[key];
    if (typeof value === 'string' && value.trim() !== '') facts[key] = value.trim();
  }
  return { ok: true, facts };
}
