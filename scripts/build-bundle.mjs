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
// Why files beside the bundle instead of embedding them: the code already finds its data through
// packageRoot() (the nearest package.json above the running module), so the bundle needs no second
// code path, the catalog stays readable and editable on the box, and a bundle run from dist/ in a
// clone uses the clone's files. The version is baked in with `define` so that `--version` never
// depends on which package.json is found.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  define: { AMLPROBE_VERSION: JSON.stringify(pkg.version) },
  // ws and ajv are CommonJS and call require('events') and friends; an ES module has no require.
  banner: { js: "import { createRequire as __amlprobeCreateRequire } from 'node:module'; const require = __amlprobeCreateRequire(import.meta.url);" },
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
