// `amlprobe catalog`: what would be probed, expanded for the profile, without sending a packet.
// This is the list a firewall administrator needs: hosts, ports, service tags and rules.

import { UsageError } from '../errors.js';
import { loadShippedCatalog } from '../plan/shipped-catalog.js';
import { expandCatalog } from '../plan/catalog-expand.js';
import { parseCatalogFormat, renderCatalog } from '../report/catalog-formats.js';
import type { ParsedArgs } from './args.js';
import { writeOutput } from '../output/output.js';
import { singleOutput } from '../output/report-outputs.js';
import { profileFromOptions } from '../plan/workspace-profile.js';
import { profileOptions } from './plan-options.js';
import { configFile } from './config-file.js';
import { tableWidth } from '../report/terminal.js';

/** Runs `catalog` and returns the exit code. */
export async function catalogCommand(args: ParsedArgs): Promise<number> {
  const { flags } = args;
  if (args.positionals.length > 0) {
    throw new UsageError(`'catalog' takes no arguments, got '${args.positionals.join(' ')}'. Use --scenario NAME to choose scenarios.`);
  }
  const format = parseCatalogFormat(flags.format ?? 'table');
  // The YAML parser and the schema validator load only when a config is given (or found: config-file.ts).
  const path = configFile(flags);
  const config = path !== undefined ? (await import('../plan/config.js')).loadConfig(path) : undefined;
  const { profile } = profileFromOptions(profileOptions(flags), config?.profile, process.env, config?.workspaceJson);
  const named = flags.scenario ?? (config && config.scenarios.length > 0 ? config.scenarios : undefined);
  // Without --scenario the catalog lists every scenario: the administrator's full picture.
  const expansion = expandCatalog(await loadShippedCatalog(), profile, named ? { scenarios: named } : {});
  const output = singleOutput(flags, 'catalog');
  // On stdout the table fits the terminal (COLUMNS, its columns, else 120); a file gets it whole
  // unless COLUMNS asks otherwise.
  const width = output === undefined || process.env['COLUMNS'] !== undefined ? tableWidth(process.stdout) : Infinity;
  await writeOutput(renderCatalog(expansion, profile, format, width), output);
  return 0;
}
