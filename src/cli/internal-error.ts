// The exit-3 contract of src/cli.ts: an error that escapes amlprobe's own handling (a thrown bug,
// an exception in a socket callback, a promise nobody awaited) ends the process with one line on
// stderr that asks for a bug report, and exit code 3. The stack is printed only with
// AMLPROBE_DEBUG=1: a user pasting the line into a ticket should not have to scroll.

import { redactTyped } from '../untrusted/redact.js';

/** Exit code for a bug in amlprobe (not a network verdict, not a usage error). */
export const EXIT_INTERNAL = 3;

/** Longest error message quoted on the line: a library may put a whole answer in its message. */
const MAX_MESSAGE = 300;

/** True when AMLPROBE_DEBUG asks for stacks ("1", or any value but "" and "0"). */
function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.AMLPROBE_DEBUG;
  return value !== undefined && value !== '' && value !== '0';
}

/** The one line for an escaped error: its message on one printable line, bounded, and the request. */
export function internalErrorLine(error: unknown): string {
  // Credentials first (a message may quote a proxy URL or a peer's page), then one flat line.
  const raw = redactTyped(error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error));
  // Control characters (a newline in a message quoted from the network) would break the one line.
  const flat = raw.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  const message = flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}...` : flat;
  return `amlprobe: internal error: ${message || 'unknown error'} (a bug in amlprobe: please report it with the command you ran; AMLPROBE_DEBUG=1 shows the stack)\n`;
}

/** Writes the line (and the stack when asked) for an escaped error; returns the exit code 3. */
export function reportInternalError(error: unknown, env: NodeJS.ProcessEnv = process.env): number {
  process.stderr.write(internalErrorLine(error));
  if (debugEnabled(env) && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  return EXIT_INTERNAL;
}

let installed = false;

/**
 * The last resort for errors outside main()'s try: an exception thrown in an event callback or a
 * rejected promise nobody handles. Node would print a stack and exit 1 (a "required endpoint
 * failed" to a pipeline); this prints the one line and exits 3.
 */
export function installLastResort(): void {
  if (installed) return;
  installed = true;
  const die = (error: unknown): void => {
    const code = reportInternalError(error);
    process.exit(code);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
}

/**
 * FOR TESTS ONLY: AMLPROBE_TEST_CRASH=throw|uncaught|rejection plants a bug in a real command, so
 * that the test suite can check the exit-3 contract end to end (test/cli-internal-error.test.ts).
 * It is read only here, never set by amlprobe, and documented as a test hook in the README.
 */
export function plantTestCrash(env: NodeJS.ProcessEnv = process.env): void {
  const how = env.AMLPROBE_TEST_CRASH;
  if (how === undefined || how === '') return;
  const bug = new TypeError(`planted by AMLPROBE_TEST_CRASH=${how}\nsecond line of the message`);
  if (how === 'uncaught') setImmediate(() => {
    throw bug;
  });
  else if (how === 'rejection') void Promise.reject(bug);
  else throw bug;
}
