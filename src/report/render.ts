// One place that maps a run report format to its renderer. A new format is one entry here and one
// file in src/report/; the CLI, serve mode and the lab all render through this.

import type { Report } from '../model/report.js';
import type { RunFormat } from './formats.js';
import { renderHtml } from './html.js';
import { renderJson, renderJsonChunks, renderJsonCompactChunks } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

/** Options a renderer may use; formats that do not colour ignore `colour`. */
export interface RenderOptions {
  colour: boolean;
  /** JSON only: the whole report on one line (a CronJob's log line), instead of indented. */
  compact?: boolean;
  /** Table and Markdown: each failed row's proof commands under it (--show-commands); JSON and HTML always carry them. */
  showCommands?: boolean;
  /** Table only: each layer's time and each resolver's answer under every row. */
  verbose?: boolean;
}

/** Every report format of a probe run (src/report/formats.ts), with its renderer. */
const RENDERERS: Record<RunFormat, (report: Report, opts: RenderOptions) => string> = {
  table: (report: Report, opts: RenderOptions) => renderTable(report, { colour: opts.colour, showCommands: opts.showCommands === true, ...(opts.verbose === true ? { verbose: true } : {}) }),
  json: (report: Report) => renderJson(report),
  html: (report: Report) => renderHtml(report),
  junit: (report: Report) => renderJunit(report),
  markdown: (report: Report, opts: RenderOptions) => renderMarkdown(report, { showCommands: opts.showCommands === true }),
};

export { RUN_FORMATS, isRunFormat, type RunFormat } from './formats.js';

/** Renders a run report in `format`. */
export function renderReport(report: Report, format: RunFormat, opts: RenderOptions): string {
  return RENDERERS[format](report, opts);
}

/**
 * The same text as renderReport, in pieces where the format can be written piece by piece (JSON):
 * what the CLI writes, so that a large run's report is never held whole in memory.
 */
export function renderReportChunks(report: Report, format: RunFormat, opts: RenderOptions): Iterable<string> {
  if (format === 'json') return opts.compact === true ? renderJsonCompactChunks(report) : renderJsonChunks(report);
  return [renderReport(report, format, opts)];
}
