#!/usr/bin/env node
// amlprobe's entry point: flags -> command -> exit code. Nothing else lives here.
// Usage errors print one paragraph and exit 2; a bug prints its message and exits 3 (with the
// stack only when AMLPROBE_DEBUG is set), so a user never sees a raw stack trace.

// First, before anything an old Node.js cannot run: a clear refusal (the one-file tool relies on it).
import './node-guard.js';
// Then, before any other module allocates: see the file for why and what it measured.
import './cli/gc-tuning.js';
import { parseCommandLine } from './cli/args.js';
import type { ParsedArgs } from './cli/args.js';
import { helpText } from './cli/help.js';
import { isUsageError } from './errors.js';
import { cleanMessage } from './untrusted/evidence.js';
import { VERSION } from './version.js';

/** Exit code for a bug in amlprobe (not a network verdict, not a usage error). */
const EXIT_INTERNAL = 3;

// Commands are imported when chosen: --version, --help and a mistyped flag answer at once instead
// of first loading the engine, the checks, the catalog and the schema validator.
async function dispatch(args: ParsedArgs): Promise<number> {
  switch (args.command) {
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'help':
      process.stdout.write(helpText());
      return 0;
    case 'check':
      return (await import('./cli/check-command.js')).checkCommand(args);
    case 'run':
      return (await import('./cli/run-command.js')).runCommand(args);
    case 'catalog':
      return (await import('./cli/catalog-command.js')).catalogCommand(args);
    case 'lab':
      return (await import('./lab/lab-command.js')).labCommand(args);
    case 'diff':
      return (await import('./cli/diff-command.js')).diffCommand(args);
    case 'serve':
      return (await import('./cli/serve-command.js')).serveCommand(args);
    case 'healthcheck':
      return (await import('./cli/healthcheck-command.js')).healthcheckCommand(args);
  }
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(parseCommandLine(argv));
  } catch (error) {
    if (isUsageError(error)) {
      process.stderr.write(`amlprobe: error: ${cleanMessage(`${error.where ? `${error.where}: ` : ''}${error.message}`)}\n`);
      return 2;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(`amlprobe: internal error: ${cleanMessage(err)}\nThis is a bug in amlprobe; please report it with the command you ran.\n`);
    if (process.env.AMLPROBE_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    return EXIT_INTERNAL;
  }
}

// No top-level await: the bundle is lowered for old Node.js versions (so that node-guard.ts can speak),
// and the single executable is CommonJS; neither allows it. Exit explicitly: a socket the deadline
// abandoned must not keep the process alive, and stdout is flushed first so a piped JSON report is
// never cut short.
void main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
