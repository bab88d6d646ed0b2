// Which config file a command reads when --config does not name one. The precedence, decided here
// once, is the one issue 16 asks for: --config FILE, then ./amlprobe.yaml in the working directory,
// then the AMLPROBE_CONFIG variable, then none. The file in front of the admin wins over a
// variable set long ago in a profile or an image (as a project's .npmrc wins over the user's), and
// --config outranks both because it is typed now. Whichever was used is named on stderr.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** The file a command in the working directory finds by itself. */
export const DISCOVERED_CONFIG_NAME = 'amlprobe.yaml';

/** The config file chosen, and why: the CLI says the "why" on stderr when it was not --config. */
export interface ConfigChoice {
  path: string;
  origin: 'flag' | 'environment' | 'working-directory';
}

/**
 * The config to read, or undefined for none. A path in AMLPROBE_CONFIG that is not a file is a
 * usage error (it was asked for); a missing ./amlprobe.yaml is simply no config.
 */
export function chooseConfig(flag: string | undefined, cwd: string, env: NodeJS.ProcessEnv): ConfigChoice | undefined {
  if (flag !== undefined) return { path: flag, origin: 'flag' };
  const local = join(cwd, DISCOVERED_CONFIG_NAME);
  if (isFile(local)) return { path: local, origin: 'working-directory' };
  const fromEnv = env.AMLPROBE_CONFIG?.trim();
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (!isFile(fromEnv)) {
    throw new UsageError(`'${fromEnv}' is not a file. Set AMLPROBE_CONFIG to your config file, unset it, or pass --config FILE.`, 'AMLPROBE_CONFIG');
  }
  return { path: fromEnv, origin: 'environment' };
}

/** The stderr line naming a config that was not given with --config; undefined for --config. */
export function configChoiceNote(choice: ConfigChoice | undefined): string | undefined {
  if (choice === undefined || choice.origin === 'flag') return undefined;
  const why = choice.origin === 'environment' ? 'from AMLPROBE_CONFIG' : 'found in the working directory';
  return `amlprobe: config ${choice.path} (${why}; --config FILE names another)\n`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
