// `amlprobe check TARGET...`: the jump-box command. Targets come from the command line; every one
// is required, and --expect-private applies to all of them.

import { UsageError } from '../errors.js';
import { parseTarget } from '../plan/targets.js';
import type { Endpoint } from '../types.js';
import type { ParsedArgs } from './args.js';
import { probeAndReport, runFormat } from './probe-and-report.js';
import { buildSettings } from './settings.js';

/** Runs `check` and returns the exit code. */
export async function checkCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length === 0) {
    throw new UsageError("'check' needs at least one target, e.g. amlprobe check https://ml.azure.com tcp://10.0.0.5:445. See 'amlprobe --help'.");
  }
  runFormat(args.flags);
  const settings = buildSettings(args.flags);
  const endpoints = new Map<string, Endpoint>();
  for (const text of args.positionals) {
    const endpoint = parseTarget(text, { required: true, expectPrivate: settings.expectPrivate });
    // The same target twice is one probe: its verdict would be the same.
    if (!endpoints.has(endpoint.id)) endpoints.set(endpoint.id, endpoint);
  }
  return probeAndReport([...endpoints.values()], settings, args.flags);
}
