// esbuild plugins shared by the one-file bundle (build-bundle.mjs) and the single executable
// (build-sea.mjs). Each replaces, in the bundle only, a module whose unbundled form reads from disk
// or from node_modules, so `dist/src/cli.js` keeps its plain behaviour.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** dist/src/bundled-files.js becomes a generated module holding the data files' text. */
export function bundledFilesPlugin(root) {
  return {
    name: 'amlprobe-bundled-files',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]bundled-files\.js$/ }, () => {
        const entries = bundledFileNames(root).map((name) => [name, readFileSync(join(root, name), 'utf8')]);
        return { contents: `export const BUNDLED_FILES = new Map(${JSON.stringify(entries)});\n`, loader: 'js' };
      });
    },
  };
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

/**
 * dist/src/azure/load-identity.js becomes a module that carries @azure/identity, bundled apart as
 * CommonJS, as a string, and evaluates it on first use: a string literal costs the parser almost
 * nothing, where the library's code is a large share of the bundle that --version would parse.
 */
export function lazyIdentityPlugin(root) {
  return {
    name: 'amlprobe-lazy-identity',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]azure[\\/]load-identity\.js$/ }, async () => {
        const chunk = await build({
          stdin: { contents: "module.exports = require('@azure/identity');", resolveDir: root, loader: 'js' },
          bundle: true,
          write: false,
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          minify: true,
          legalComments: 'none',
          logLevel: 'warning',
        });
        const source = chunk.outputFiles[0].text;
        return {
          contents: [
            "import { runInThisContext } from 'node:vm';",
            "import { createRequire } from 'node:module';",
            `const SOURCE = ${JSON.stringify(source)};`,
            'let loaded;',
            'export async function loadDefaultAzureCredential() {',
            '  if (loaded === undefined) {',
            "    const module = { exports: {} };",
            "    const wrapper = runInThisContext(`(function (require, module, exports) {${SOURCE}\\n})`, { filename: 'amlprobe-azure-identity.cjs' });",
            // Built-ins only: the chunk carries all its packages. process.execPath is any absolute path.
            '    wrapper(createRequire(process.execPath), module, module.exports);',
            '    loaded = module.exports;',
            '  }',
            '  return loaded.DefaultAzureCredential;',
            '}',
          ].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}
