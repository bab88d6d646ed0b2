// The catalog validated at build time, written by scripts/build-catalog.mjs next to the compiled
// code (dist/src/plan/catalog-data.js). Only its shape lives in the source tree.

/** catalogDigest() of the files the build read. */
export declare const digest: string;
/** JSON of the CatalogScenario[] that loadCatalog() returned for them. */
export declare const text: string;
