// A seeded mutator of amlprobe configs and the oracle it is judged by. Each case is generated
// from (seed, index) alone, so any case replays without the ones before it. Mutations mix raw
// text damage (YAML tokens, control bytes, deep brackets, truncation, indentation shifts) with
// structural edits on the parsed document (a key set to a hostile value, deleted, wrapped in a
// list), which reach the validators behind the YAML syntax check. The oracle: the config loader,
// then the settings and profile built from it, either succeed or throw a UsageError (exit 2 with
// a message); anything else (a TypeError, a RangeError, a stack overflow) is a finding.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { buildSettings } from '../../src/plan/build-settings.js';
import { profileFromOptions } from '../../src/plan/workspace-profile.js';
import { isUsageError } from '../../src/errors.js';
import { parseConfig } from '../../src/plan/config.js';
import { mulberry32, type Random } from './mulberry32.js';

/** A random number source in [0, 1). */
export type { Random };

/** The case's own generator: the seed and the index mixed, so each case can be replayed alone. */
export function caseRandom(seed: number, index: number): Random {
  return mulberry32((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, below: number): number => Math.floor(random() * below);

/** The valid configs mutated: the shipped examples and the good test fixtures. */
export function seedConfigs(repoRoot: string): { name: string; text: string }[] {
  const good = join(repoRoot, 'test', 'fixtures', 'configs', 'good');
  const files = [join(repoRoot, 'config', 'example.yaml'), join(repoRoot, 'config', 'minimal.yaml')];
  for (const name of readdirSync(good).sort()) if (name.endsWith('.yaml')) files.push(join(good, name));
  return files.map((file) => ({ name: file.slice(repoRoot.length + 1), text: readFileSync(file, 'utf8') }));
}

/** Text that YAML, the schema or a value parser treats specially. */
const TOKENS = [
  '[', ']', '{', '}', ':', ': ', '- ', ', ', '? ', '&a ', '*a', '!!str ', '!!int ', '!!map ', '!custom ', '|', '>-', "'", '"', '#',
  '\t', '\n', '\r\n', '---\n', '...\n', '%YAML 1.2\n', '<<: *a\n', '~', 'null', 'true', 'yes', '0x1F', '1e309', '-0', 'NaN', '.inf',
  '\u0000', '\u001b[31m', '\u2028', '\ufeff', '\ud800', 'é', '𝒜', '\\', '%', '@', '`',
];

/** Values that hit the value parsers (durations, addresses, CIDRs, targets, names) at their edges. */
const VALUES: unknown[] = [
  '3', 3, 0, -1, '-1s', '0s', '0.0001ms', '1e3s', '99999999999999999999999s', '2147483648ms', 'NaN', 'Infinity', 1.5, 2 ** 53 + 1,
  '10.0.0.4', '10.0.0.4:0', '10.0.0.4:65536', '[::1]:53', '::1', 'fd00::/7', '10.0.0.0/33', '10.1.2.3/8', '0.0.0.0/0', '256.1.1.1',
  'https://ml.azure.com', 'tcp://10.0.0.5:445', 'udp://[fd00::1]:5831', 'ftp://x', 'http://user:pass@proxy:3128', 'auto', 'none',
  'hex:zz', 'text:', 'base64:!!!', 'eastus', 'East US', 'a'.repeat(300), '', ' ', null, true, false, [], {}, [[[]]], { a: { b: { c: 1 } } },
  ['x', 'x'], 'contoso-', '-contoso', 'xn--', '*.eastus.inference.ml.azure.com', '../../etc/passwd', '/dev/zero',
];

type Mutation = (text: string, random: Random) => string;

/** Raw text edits: what a bad paste, a bad editor or a fuzzer does to a file. */
const TEXT_MUTATIONS: Mutation[] = [
  (t, r) => insertAt(t, int(r, t.length + 1), pick(r, TOKENS)),
  (t, r) => insertAt(t, int(r, t.length + 1), pick(r, TOKENS).repeat(1 + int(r, 8))),
  (t, r) => {
    const start = int(r, t.length + 1);
    return t.slice(0, start) + t.slice(start + 1 + int(r, 40));
  },
  (t, r) => {
    const start = int(r, t.length + 1);
    const piece = t.slice(start, start + 1 + int(r, 80));
    return insertAt(t, int(r, t.length + 1), piece);
  },
  (t, r) => t.slice(0, int(r, t.length + 1)),
  (t, r) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines[i] = ' '.repeat(int(r, 6)) + (lines[i] ?? '').trimStart();
    return lines.join('\n');
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    const j = int(r, lines.length);
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    return lines.join('\n');
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines.splice(i, 0, ...Array.from({ length: 1 + int(r, 50) }, () => lines[i] ?? ''));
    return lines.join('\n');
  },
  // Nesting around the depth limit: just under, at and far over it.
  (t, r) => {
    const depth = pick(r, [10, 62, 63, 64, 65, 200, 5000]);
    return insertAt(t, int(r, t.length + 1), `${'['.repeat(depth)}${']'.repeat(depth)}`);
  },
  (t, r) => {
    const lines = t.split('\n');
    const candidates = lines.flatMap((line, i) => (/:\s+\S/.test(line) ? [i] : []));
    if (candidates.length === 0) return t;
    const i = pick(r, candidates);
    lines[i] = (lines[i] ?? '').replace(/:\s+\S.*$/, `: ${JSON.stringify(pick(r, VALUES)) ?? 'null'}`);
    return lines.join('\n');
  },
];

/** The keys the schema knows, per section, so that structural edits hit what the validators read. */
export interface SchemaKeys {
  settings: string[];
  workspace: string[];
  endpoint: string[];
}

/** The property names of config/amlprobe.schema.json's sections. */
export function schemaKeys(repoRoot: string): SchemaKeys {
  type Node = { properties?: Record<string, Node>; items?: Node };
  const schema = JSON.parse(readFileSync(join(repoRoot, 'config', 'amlprobe.schema.json'), 'utf8')) as Node;
  const keys = (node: Node | undefined): string[] => Object.keys(node?.properties ?? {});
  return { settings: keys(schema.properties?.['settings']), workspace: keys(schema.properties?.['workspace']), endpoint: keys(schema.properties?.['endpoints']?.items) };
}

/** Sets a key the schema knows to a hostile value: in settings, workspace, or an endpoint (new or existing). */
function mutateKnownKey(text: string, random: Random, keys: SchemaKeys): string {
  const data = parseForEdit(text);
  if (data === undefined) return text;
  const value = structuredClone(pick(random, VALUES));
  const section = pick(random, ['settings', 'workspace', 'endpoint'] as const);
  if (section === 'endpoint') {
    const endpoints = Array.isArray(data['endpoints']) ? (data['endpoints'] as unknown[]) : (data['endpoints'] = []);
    const existing = endpoints.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e));
    const endpoint = existing.length > 0 && random() < 0.6 ? pick(random, existing) : { target: pick(random, VALUES) };
    if (!existing.includes(endpoint)) endpoints.push(endpoint);
    endpoint[pick(random, keys.endpoint)] = value;
  } else {
    const current = data[section];
    const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : (data[section] = {});
    target[pick(random, keys[section])] = value;
  }
  return stringify(data);
}

/** The document as a mutable object, or undefined when it is not a clean mapping. */
function parseForEdit(text: string): Record<string, unknown> | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  try {
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // an unresolved alias or an alias bomb: leave the text to the raw mutations
  }
}

/** Structural edits on the parsed document, so that mutants pass YAML and reach the validators. */
function mutateStructure(text: string, random: Random): string {
  const data = parseForEdit(text);
  if (data === undefined) return text;
  const paths = collectPaths(data, []);
  const path = pick(random, paths);
  if (path === undefined || path.length === 0) return text;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], data) as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  const choice = int(random, 5);
  if (choice === 0) delete parent[key];
  else if (choice === 1) parent[key] = [parent[key]];
  else if (choice === 2) parent[`${String(key)}x`] = parent[key];
  else parent[key] = structuredClone(pick(random, VALUES));
  return stringify(data);
}

/** Every path to a value in `node`, depth-first (configs are small). */
function collectPaths(node: unknown, at: (string | number)[]): (string | number)[][] {
  const paths: (string | number)[][] = [at];
  if (Array.isArray(node)) node.forEach((item, i) => paths.push(...collectPaths(item, [...at, i])));
  else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) paths.push(...collectPaths(v, [...at, k]));
  return paths;
}

function insertAt(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

/** One generated case: which seed config it started from and the mutated text. */
export interface FuzzCase {
  index: number;
  base: string;
  text: string;
}

/** Case `index` of run `seed`: one to four mutations of one seed config. */
export function generateCase(seed: number, index: number, bases: readonly { name: string; text: string }[], keys: SchemaKeys): FuzzCase {
  const random = caseRandom(seed, index);
  const base = pick(random, bases);
  let text = base.text;
  const count = 1 + int(random, 4);
  for (let i = 0; i < count; i++) {
    const roll = random();
    text = roll < 0.3 ? mutateKnownKey(text, random, keys) : roll < 0.45 ? mutateStructure(text, random) : pick(random, TEXT_MUTATIONS)(text, random);
  }
  return { index, base: base.name, text };
}

/** What the loader did with a case: accepted, refused as bad input, or a finding. */
export type Outcome = { kind: 'accepted' } | { kind: 'refused'; message: string } | { kind: 'finding'; error: unknown };

/**
 * Loads the text as a config named `fuzz.yaml`, then builds the settings and the profile from it
 * without flags or environment (no file is read: workspace files named in it are not opened).
 */
export function judgeCase(text: string): Outcome {
  try {
    const config = parseConfig(text, 'fuzz.yaml');
    buildSettings({}, config.settings, {});
    profileFromOptions({}, config.profile, {});
    return { kind: 'accepted' };
  } catch (error) {
    if (isUsageError(error)) {
      if (typeof error.message !== 'string' || error.message.trim() === '') return { kind: 'finding', error: new Error('a usage error without a message') };
      return { kind: 'refused', message: error.message };
    }
    return { kind: 'finding', error };
  }
}
