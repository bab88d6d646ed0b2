// esbuild plugins shared by the one-file bundle (build-bundle.mjs) and the single executable
// (build-sea.mjs). Each replaces, in the bundle only, a module whose unbundled form reads from disk
// or from node_modules, so `dist/src/cli.js` keeps its plain behaviour.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The data files amlprobe reads at run time, relative to the repository root (what package-files.ts serves). */
export function bundledFileNames(root) {
  const under = (dir, pattern) =>
    readdirSync(join(root, dir))
      .filter((name) => pattern.test(name))
      .sort()
      .map((name) => `${dir}/${name}`);
  return [
    ...under('probes', /\.(ya?ml|json)$/i),
    'config/amlprobe.schema.json',
    ...under('lab/certs', /\.(pem|key)$/),
  ];
}

/**
 * dist/src/bundled-files.js becomes a generated module holding the data files' text, and
 * dist/src/plan/catalog-data.js (the build's validated catalog) keeps its text. With `comments`
 * (the one-file tool), both texts go into comments of their own and are read when the module first
 * runs (scripts/bundle-stub.mjs): a string in the program would be compiled at every start.
 */
export function bundledFilesPlugin(root, comments) {
  const text = (name, value) => {
    if (comments === undefined) return JSON.stringify(value);
    comments.set(name, value);
    return `__amlprobeChunk(${JSON.stringify(name)})`;
  };
  return {
    name: 'amlprobe-bundled-files',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]bundled-files\.js$/ }, () => {
        const entries = bundledFileNames(root).map((name) => [name, readFileSync(join(root, name), 'utf8')]);
        return { contents: `export const BUNDLED_FILES = new Map(JSON.parse(${text('amlprobe-files.json', asciiJson(JSON.stringify(entries)))}));\n`, loader: 'js' };
      });
      b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]plan[\\/]catalog-data\.js$/ }, async (args) => {
        const { digest, text: catalog } = await import(pathToFileURL(args.path).href);
        return { contents: `export const digest = ${JSON.stringify(digest)};\nexport const text = ${text('amlprobe-catalog.json', catalog)};\n`, loader: 'js' };
      });
    },
  };
}

/**
 * JSON text with every character outside ASCII written as a \\u escape: JSON.parse reads back the
 * same strings. Node's module loader decodes the one file's 2.6 MB of text at every start, about
 * 2 ms when it is all ASCII and about 7 ms when a single character is not (404 bytes of Japanese
 * in the config examples made it so): build-bundle.mjs refuses a file that is not all ASCII.
 */
export function asciiJson(json) {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * ESM imports of Node built-ins ("import { readFileSync } from 'node:fs'") become require() calls
 * made when the importing module runs, instead of static imports that Node links before running
 * anything. A Node.js too old to have one of them (node:dns/promises, node:stream/web) then gets to
 * run node-guard.ts, which comes first, and says so, rather than failing at link time.
 */
export function builtinsAtRunTimePlugin() {
  return {
    name: 'amlprobe-builtins-at-run-time',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'late-builtin' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'late-builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});\n`, loader: 'js' }));
    },
  };
}

/** The packages carried as text: large, and needed only by some commands (see textChunksPlugin). */
export const TEXT_CHUNKS = ['@azure/identity', 'undici', 'ws', 'yaml', 'ajv', 'ajv/dist/2020.js'];

/**
 * Each of `packages` (imported by amlprobe's code by its bare name) becomes a CommonJS module that
 * carries the package, bundled apart, as a string, and evaluates it when first required: a string
 * literal costs the parser almost nothing, where the packages' code would be parsed at every
 * start-up. For the large ones a command may never need: @azure/identity (a token for registry
 * discovery), undici and ws (HTTP and WebSocket layers, the lab). esbuild initialises a module
 * that imports them only when that module is first imported, so `--version` or `catalog` never
 * evaluates them.
 */
export function textChunksPlugin(root, packages, comments) {
  const names = new Set(packages);
  return {
    name: 'amlprobe-text-chunks',
    setup(b) {
      b.onResolve({ filter: /^[@a-z]/ }, (args) => (names.has(args.path) && args.namespace === 'file' ? { path: args.path, namespace: 'text-chunk' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'text-chunk' }, async (args) => {
        const chunk = await build({
          stdin: { contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: root, loader: 'js' },
          bundle: true,
          write: false,
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          minify: true,
          keepNames: true,
          legalComments: 'none',
          logLevel: 'warning',
        });
        const file = `amlprobe-${args.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-/, '')}.cjs`;
        // The one-file tool keeps the text in a comment of its own (build-bundle.mjs), read when required.
        if (comments !== undefined) comments.set(file, chunk.outputFiles[0].text);
        const source = comments !== undefined ? `__amlprobeChunk(${JSON.stringify(file)})` : JSON.stringify(chunk.outputFiles[0].text);
        return {
          contents: [
            // Built-ins only: the chunk carries all its packages.
            `const source = ${source};`,
            `const wrapper = require('node:vm').runInThisContext('(function (require, module, exports) {' + source + '\\n})', { filename: ${JSON.stringify(file)} });`,
            'wrapper(require, module, module.exports);',
          ].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}

/** `text` as a comment of the one-file tool that scripts/bundle-stub.mjs finds by `name`. */
export function asComment(name, text) {
  if (text.includes('\u0001')) throw new Error(`${name} contains U+0001, which the one-file tool uses to escape "*/"`);
  return `/*@amlprobe:${name}\n${text.split('*/').join('*\u0001/')}\n@amlprobe:end*/`;
}
