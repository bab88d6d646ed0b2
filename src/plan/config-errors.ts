// Problems found in a config file, each pinned to file:line:column, and the one UsageError that
// reports them all. Positions come from the YAML document itself, so a problem found in the parsed
// value (by the schema or by our own checks) still points at the text the user has to edit.

import { isMap, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import { UsageError } from '../errors.js';
import { printable } from '../untrusted/printable.js';
import { redactTyped } from '../untrusted/redact.js';

/** A key or list index leading from the top of the file to a value. */
export type ConfigPath = readonly (string | number)[];

/** One problem in a config file. */
export interface ConfigProblem {
  /** 1-based line and column of the text to fix. */
  line: number;
  col: number;
  /** What is wrong and how to fix it, without the position. */
  message: string;
}

/** How many problems one error lists; later ones are usually consequences of the first. */
export const MAX_LISTED_PROBLEMS = 10;

/** A config file that cannot be used: every problem found, each with its position (exit code 2). */
export class ConfigError extends UsageError {
  /** The config file, as the user named it. */
  readonly file: string;
  /** Every problem, sorted by position. */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    // Messages quote the values they refuse: a proxy URL's password or a key pasted in the wrong
    // place must not reach a terminal or a CI log, nor an escape sequence typed into the file.
    const sorted = [...problems]
      .map((p) => ({ ...p, message: printable(redactTyped(p.message)) }))
      .sort((a, b) => a.line - b.line || a.col - b.col);
    super(formatProblems(file, sorted));
    this.name = 'ConfigError';
    this.file = file;
    this.problems = sorted;
  }
}

/** One line per problem, "file:line:col: message"; a heading when there are several. */
export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${file}:${p.line}:${p.col}: ${p.message}`);
  if (problems.length > MAX_LISTED_PROBLEMS) lines.push(`... and ${problems.length - MAX_LISTED_PROBLEMS} more problems`);
  if (problems.length === 1) return lines[0] ?? '';
  return [`config file '${file}' has ${problems.length} problems:`, ...lines].join('\n');
}

/** "settings.dnsServers[1]", "endpoints[0].expect"; "the file" for the top level. */
export function describePath(path: ConfigPath): string {
  if (path.length === 0) return 'the file';
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/** Finds where a path's value (or one of its keys) is written in the YAML text. */
export class YamlLocator {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Line and column of the value at `path`, or of its nearest written ancestor (e.g. through an alias). */
  valuePosition(path: ConfigPath): { line: number; col: number } {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      const offset = rangeStart(node);
      if (offset !== undefined) return this.lineCounter.linePos(offset);
    }
    return { line: 1, col: 1 };
  }

  /** Line and column of the key `key` in the mapping at `path` (falls back to the mapping). */
  keyPosition(path: ConfigPath, key: string): { line: number; col: number } {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === key);
      const offset = rangeStart(pair?.key);
      if (offset !== undefined) return this.lineCounter.linePos(offset);
    }
    return this.valuePosition(path);
  }

  /** Line and column of a byte offset in the text. */
  offsetPosition(offset: number): { line: number; col: number } {
    return this.lineCounter.linePos(offset);
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
