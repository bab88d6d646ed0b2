#!/usr/bin/env node
// Builds the jump-box bundle after `tsc`: dist/amlprobe.mjs (amlprobe and all its dependencies in
// one ES module, runnable with plain `node`, no npm install) and dist/amlprobe-bundle.tar.gz, which
// holds that file beside the data it reads at run time:
//
//   amlprobe/amlprobe.mjs      the bundle
//   amlprobe/package.json      a tiny one: name, version; it is what src/package-root.ts finds
//   amlprobe/probes/           the catalog (*.yaml and catalog.schema.json)
//   amlprobe/config/           the config schema and examples
//   amlprobe/lab/certs/        the lab's certificates
//
// The bundle also carries those data files (scripts/bundle-plugins.mjs), so `amlprobe.mjs` copied
// alone runs every command. Files found beside it win (src/package-root.ts): the catalog of an
// unpacked tarball stays readable and editable on the box, and a bundle run from dist/ in a clone
// uses the clone's files. The version is baked in with `define` so that `--version` never depends
// on which package.json is found.
//
// Old Node.js: jump boxes often have the distribution's (Ubuntu 22.04: 12.22, Debian 12: 18.19).
// The syntax is lowered to what Node 12 parses and built-ins are required when used, so that
// src/node-guard.ts, the first module, runs there and refuses in one line instead of a SyntaxError.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtinsAtRunTimePlugin, bundledFilesPlugin, textChunksPlugin, TEXT_CHUNKS } from './bundle-plugins.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const outfile = join(dist, 'amlprobe.mjs');

await build({
  // The tsc output is bundled, so the bundle runs exactly the code the tests ran.
  entryPoints: [join(dist, 'src', 'cli.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Node 12 (Ubuntu 22.04's) must parse it so node-guard.ts can speak; the cost is private fields
  // compiled to WeakMaps in undici and ws, unmeasurable next to a network round trip.
  target: 'node12',
  minify: true,
  // Class and function names stay: error messages and `instanceof`-free checks read error.name.
  keepNames: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [bundledFilesPlugin(root), builtinsAtRunTimePlugin(), textChunksPlugin(root, TEXT_CHUNKS)],
  define: { AMLPROBE_VERSION: JSON.stringify(pkg.version) },
  // ws and ajv are CommonJS and call require('events') and friends; an ES module has no require.
  // 'module', not 'node:module': Node 12 before 12.20 has no node: scheme, and this line runs first.
  banner: { js: "import { createRequire as __amlprobeCreateRequire } from 'module'; const require = __amlprobeCreateRequire(import.meta.url);" },
});

// The tarball: a staging folder laid out as the box will see it, then `tar` (present on Linux,
// macOS and Windows 10+), so no archive library is needed.
const stage = join(dist, 'bundle-stage');
const top = join(stage, 'amlprobe');
rmSync(stage, { recursive: true, force: true });
mkdirSync(top, { recursive: true });
cpSync(outfile, join(top, 'amlprobe.mjs'));
for (const dir of ['probes', 'config', join('lab', 'certs')]) cpSync(join(root, dir), join(top, dir), { recursive: true });
const tiny = {
  name: pkg.name,
  version: pkg.version,
  description: 'amlprobe jump-box bundle: run `node amlprobe.mjs --help`.',
  license: pkg.license,
  type: 'module',
  private: true,
  bin: { amlprobe: 'amlprobe.mjs' },
  engines: pkg.engines,
};
writeFileSync(join(top, 'package.json'), `${JSON.stringify(tiny, null, 2)}\n`);
execFileSync('tar', ['-czf', join(dist, 'amlprobe-bundle.tar.gz'), '-C', stage, 'amlprobe'], { stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
