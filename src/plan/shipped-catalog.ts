// The catalog as a run reads it. The build validates probes/*.yaml once and keeps the result
// (scripts/build-catalog.mjs writes dist/src/plan/catalog-data.js), so a run does not parse YAML or
// compile the JSON Schema before its first packet: that was about half a second of every start.
// The files stay the truth: when the ones found at run time differ from the ones the build read (a
// catalog edited on a jump box, a test's own folder), they are loaded and validated as before.

import type { CatalogScenario } from './catalog-load.js';
import { catalogDigest, defaultCatalogDir, defaultSchemaPath } from './catalog-files.js';

interface BuiltCatalog {
  digest: string;
  text: string;
}

/** The build's validated catalog, or undefined when this copy was compiled without it (tsc alone). */
async function builtCatalog(): Promise<BuiltCatalog | undefined> {
  try {
    return await import('./catalog-data.js');
  } catch {
    return undefined;
  }
}

/** The catalog in `dir`: the build's copy when the files are the ones it validated, else read and validated now. */
export async function loadShippedCatalog(dir: string = defaultCatalogDir(), schemaPath: string = defaultSchemaPath()): Promise<CatalogScenario[]> {
  const built = await builtCatalog();
  if (built !== undefined && sameFiles(built.digest, dir, schemaPath)) return JSON.parse(built.text) as CatalogScenario[];
  return (await import('./catalog-load.js')).loadCatalog(dir, schemaPath);
}

function sameFiles(digest: string, dir: string, schemaPath: string): boolean {
  try {
    return catalogDigest(dir, schemaPath) === digest;
  } catch {
    // An unreadable folder or schema: the loader says what is wrong, with the path.
    return false;
  }
}
