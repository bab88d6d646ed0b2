// Errors that end the run with exit code 2: bad flags, bad config, bad targets. The CLI prints
// `message` as one paragraph and never a stack trace; everything else is a bug.

/** A problem with what the user asked for: what is wrong, where, and how to fix it. */
export class UsageError extends Error {
  /** Where the problem is, e.g. "config.yaml:12:5" or "--dns-server"; printed before the message. */
  readonly where: string | undefined;

  constructor(message: string, where?: string) {
    super(message);
    this.name = 'UsageError';
    this.where = where;
  }
}

/** True for errors that mean "the user asked for something invalid" (exit code 2). */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
