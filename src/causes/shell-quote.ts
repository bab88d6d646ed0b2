// Quoting for a POSIX shell. Names, addresses, proxies and paths in a proof command come from the
// network and from configs: a name with `$(...)`, a backtick or a quote must reach the tool as
// the literal text amlprobe used, never run.

/** Characters that never need quoting in sh, bash or zsh (no glob, no expansion, no word split). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument, quoted only when it needs it: inside single quotes nothing expands, and a single quote becomes '\''. */
export function shellQuote(value: string): string {
  if (PLAIN.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its words, each quoted as needed. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
