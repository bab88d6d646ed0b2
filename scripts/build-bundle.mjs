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

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { snapshot, writeInputsManifest } from './bundle-inputs.mjs';
import { asComment, builtinsAtRunTimePlugin, bundledFilesPlugin, textChunksPlugin, TEXT_CHUNKS } from './bundle-plugins.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const outfile = join(dist, 'amlprobe.mjs');

// The file is a small stub followed by the program in a comment. Node compiles a module whole
// before running any of it, and compiling the program (about 2 MB with its carried packages) was
// most of what `--version` and a one-endpoint `check` cost above bare `node -e 0`; a comment is only
// skipped over. The stub runs node-guard.ts (so it is lowered for old Node.js and parses there),
// answers `--version` by itself, and otherwise reads its own file and evaluates the program, which
// is built for the Node.js it needs. Large packages the program uses only in some commands (see
// TEXT_CHUNKS) are further comments, evaluated when first required.
const chunks = new Map();
// What the tsc output looks like before esbuild reads it: dist/amlprobe-inputs.json is written
// only if the files the bundle carries are still these afterwards (./bundle-inputs.mjs).
const before = snapshot(root);
const program = await build({
  // The tsc output is bundled, so the bundle runs exactly the code the tests ran.
  entryPoints: [join(dist, 'src', 'cli', 'main.js')],
  write: false,
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  // Class and function names stay: error messages and `instanceof`-free checks read error.name.
  keepNames: true,
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
  absWorkingDir: root,
  plugins: [bundledFilesPlugin(root, chunks), textChunksPlugin(root, TEXT_CHUNKS, chunks)],
  // The program finds its data files beside the bundle (src/package-root.ts): the stub passes its URL.
  define: { AMLPROBE_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__amlprobeUrl' },
});
// The code cache's file name (scripts/bundle-code-cache.mjs) carries the program's digest, made here once.
const programText = program.outputFiles[0].text.replace(/^#!.*\n/, '');
const programDigest = createHash('sha256').update(programText).digest('hex');
const stub = await build({
  stdin: { contents: stubSource(), resolveDir: root, loader: 'js', sourcefile: 'bundle-stub.js' },
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Node 12 (Ubuntu 22.04's) must parse the stub so node-guard.ts can speak.
  target: 'node12',
  minify: true,
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
  absWorkingDir: root,
  plugins: [builtinsAtRunTimePlugin()],
  define: { AMLPROBE_VERSION: JSON.stringify(pkg.version), AMLPROBE_PROGRAM_DIGEST: JSON.stringify(programDigest) },
  // 'module', not 'node:module': Node 12 before 12.20 has no node: scheme, and this line runs first.
  banner: { js: "import { createRequire as __amlprobeCreateRequire } from 'module'; const require = __amlprobeCreateRequire(import.meta.url);" },
});
// The hashbang goes first, for `./amlprobe.mjs`; the program's own (from cli.js) would not compile inside a function.
const parts = ['#!/usr/bin/env node', stub.outputFiles[0].text.replace(/^#!.*\n/, ''), asComment('program', programText)];
for (const [name, text] of chunks) parts.push(asComment(name, text));
const whole = parts.join('\n');
// Node decodes the whole file at every start, three times slower once one character is not ASCII
// (bundle-plugins.mjs asciiJson): esbuild writes its output in ASCII, and the data must stay so too.
const wide = /[^\x00-\x7f]/.exec(whole);
if (wide !== null) throw new Error(`dist/amlprobe.mjs would not be all ASCII (U+${wide[0].charCodeAt(0).toString(16)} near ${JSON.stringify(whole.slice(Math.max(0, wide.index - 60), wide.index))}): escape it where it comes from`);
writeFileSync(outfile, whole, { mode: 0o755 });
// Last, once the bundle is whole: the record that lets dist/src/cli.js run it (src/cli/fresh-bundle.ts).
const notFresh = writeInputsManifest(root, [...Object.keys(program.metafile.inputs), ...Object.keys(stub.metafile.inputs)], before);
if (notFresh !== undefined) console.error(`build-bundle: dist/src/cli.js will run its modules, not the bundle: ${notFresh}`);

/** The stub: the guard first, then `--version`, then the program (scripts/bundle-stub.mjs). */
function stubSource() {
  return `import ${JSON.stringify(join(dist, 'src', 'node-guard.js'))};\nimport ${JSON.stringify(join(root, 'scripts', 'bundle-stub.mjs'))};\n`;
}

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
