// Sources read as documents (issue 16): every source id a catalog row or scenario cites has a title
// and a link (or says why it has none) in probes/sources.json, which the reports read; an id the
// table lacks would show as a bare internal id.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCatalogDir, loadCatalog } from '../src/plan/catalog-load.js';
import { sourceTable } from '../src/report/source-titles.js';

describe('probes/sources.json: a title and a link for every cited source', () => {
  const table = sourceTable();
  const raw = JSON.parse(readFileSync(join(defaultCatalogDir(), 'sources.json'), 'utf8')) as { sources: Record<string, { title?: string; url?: string; note?: string }> };
  const catalog = loadCatalog();
  const cited = new Set(catalog.flatMap((s) => [...s.sources, ...s.endpoints.flatMap((row) => row.sources)]));

  it('reads the catalog\'s citations', () => {
    assert.ok(cited.size > 10, `only ${cited.size} source ids`);
    assert.ok(cited.has('fw2026'));
  });

  it('has an entry for every id the catalog cites', () => {
    const missing = [...cited].filter((id) => !table.has(id)).sort();
    assert.deepEqual(missing, [], `add these to probes/sources.json: ${missing.join(', ')}`);
  });

  it('gives each entry a title and an https link, or a note saying why it has none', () => {
    for (const [id, entry] of Object.entries(raw.sources)) {
      assert.ok(typeof entry.title === 'string' && entry.title.length > 5, `${id}: title`);
      assert.ok((entry.url !== undefined && /^https:\/\/\S+$/.test(entry.url)) || (entry.note ?? '') !== '', `${id}: url or note`);
      assert.equal(table.get(id)?.url, entry.url, `${id}: the reports read the same link`);
    }
  });

  it('lists no id the catalog does not cite', () => {
    const unused = Object.keys(raw.sources).filter((id) => !cited.has(id));
    assert.deepEqual(unused, []);
  });
});
