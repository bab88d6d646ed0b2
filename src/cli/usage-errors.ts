// The CLI's edge for bad input found below it: dns/ and net/ throw their own typed errors
// (InputParseError and its kinds) because they know nothing of exit codes; here those become the
// UsageError that ends the command with exit 2, their message unchanged.

import { UsageError } from '../errors.js';
import { InputParseError } from '../parse-error.js';

/** The error as a UsageError when it is bad input (printed after `where` when given), else unchanged. */
export function asUsageError(error: unknown, where?: string): unknown {
  return error instanceof InputParseError ? new UsageError(error.message, where) : error;
}

/** Runs a parser of dns/ or net/ on user input: its parse error is a usage error. */
export function parsingInput<T>(parse: () => T, where?: string): T {
  try {
    return parse();
  } catch (error) {
    throw asUsageError(error, where);
  }
}
