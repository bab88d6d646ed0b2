// Loads the endpoint catalog: every probes/*.yaml file, validated against probes/catalog.schema.json,
// with errors that point at file:line so whoever edits the catalog finds the bad row at once.

import { basename, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { readTextFile } from '../package-files.js';
import { BUILTIN_ROOT } from '../package-root.js';
import { defaultCatalogDir, defaultSchemaPath, scenarioFileNames } from './catalog-files.js';
import { UsageError } from '../errors.js';
import type { Cloud } from '../model/profile.js';
import type { Protocol } from '../model/endpoint.js';

/**
 * How a catalog row is probed; `none` rows are shown, never probed. Any target scheme but the
 * cleartext http and ws: probes/catalog.schema.json lists which, so a new kind's scheme needs only
 * its line there.
 */
export type CatalogProbe = Exclude<Protocol, 'http' | 'ws'> | 'none';

/** How strongly the documentation asks for a row. */
export type CatalogRequirement = 'required' | 'conditional' | 'optional' | 'informational';

/** One documented endpoint, as written in a probes/*.yaml file (see /tmp/catalog-format.md). */
export interface CatalogRow {
  id: string;
  /** Host template, e.g. "{workspaceId}.workspace.{region}.{cloud.amlApiZone}"; "*." marks a wildcard. */
  host: string;
  probe: CatalogProbe;
  ports: number[];
  transport: 'tcp' | 'udp' | 'any';
  direction: 'outbound' | 'inbound';
  requirement: CatalogRequirement;
  condition?: string;
  serviceTag: string | null;
  privateDnsZone: string | null;
  expectPrivate: boolean;
  wildcard?: string;
  wellKnownHost?: string;
  purpose: string;
  remediation: string;
  sources: string[];
  disagreement?: string;
  /** Clouds the row applies to; absent means all three. */
  clouds?: Cloud[];
  /** How to verify a row that is never probed (inbound, informational). */
  verify?: string;
  /** Request path for https/wss rows; defaults to '/'. */
  path?: string;
  /** Statuses that prove the path for https/wss rows (endpoint.expect.httpStatus); absent: the probe kind's rule. */
  httpStatus?: number[];
  /** "probes/file.yaml:12" where the row starts, for messages about it. */
  at?: string;
}

/** One scenario file. */
export interface CatalogScenario {
  scenario: string;
  title: string;
  description: string;
  sources: string[];
  endpoints: CatalogRow[];
  /** The file it was read from. */
  file?: string;
}

export { defaultCatalogDir, defaultSchemaPath } from './catalog-files.js';

/**
 * Reads and validates every *.yaml in `dir` (sorted by name). Throws UsageError with file:line for
 * YAML syntax errors, schema violations, a scenario name that differs from its file name, and an id
 * used twice in one file or for two different endpoints in two files.
 */
export function loadCatalog(dir: string = defaultCatalogDir(), schemaPath: string = defaultSchemaPath()): CatalogScenario[] {
  const validate = compileSchema(schemaPath);
  let files: string[];
  try {
    files = scenarioFileNames(dir);
  } catch (error) {
    throw new UsageError(`cannot read the catalog directory: ${(error as Error).message}`, dir);
  }
  const scenarios = files.map((name) => loadScenarioFile(join(dir, name), validate));
  checkIdsAcrossFiles(scenarios);
  return scenarios;
}

/** Compiled validators by schema path: compiling costs tens of milliseconds, loading is repeated in tests. */
const validators = new Map<string, ValidateFunction>();

function compileSchema(schemaPath: string): ValidateFunction {
  const cached = validators.get(schemaPath);
  if (cached !== undefined) return cached;
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(readTextFile(schemaPath)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`cannot read the catalog schema: ${(error as Error).message}`, schemaPath);
  }
  // The schema's own $schema decides the dialect; formats are not validated (no ajv-formats dependency).
  const options = { allErrors: true, strict: false, validateFormats: false };
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  const ajv = is2020 ? new Ajv2020(options) : new Ajv(options);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new Error(`${schemaPath}: the catalog schema does not compile: ${(error as Error).message}`);
  }
  validators.set(schemaPath, validate);
  return validate;
}

/** Parses one file; every error carries file:line:column. */
function loadScenarioFile(file: string, validate: ValidateFunction): CatalogScenario {
  const text = readTextFile(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const shown = displayPath(file);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const pos = lines.linePos(firstError.pos[0]);
    throw new UsageError(`invalid YAML: ${firstError.message.split('\n')[0]}`, `${shown}:${pos.line}:${pos.col}`);
  }
  const data: unknown = doc.toJS();
  if (!validate(data)) {
    const error = pickError(validate.errors ?? []);
    const path = pointerToPath(error?.instancePath ?? '');
    throw new UsageError(`${describeError(error)} (catalog.schema.json)`, `${shown}:${lineOf(doc, lines, path)}`);
  }
  const scenario = data as CatalogScenario;
  const expected = basename(file).replace(/\.ya?ml$/i, '');
  if (scenario.scenario !== expected) {
    throw new UsageError(`scenario '${scenario.scenario}' must match its file name '${expected}'.`, `${shown}:${lineOf(doc, lines, ['scenario'])}`);
  }
  const seen = new Map<string, number>();
  scenario.file = shown;
  scenario.endpoints = scenario.endpoints.map((row, index) => {
    const at = `${shown}:${lineOf(doc, lines, ['endpoints', index])}`;
    const before = seen.get(row.id);
    if (before !== undefined) throw new UsageError(`endpoint id '${row.id}' is used twice in this file (first at line ${before}).`, at);
    seen.set(row.id, Number(at.slice(at.lastIndexOf(':') + 1)));
    return withDefaults(row, at);
  });
  return scenario;
}

/** Fills optional keys so the expansion code never guesses. */
function withDefaults(row: CatalogRow, at: string): CatalogRow {
  return {
    ...row,
    ports: row.ports ?? [],
    serviceTag: row.serviceTag ?? null,
    privateDnsZone: row.privateDnsZone ?? null,
    expectPrivate: row.expectPrivate ?? false,
    sources: row.sources ?? [],
    at,
  };
}

/** The fields that decide what is probed: a row repeated in several scenarios must agree on them. */
const IDENTITY_FIELDS = ['host', 'probe', 'ports', 'transport', 'direction', 'wildcard', 'wellKnownHost', 'clouds', 'expectPrivate', 'path', 'httpStatus'] as const;

function checkIdsAcrossFiles(scenarios: CatalogScenario[]): void {
  const first = new Map<string, CatalogRow>();
  for (const scenario of scenarios) {
    for (const row of scenario.endpoints) {
      const earlier = first.get(row.id);
      if (earlier === undefined) {
        first.set(row.id, row);
        continue;
      }
      const differs = IDENTITY_FIELDS.find((key) => JSON.stringify(earlier[key]) !== JSON.stringify(row[key]));
      if (differs !== undefined) {
        throw new UsageError(
          `endpoint id '${row.id}' is also defined at ${earlier.at} with a different ${differs}: ids are unique across the catalog, ` +
            'so a row repeated in several scenarios must describe the same endpoint.',
          row.at,
        );
      }
    }
  }
}

/** The most useful of ajv's errors: the deepest one, since "anyOf failed" at the root says little. */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function describeError(error: ErrorObject | undefined): string {
  if (error === undefined) return 'does not match the catalog schema';
  const where = error.instancePath === '' ? 'the file' : error.instancePath.slice(1).replaceAll('/', '.');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${where}: unknown key '${String(params.additionalProperty)}'`;
  if (error.keyword === 'required') return `${where}: missing key '${String(params.missingProperty)}'`;
  if (error.keyword === 'enum') return `${where} ${error.message ?? ''}: ${(params.allowedValues as unknown[]).join(', ')}`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** "/endpoints/3/host" -> ['endpoints', 3, 'host']. */
function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The 1-based line of the node at `path`, or of its closest existing ancestor. */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return 1;
}

/** Paths relative to the working directory (or the built-in files) read better in messages than absolute ones. */
function displayPath(file: string): string {
  if (file.startsWith(`${BUILTIN_ROOT}/`) || file.startsWith(`${BUILTIN_ROOT}\\`)) return file.slice(BUILTIN_ROOT.length + 1).replaceAll('\\', '/');
  const cwd = process.cwd();
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}
