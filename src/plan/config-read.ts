// Shared by the config readers: where problems are collected while the file is converted.

import { UsageError } from '../errors.js';
import { InputParseError } from '../parse-error.js';
import { type ConfigPath, type ConfigProblem, type YamlLocator } from './config-errors.js';

/** Collects problems with their positions; one per value, the first found (the schema's) wins. */
export class ProblemCollector {
  readonly problems: ConfigProblem[] = [];
  private readonly flagged = new Set<string>();

  constructor(private readonly locator: YamlLocator) {}

  /** Records a problem with the value at `path` (or with its key `key`). */
  add(path: ConfigPath, message: string, key?: string): void {
    const id = JSON.stringify(key === undefined ? path : [...path, key]);
    if (this.flagged.has(id)) return;
    this.flagged.add(id);
    const pos = key === undefined ? this.locator.valuePosition(path) : this.locator.keyPosition(path, key);
    this.problems.push({ ...pos, message });
  }

  /** True when a problem was already recorded for this exact value. */
  has(path: ConfigPath): boolean {
    return this.flagged.has(JSON.stringify(path));
  }

  /**
   * Runs a parser that throws UsageError (parseTarget, parseDuration, ...) or, below the plan, an
   * InputParseError (parseDnsServer, parseCidr), and records its message
   * against `path`, after `prefix` when given; returns undefined on failure so conversion can go on
   * and find more problems.
   */
  attempt<T>(path: ConfigPath, parse: () => T, prefix?: string): T | undefined {
    if (this.has(path)) return undefined;
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof InputParseError)) throw error;
      this.add(path, prefix === undefined ? error.message : `${prefix} ${error.message}`);
      return undefined;
    }
  }
}

/** The mapping at a value, or undefined when it is anything else (the schema reports that). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The strings of a list with their indexes, skipping non-strings (the schema reports those). */
export function stringItems(value: unknown): [number, string][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i): [number, string][] => (typeof item === 'string' ? [[i, item]] : []));
}

/** The value when it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a boolean, else undefined. */
export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

