// Where the shipped catalog lives, and the fingerprint of its files. Kept apart from the loader so
// that finding and fingerprinting the catalog does not load the YAML parser and the schema validator.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { listFolder, readTextFile } from '../package-files.js';
import { packageRoot } from '../package-root.js';

/** The catalog shipped with amlprobe. */
export function defaultCatalogDir(): string {
  return join(packageRoot(), 'probes');
}

/** The schema every scenario file must satisfy. */
export function defaultSchemaPath(): string {
  return join(defaultCatalogDir(), 'catalog.schema.json');
}

/** The scenario files of a catalog folder, sorted by name. */
export function scenarioFileNames(dir: string): string[] {
  return listFolder(dir)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort();
}

/**
 * A digest of everything the loader reads: each scenario file's name and text, and the schema's.
 * Equal digests mean loading would give the same catalog, so the build's validated copy can stand
 * in for it (src/plan/shipped-catalog.ts).
 */
export function catalogDigest(dir: string, schemaPath: string): string {
  const hash = createHash('sha256');
  for (const name of scenarioFileNames(dir)) hash.update(`${name}\0${readTextFile(join(dir, name))}\0`);
  hash.update(`schema\0${readTextFile(schemaPath)}`);
  return hash.digest('hex');
}
