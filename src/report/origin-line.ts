// One compact line telling where each workspace value came from, grouped by source, so a reader sees
// at a glance what amlprobe was told (flags, config, environment) and what it learned by itself
// (IMDS, the compute instance's markers, registry discovery). Printed under the profile line.

/** Display order and wording of the sources; unknown sources are shown by their own name, last. */
const SOURCES: readonly [string, string][] = [
  ['flag', 'flags'],
  ['config', 'config'],
  ['env', 'environment'],
  ['workspace-json', 'workspace JSON'],
  ['compute-instance', 'compute instance'],
  ['imds', 'IMDS'],
  ['discovery', 'registry discovery'],
  // The cloud a region name belongs to (chinaeast2: 21Vianet), src/plan/region-cloud.ts.
  ['region', 'region name'],
  ['default', 'default'],
];

/** "Sources: flags region, workspaceName; IMDS ...; default cloud", or undefined for an empty map. */
export function originLine(origin: Readonly<Record<string, string>>): string | undefined {
  const bySource = new Map<string, string[]>();
  for (const [field, source] of Object.entries(origin)) bySource.set(source, [...(bySource.get(source) ?? []), field]);
  if (bySource.size === 0) return undefined;
  const known = new Map(SOURCES);
  const order = [...SOURCES.map(([s]) => s), ...[...bySource.keys()].filter((s) => !known.has(s)).sort()];
  const parts = order.filter((s) => bySource.has(s)).map((s) => `${known.get(s) ?? s} ${bySource.get(s)!.join(', ')}`);
  return `Sources: ${parts.join('; ')}`;
}
