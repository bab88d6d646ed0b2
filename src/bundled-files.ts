// amlprobe's data files (catalog, schemas, lab certificates) as the one-file tool carries them.
// Empty here: scripts/build-bundle.mjs replaces this module, in the bundle only, with one generated
// from the files of the build, so `dist/amlprobe.mjs` copied alone and the single executable need
// no folder beside them. The unbundled `dist/src/cli.js` reads the files from disk instead.

/** Path relative to the package root, with '/' separators -> the file's text. */
export const BUNDLED_FILES: ReadonlyMap<string, string> = new Map();
