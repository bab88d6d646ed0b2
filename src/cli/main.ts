// amlprobe's program: flags -> command -> exit code. src/cli.ts (the entry point) runs it, or the
// one-file tool built from it when that is fresh (./fresh-bundle.ts); the bundles are built from this file.
// Usage errors print one paragraph and exit 2; a bug, wherever it escapes (here, in a callback, in
// a promise nobody awaited), prints one line asking for a bug report and exits 3, with the stack
// only when AMLPROBE_DEBUG=1 (cli/internal-error.ts), so a user never sees a raw stack trace.

// First, before anything an old Node.js cannot run: a clear refusal (the one-file tool relies on it).
import '../node-guard.js';
// Then, before any other module allocates: see the file for why and what it measured.
import './gc-tuning.js';
import { obeyYoungGeneration } from './gc-tuning.js';
import { parseCommandLine } from './args.js';
import type { ParsedArgs } from './args.js';
import { installLastResort, plantTestCrash, reportInternalError } from './internal-error.js';
import { asUsageError } from './usage-errors.js';
import { isUsageError } from '../errors.js';
import { cleanMessage } from '../untrusted/evidence.js';
import { markCommandStart } from '../plan/run-clock.js';
import { heldWhilePlanning } from '../plan/young-generation.js';
import { VERSION } from '../version.js';

// Commands are imported when chosen: --version, --help and a mistyped flag answer at once instead
// of first loading the engine, the checks, the catalog and the schema validator.
async function dispatch(args: ParsedArgs): Promise<number> {
  plantTestCrash();
  switch (args.command) {
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'help':
      // The help is generated from the options table and the probe kinds: loaded only when asked.
      process.stdout.write((await import('./help.js')).helpForTopics(args.positionals));
      return 0;
    case 'check':
      return (await import('./check-command.js')).checkCommand(args);
    case 'run':
      return (await import('./run-command.js')).runCommand(args);
    case 'catalog':
      return (await import('./catalog-command.js')).catalogCommand(args);
    case 'lab':
      return (await import('../lab/lab-command.js')).labCommand((await import('./plan-options.js')).labOptions(args));
    case 'diff':
      return (await import('./diff-command.js')).diffCommand(args);
    case 'serve':
      return (await import('./serve-command.js')).serveCommand(args);
    case 'healthcheck':
      return (await import('./healthcheck-command.js')).healthcheckCommand(args);
    case 'init':
      return (await import('./init-command.js')).initCommand(args);
    case 'completion':
      return (await import('./completion.js')).completionCommand(args.positionals);
  }
}

/** The commands whose plan decides the young generation (src/plan/young-generation.ts). */
const PLANNED = new Set<ParsedArgs['command']>(['check', 'run', 'serve', 'healthcheck']);

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  markCommandStart();
  // A command line of more targets than a capped run has: no young-generation cap to plan for.
  if (!heldWhilePlanning(argv.length)) obeyYoungGeneration(undefined);
  try {
    const args = parseCommandLine(argv);
    // Only a probing command's plan says how far the young generation may grow; any other frees it now.
    if (!PLANNED.has(args.command)) obeyYoungGeneration(undefined);
    return await dispatch(args);
  } catch (caught) {
    // A parse error of dns/ or net/ that reached here unconverted is still the user's bad input.
    const error = asUsageError(caught);
    if (isUsageError(error)) {
      process.stderr.write(`amlprobe: error: ${cleanMessage(`${error.where ? `${error.where}: ` : ''}${error.message}`)}\n`);
      return 2;
    }
    return reportInternalError(error);
  }
}

installLastResort();
// No top-level await: the bundle is lowered for old Node.js versions (so that node-guard.ts can speak),
// and the single executable is CommonJS; neither allows it. Exit explicitly: a socket the deadline
// abandoned must not keep the process alive, and stdout is flushed first so a piped JSON report is
// never cut short.
void main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
