// One place that maps a run report format to its renderer. A new format is one entry here and one
// file in src/report/; the CLI, serve mode and the lab all render through this.

import type { Report } from '../types.js';
import { renderHtml } from './html.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

/** Options a renderer may use; formats that do not colour ignore `colour`. */
export interface RenderOptions {
  colour: boolean;
}

/** Every report format of a probe run, with its renderer. */
const RENDERERS = {
  table: (report: Report, opts: RenderOptions) => renderTable(report, { colour: opts.colour }),
  json: (report: Report) => renderJson(report),
  html: (report: Report) => renderHtml(report),
  junit: (report: Report) => renderJunit(report),
  markdown: (report: Report) => renderMarkdown(report),
} satisfies Record<string, (report: Report, opts: RenderOptions) => string>;

/** A report format of a probe run. */
export type RunFormat = keyof typeof RENDERERS;

/** The formats, in the order help and errors list them. */
export const RUN_FORMATS = Object.keys(RENDERERS) as RunFormat[];

/** True when `text` names a run format. */
export function isRunFormat(text: string): text is RunFormat {
  return Object.hasOwn(RENDERERS, text);
}

/** Renders a run report in `format`. */
export function renderReport(report: Report, format: RunFormat, opts: RenderOptions): string {
  return RENDERERS[format](report, opts);
}

/**
 * The same text as renderReport, in pieces where the format can be written piece by piece (JSON):
 * what the CLI writes, so that a large run's report is never held whole in memory.
 */
export function renderReportChunks(report: Report, format: RunFormat, opts: RenderOptions): Iterable<string> {
  return format === 'json' ? renderJsonChunks(report) : [renderReport(report, format, opts)];
}
