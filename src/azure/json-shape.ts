// Reading the shape of JSON the user handed over from the Azure CLI or ARM: what the three readers
// (workspace, private endpoints, managed network) need to walk it and to say what they found instead.

/** The value as an object, or undefined for a list, null or a scalar. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** What a value is, for "expected an object, got ..." (a string is quoted, cut at 40 characters). */
export function describeJsonValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string '${value.slice(0, 40)}'`;
  return `a ${typeof value}`;
}
