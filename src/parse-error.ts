// Bad input found below the CLI (dns/, net/): the value, what is wrong with it, and the flag or
// setting it came from when the caller said. Those modules know nothing of exit codes; the CLI
// (cli/usage-errors.ts, where every command ends) and the config reader turn these into a
// UsageError (exit 2), with the message unchanged.

/** A value that does not parse, or a file named by the user that cannot be used. */
export class InputParseError extends Error {
  /** The bad value as given (a file name for a file that cannot be used). */
  readonly value: string;
  /** What is wrong with it, as the end of a sentence. */
  readonly why: string;
  /** The flag or setting the value came from, when the caller named it (e.g. "--dns-server"). */
  readonly source: string | undefined;
  /** Where the problem is, printed before the message when the message does not say it already. */
  readonly where: string | undefined;

  constructor(message: string, value: string, why: string, source?: string, where?: string) {
    super(message);
    this.name = 'InputParseError';
    this.value = value;
    this.why = why;
    this.source = source;
    this.where = where;
  }
}
