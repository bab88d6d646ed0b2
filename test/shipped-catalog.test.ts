// The catalog a run reads (src/plan/shipped-catalog.ts): the build's validated copy stands in for
// probes/ only while the files are the ones the build read; any other folder, or an edited copy of
// probes/, is read and validated as before, with the same file:line errors.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isUsageError } from '../src/errors.js';
import { catalogDigest, defaultCatalogDir, defaultSchemaPath } from '../src/plan/catalog-files.js';
import { loadCatalog } from '../src/plan/catalog-load.js';
import { loadShippedCatalog } from '../src/plan/shipped-catalog.js';
import * as built from '../src/plan/catalog-data.js';

const work = mkdtempSync(join(tmpdir(), 'amlprobe-shipped-catalog-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the shipped catalog folder to edit. */
function copyOfProbes(name: string): string {
  const dir = join(work, name);
  cpSync(defaultCatalogDir(), dir, { recursive: true });
  return dir;
}

describe('the catalog a run reads', () => {
  it('is the build copy of exactly the files in probes/ (the build ran on these files)', async () => {
    assert.equal(built.digest, catalogDigest(defaultCatalogDir(), defaultSchemaPath()), 'dist/src/plan/catalog-data.js is stale: run npm run build');
    const shipped = await loadShippedCatalog();
    // Rows record where they were written relative to the package ("probes/studio.yaml:12") wherever the run starts.
    const cwd = process.cwd();
    process.chdir(join(defaultCatalogDir(), '..'));
    try {
      assert.deepEqual(shipped, loadCatalog());
    } finally {
      process.chdir(cwd);
    }
    assert.ok(shipped.length > 5 && shipped.every((s) => s.endpoints.length > 0));
  });

  it('reads an edited copy of probes/ instead of the build copy', async () => {
    const dir = copyOfProbes('edited');
    const file = join(dir, 'studio.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(/^title: .*$/m, 'title: "Edited on the jump box"');
    assert.notEqual(edited, text);
    writeFileSync(file, edited);
    const scenarios = await loadShippedCatalog(dir, join(dir, 'catalog.schema.json'));
    const studio = scenarios.find((s) => s.scenario === 'studio');
    assert.equal(studio?.title, 'Edited on the jump box');
  });

  it('validates an edited copy: a bad row is refused with its file and line', async () => {
    const dir = copyOfProbes('broken');
    const file = join(dir, 'studio.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/requirement: \w+/, 'requirement: sometimes'));
    await assert.rejects(loadShippedCatalog(dir, join(dir, 'catalog.schema.json')), (error: unknown) => {
      assert.ok(isUsageError(error));
      assert.match(`${error.where}`, /studio\.yaml:\d+$/);
      assert.match(error.message, /requirement/);
      return true;
    });
  });

  it('says what is wrong with a catalog folder that does not exist', async () => {
    await assert.rejects(loadShippedCatalog(join(work, 'missing'), defaultSchemaPath()), (error: unknown) => isUsageError(error) && /catalog directory/.test(error.message));
  });
});
