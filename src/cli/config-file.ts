// The config file a command reads (src/plan/config-discovery.ts decides which), said once on
// stderr when --config did not name it: a file found by itself must never be a surprise.

import { chooseConfig, configChoiceNote } from '../plan/config-discovery.js';
import type { Flags } from './args.js';

let said = false;

/** The config path for these flags, or undefined; names a discovered one on stderr (once per process, not with --quiet). */
export function configFile(flags: Flags): string | undefined {
  const choice = chooseConfig(flags.config, process.cwd(), process.env);
  const note = configChoiceNote(choice);
  // serve plans every interval: the line is said at start, not once a minute.
  if (note !== undefined && !said && flags.quiet !== true) process.stderr.write(note);
  said = true;
  return choice?.path;
}
