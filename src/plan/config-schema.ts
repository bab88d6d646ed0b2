// The config file's JSON Schema (config/amlprobe.schema.json, also used by editors) and the
// translation of Ajv's errors into sentences a firewall admin can act on.

import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { readTextFile } from '../package-files.js';
import { packageRoot } from '../package-root.js';
import { describePath, type ConfigPath } from './config-errors.js';
import { closestMatch, didYouMean } from '../did-you-mean.js';
import { unitHint } from './duration.js';

/** A schema violation, located by path (and key, for unknown or missing keys). */
export interface SchemaProblem {
  path: ConfigPath;
  /** Set when the position to show is a key of the mapping at `path`. */
  key?: string;
  message: string;
  /** The key a "missing key" problem is about. */
  missing?: string;
  /** The known key an "unknown key" problem suggests instead. */
  suggested?: string;
}

/** Path of the config file's JSON Schema. */
export function schemaPath(): string {
  return join(packageRoot(), 'config', 'amlprobe.schema.json');
}

let validator: ValidateFunction | undefined;

/** The compiled schema, built once per process. */
function getValidator(): ValidateFunction {
  if (validator !== undefined) return validator;
  // verbose: errors carry the offending data and the schema around it, which the messages need.
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
  // VS Code / yaml-language-server show this instead of "does not match pattern"; so do we.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  validator = ajv.compile(JSON.parse(readTextFile(schemaPath())) as object);
  return validator;
}

/** Validates a parsed config against the schema; returns one problem per violation. */
export function checkSchema(data: unknown): SchemaProblem[] {
  const validate = getValidator();
  if (validate(data)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = explain(error, toPath(error.instancePath, data));
    const key = `${problem.path.join('/')}|${problem.key ?? ''}|${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  // "missing 'target'" next to "unknown key 'traget'; did you mean 'target'?" says one thing twice.
  return problems.filter(
    (p) => p.missing === undefined || !problems.some((q) => q.suggested === p.missing && q.path.join('/') === p.path.join('/')),
  );
}

/** "/endpoints/0/target" -> ['endpoints', 0, 'target'], with numbers where the data has lists. */
function toPath(pointer: string, data: unknown): ConfigPath {
  const path: (string | number)[] = [];
  let value = data;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step = Array.isArray(value) ? Number(seg) : seg;
    path.push(step);
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[step] : undefined;
  }
  return path;
}

type SchemaNode = {
  type?: string | string[];
  items?: SchemaNode;
  properties?: Record<string, unknown>;
  patternErrorMessage?: string;
  enum?: unknown[];
};

/** One Ajv error as a sentence naming the value, what was expected and, where possible, the fix. */
function explain(error: ErrorObject, path: ConfigPath): SchemaProblem {
  const where = describePath(path);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys(schema.properties ?? {});
      const place = path.length === 0 ? 'at the top level' : `in ${where}`;
      const suggested = closestMatch(key, known);
      const hint = suggested === undefined ? `; known keys: ${known.join(', ')}` : `; did you mean '${suggested}'?`;
      return { path, key, message: `unknown key '${key}' ${place}${hint}`, ...(suggested === undefined ? {} : { suggested }) };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      if (path.length === 0 && key === 'version') return { path, missing: key, message: "missing 'version: 1' at the top of the file" };
      return { path, missing: key, message: `${where} is missing the key '${key}'` };
    }
    case 'type':
      return { path, message: `${where} must be ${expected(schema)}, not ${describeValue(error.data)}${typeHint(schema, error.data)}` };
    case 'const':
      if (path.length === 1 && path[0] === 'version') {
        return { path, message: `version must be 1 (the only config format so far), not ${describeValue(error.data)}` };
      }
      return { path, message: `${where} must be ${JSON.stringify(params['allowedValue'])}` };
    case 'enum': {
      const allowed = (schema.enum ?? []).map(String);
      const hint = didYouMean(String(error.data), allowed);
      return { path, message: `${where} must be one of ${allowed.join(', ')}, not '${String(error.data)}'${hint}` };
    }
    case 'pattern': {
      const bareNumber = isDuration(schema) && /^\s*[\d.]+\s*$/.test(String(error.data)) ? `; ${unitHint(String(error.data).trim())}` : '';
      return { path, message: `${where} must be ${schema.patternErrorMessage ?? `text matching ${String(params['pattern'])}`}, not '${String(error.data)}'${bareNumber}` };
    }
    case 'minimum':
    case 'maximum':
      return { path, message: `${where} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params['limit'])}, not ${String(error.data)}` };
    case 'minItems':
    case 'minLength':
      return { path, message: `${where} must not be empty` };
    case 'uniqueItems': {
      // Ajv's i and j come in either order depending on the item types; name them by position.
      const later = Math.max(Number(params['i']), Number(params['j']));
      const first = Math.min(Number(params['i']), Number(params['j']));
      const value = Array.isArray(error.data) ? error.data[later] : undefined;
      return { path: [...path, later], message: `${where} lists ${describeValue(value)} twice (as [${first}] and [${later}]); remove one` };
    }
    default:
      return { path, message: `${where} ${error.message ?? 'is not valid'}` };
  }
}

/** A duration key (settings.timeout, settings.deadline): its pattern message says so. */
function isDuration(schema: SchemaNode): boolean {
  return schema.patternErrorMessage?.startsWith('a duration') === true;
}

/** What a schema node asks for, in words. */
function expected(schema: SchemaNode): string {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string') && types.includes('integer')) {
    return schema.patternErrorMessage ?? 'a string or a whole number';
  }
  switch (types[0]) {
    case 'string':
      return isDuration(schema) ? (schema.patternErrorMessage ?? 'a string') : 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping (key: value lines)';
    case 'array': {
      const item = schema.items?.type;
      if (item === 'string') return 'a list of strings';
      if (item === 'integer') return 'a list of whole numbers';
      if (item === 'object') return 'a list of mappings';
      return 'a list';
    }
    default:
      return 'something else';
  }
}

/** The value as the message should show it. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') return `the text '${value}'`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

/** The usual fix for the usual mistakes: a scalar where a list goes, yes/no for booleans, ... */
function typeHint(schema: SchemaNode, value: unknown): string {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types[0] === 'array' && value !== null && typeof value !== 'object') {
    return `; write a list, e.g. [${JSON.stringify(value)}] or one '- item' per line`;
  }
  if (types[0] === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)) {
    return '; YAML 1.2 reads yes/no/on/off as text, write true or false';
  }
  if (types[0] === 'object' && schema.properties !== undefined && 'target' in schema.properties && typeof value === 'string') {
    return `; write '- target: ${value}'`;
  }
  if (types[0] === 'object' && value === null) return '; add keys under it or remove it';
  if (isDuration(schema) && typeof value === 'number') return `; ${unitHint(value)}`;
  return '';
}
