// The shape of a JSON report as `amlprobe diff` reads it, checked whole before any comparison: a
// hand-edited or truncated report (checks not a list, an address that is a number) is exit 2
// naming the bad path, never a TypeError inside the comparison. Only the fields the diff reads
// are checked; fields added by later minor versions are ignored.

const STATUSES: readonly string[] = ['pass', 'fail', 'warn', 'skip'];

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A type check: what the value must be, or null when it is right. */
type Rule = (value: unknown) => string | null;

const string: Rule = (v) => (typeof v === 'string' ? null : 'a string');
const nonEmptyString: Rule = (v) => (typeof v === 'string' && v !== '' ? null : 'a non-empty string');
const boolean: Rule = (v) => (typeof v === 'boolean' ? null : 'true or false');
const status: Rule = (v) => (typeof v === 'string' && STATUSES.includes(v) ? null : `one of ${STATUSES.join(', ')}`);
const optional = (rule: Rule): Rule => (v) => (v === undefined ? null : rule(v));
const nullable = (rule: Rule): Rule => (v) => (v === null ? null : rule(v));

/** What `value` is, in a message: "a number (42)", "a list", "null", "missing". */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `a ${typeof value} (${text.length > 40 ? `${text.slice(0, 40)}...` : text})`;
}

/** Checks fields of an object; the first problem as "PATH is X, expected Y", or null. */
function fields(value: Json, path: string, rules: Record<string, Rule>): string | null {
  for (const [key, rule] of Object.entries(rules)) {
    const expected = rule(value[key]);
    if (expected !== null) return `${path}.${key} is ${describe(value[key])}, expected ${expected}`;
  }
  return null;
}

/** Checks each item of a list at `path` with `check`; a missing list is fine when `optional`. */
function eachItem(value: unknown, path: string, check: (item: Json, path: string) => string | null, optionalList = false): string | null {
  if (value === undefined && optionalList) return null;
  if (!Array.isArray(value)) return `${path} is ${describe(value)}, expected a list`;
  for (const [index, item] of value.entries()) {
    const at = `${path}[${index}]`;
    if (!isRecord(item)) return `${at} is ${describe(item)}, expected an object`;
    const problem = check(item, at);
    if (problem !== null) return problem;
  }
  return null;
}

const dnsRecord = (item: Json, path: string): string | null => fields(item, path, { name: string, data: string });

/** The DNS evidence the diff compares: resolved addresses and the CNAME chain of direct answers. */
function dnsDataProblem(data: Json, path: string): string | null {
  return (
    eachItem(data.addresses, `${path}.addresses`, (item, at) => fields(item, at, { address: string }), true) ??
    eachItem(data.direct, `${path}.direct`, (item, at) => fields(item, at, { reason: string }) ?? eachItem(item.cname, `${at}.cname`, dnsRecord), true)
  );
}

function checkProblem(check: Json, path: string): string | null {
  const problem = fields(check, path, { layer: string });
  if (problem !== null) return problem;
  if (check.data === undefined || check.data === null) return null;
  if (!isRecord(check.data)) return `${path}.data is ${describe(check.data)}, expected an object`;
  return check.layer === 'dns' ? dnsDataProblem(check.data, `${path}.data`) : null;
}

function resultProblem(result: Json, path: string): string | null {
  return (
    fields(result, path, {
      id: nonEmptyString,
      status,
      reason: string,
      layer: optional(nullable(string)),
      message: string,
      required: boolean,
      label: optional(string),
      address: optional(nullable(string)),
    }) ?? eachItem(result.checks, `${path}.checks`, checkProblem)
  );
}

/** The first problem that keeps `value` from being an amlprobe report the diff can read, or null. */
export function reportShapeProblem(value: unknown): string | null {
  if (!isRecord(value)) return `it is JSON but ${describe(value)}, not an object`;
  if (!isRecord(value.tool) || value.tool.name !== 'amlprobe') return 'it is JSON but not an amlprobe report (no tool.name "amlprobe")';
  if (typeof value.schemaVersion !== 'number') return `schemaVersion is ${describe(value.schemaVersion)}, expected a number`;
  return fields(value, '', { startedAt: string })?.replace(/^\./, '') ?? eachItem(value.results, 'results', resultProblem);
}
