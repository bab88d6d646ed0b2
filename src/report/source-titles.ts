// What a catalog row's source ids (fw2026, 000_419b64f19bf3dfc6.txt, ...) stand for: the document's
// title and link, from probes/sources.json, so the reports cite documents rather than internal ids.
// Read once, when a report first shows a source; an id the table lacks is shown as it is.

import { join } from 'node:path';
import { readTextFile } from '../package-files.js';
import { packageRoot } from '../package-root.js';

/** One cited document. */
export interface SourceTitle {
  title: string;
  /** Absent for a document without a stable address. */
  url?: string;
}

let table: ReadonlyMap<string, SourceTitle> | undefined;

/** The table from probes/sources.json; empty when the file cannot be read (a report is never refused for it). */
export function sourceTable(path: string = join(packageRoot(), 'probes', 'sources.json')): ReadonlyMap<string, SourceTitle> {
  if (table !== undefined) return table;
  const map = new Map<string, SourceTitle>();
  try {
    const data = JSON.parse(readTextFile(path)) as { sources?: Record<string, { title?: unknown; url?: unknown }> };
    for (const [id, entry] of Object.entries(data.sources ?? {})) {
      if (typeof entry.title !== 'string') continue;
      map.set(id, typeof entry.url === 'string' && /^https:\/\//.test(entry.url) ? { title: entry.title, url: entry.url } : { title: entry.title });
    }
  } catch {
    // No table: ids are shown as they are.
  }
  table = map;
  return map;
}

/** The title and link of a source id, if the table has it. */
export function sourceTitle(id: string): SourceTitle | undefined {
  return sourceTable().get(id);
}
