// The config the serve and healthcheck tests probe: loopback IP literals only, no name lookups.

/** A config probing these targets by IP literal (no name lookups), each `id: target` (required unless marked). */
export function configYaml(endpoints: { id: string; target: string; required?: boolean }[], timeout = '500ms'): string {
  const rows = endpoints.map((e) => `  - target: ${e.target}\n    id: ${JSON.stringify(e.id)}\n    required: ${e.required ?? true}\n`);
  return `version: 1\nsettings:\n  timeout: ${timeout}\n  systemResolver: false\nendpoints:\n${rows.join('')}`;
}
