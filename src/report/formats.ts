// The report formats of a probe run, by name: what --format accepts. Apart from the renderers
// (src/report/render.ts) so that checking a flag does not load every renderer.

import { extname } from 'node:path';

/** Every report format of a probe run, in the order help and errors list them. */
export const RUN_FORMATS = ['table', 'json', 'html', 'junit', 'markdown'] as const;

/** A report format of a probe run. */
export type RunFormat = (typeof RUN_FORMATS)[number];

/** True when `text` names a run format. */
export function isRunFormat(text: string): text is RunFormat {
  return (RUN_FORMATS as readonly string[]).includes(text);
}

/**
 * The format a report file gets from its extension, so that one run can write `report.json`,
 * `report.html` and `amlprobe.xml` at once. JUnit is the only XML amlprobe writes.
 */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, RunFormat>> = {
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.xml': 'junit',
  '.txt': 'table',
};

/** The format `path` names by its extension (case-insensitive), or undefined when it names none. */
export function formatOfFileName(path: string): RunFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}
