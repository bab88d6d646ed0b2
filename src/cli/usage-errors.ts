// The CLI's edge for bad input found below it: dns/ and net/ throw their own typed errors
// (InputParseError and its kinds) because they know nothing of exit codes, and the plan lets them
// through; here, where every command ends, they become the UsageError that means exit 2, their
// message and place unchanged.

import { UsageError } from '../errors.js';
import { InputParseError } from '../parse-error.js';

/** The error as a UsageError when it is bad input, else unchanged. */
export function asUsageError(error: unknown): unknown {
  return error instanceof InputParseError ? new UsageError(error.message, error.where) : error;
}
