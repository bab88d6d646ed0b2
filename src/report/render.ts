// One place that maps a run report format to its renderer. A new format is one entry here and one
// file in src/report/; the CLI, serve mode and the lab all render through this.
// Each renderer loads when a command asks for its format: a run that prints a table never loads
// the HTML report's eight modules, nor JUnit's, Markdown's or JSON's (issue 15: start-up).

import type { Report } from '../model/report.js';
import type { RunFormat } from './formats.js';

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

/**
 * A report in one format, in pieces where the format can be written piece by piece (JSON): what
 * the CLI writes, so that a large run's report is never held whole in memory.
 */
type Renderer = (report: Report, opts: RenderOptions) => Iterable<string>;

/** Every report format of a probe run (src/report/formats.ts), with how to load its renderer. */
const RENDERERS: Record<RunFormat, () => Promise<Renderer>> = {
  table: async () => {
    const { renderTable } = await import('./table.js');
    return (report, opts) => [renderTable(report, { colour: opts.colour, showCommands: opts.showCommands === true, ...(opts.verbose === true ? { verbose: true } : {}) })];
  },
  json: async () => {
    const { renderJsonChunks, renderJsonCompactChunks } = await import('./json.js');
    return (report, opts) => (opts.compact === true ? renderJsonCompactChunks(report) : renderJsonChunks(report));
  },
  html: async () => {
    const { renderHtml } = await import('./html.js');
    return (report) => [renderHtml(report)];
  },
  junit: async () => {
    const { renderJunit } = await import('./junit.js');
    return (report) => [renderJunit(report)];
  },
  markdown: async () => {
    const { renderMarkdown } = await import('./markdown.js');
    return (report, opts) => [renderMarkdown(report, { showCommands: opts.showCommands === true })];
  },
};

export { RUN_FORMATS, isRunFormat, type RunFormat } from './formats.js';

/** Renders a report in one of the formats it was loaded for; pieces as described at Renderer. */
export type ReportRenderer = (report: Report, format: RunFormat, opts: RenderOptions) => Iterable<string>;

/** Loads the renderers of `formats`, and only those. */
export async function loadRenderers(formats: Iterable<RunFormat>): Promise<ReportRenderer> {
  const loaded = new Map<RunFormat, Renderer>();
  for (const format of new Set(formats)) loaded.set(format, await RENDERERS[format]());
  return (report, format, opts) => {
    const render = loaded.get(format);
    // An amlprobe bug: the command did not say which formats it would write.
    if (render === undefined) throw new Error(`the ${format} renderer was not loaded`);
    return render(report, opts);
  };
}
