// The report formats of a probe run, by name: what --format accepts. Apart from the renderers
// (src/report/render.ts) so that checking a flag does not load every renderer.

/** Every report format of a probe run, in the order help and errors list them. */
export const RUN_FORMATS = ['table', 'json', 'html', 'junit', 'markdown'] as const;

/** A report format of a probe run. */
export type RunFormat = (typeof RUN_FORMATS)[number];

/** True when `text` names a run format. */
export function isRunFormat(text: string): text is RunFormat {
  return (RUN_FORMATS as readonly string[]).includes(text);
}
