// The shape of src/, as issue 12 asks for it: no import circle between files or between folders;
// checks/ and engine/ import nothing from cli/ or report/, plan/, lab/ and serve/ nothing from cli/; no
// source file over 300 lines. Imports are read from the sources (helpers/import-graph.ts).
//
// A folder is the first path segment under src/. A file at the root of src/ is a unit of its own
// in the folder graph, not one folder ".": the root holds small shared pieces (errors.ts,
// abort.ts, verdict.ts, ...) that many folders import, next to entry points (cli.ts) that import
// many folders; lumping them together would report a circle through the root for every folder.
//
// KNOWN_DEBTS lists today's violations, each exactly as the test words it. The test fails on a
// violation not listed and on a listed one that no longer occurs, so the list can only shrink.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elementaryCycles, folderOf, importSpecifiers, sourceFiles } from './helpers/import-graph.js';

const MAX_LINES = 300;

/** Folders (or root files) and the folders they must not import. */
const FORBIDDEN: readonly { from: readonly string[]; to: readonly string[] }[] = [
  { from: ['checks', 'engine', 'causes'], to: ['cli', 'report'] },
  { from: ['plan', 'lab', 'serve'], to: ['cli'] },
];

// Empty since the plan builder and the engine's abort work landed: keep it so.
const KNOWN_DEBTS: readonly string[] = [
];

const files = sourceFiles();
const fileGraph = new Map(files.map((f) => [f.path, f.imports]));
const folderGraph = new Map<string, string[]>();
for (const file of files) {
  const from = folderOf(file.path);
  const targets = folderGraph.get(from) ?? [];
  for (const target of file.imports.map(folderOf)) if (target !== from && !targets.includes(target)) targets.push(target);
  folderGraph.set(from, targets);
}

/** Every violation today, worded as KNOWN_DEBTS words it, with a readable detail each. */
function violations(): Map<string, string> {
  const found = new Map<string, string>();
  for (const cycle of elementaryCycles(fileGraph)) found.set(`file cycle ${cycle.join(' -> ')}`, 'move what both need into a file of its own');
  for (const cycle of elementaryCycles(folderGraph)) {
    const edges = cycle.slice(1).flatMap((to, i) => edgesBetween(cycle[i] ?? '', to));
    found.set(`folder cycle ${cycle.join(' -> ')}`, `through:\n${edges.map((edge) => `      ${edge}`).join('\n')}`);
  }
  for (const file of files) {
    const folder = folderOf(file.path);
    for (const rule of FORBIDDEN.filter((r) => r.from.includes(folder))) {
      for (const target of file.imports.filter((t) => rule.to.includes(folderOf(t)))) found.set(`${file.path} imports ${target}`, `${folder} must not import ${folderOf(target)}`);
    }
    const lines = file.text.split('\n').length - (file.text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_LINES) found.set(`src/${file.path} has ${lines} lines`, `over ${MAX_LINES}: split it, one concept per file`);
  }
  return found;
}

/** The file imports that make folder `from` depend on folder `to`. */
function edgesBetween(from: string, to: string): string[] {
  return files.filter((f) => folderOf(f.path) === from).flatMap((f) => f.imports.filter((t) => folderOf(t) === to).map((t) => `${f.path} -> ${t}`));
}

describe('architecture of src/', () => {
  it('reads a real import graph', () => {
    assert.ok(files.length > 100, `found only ${files.length} source files`);
    assert.ok(fileGraph.get('cli/main.ts')?.includes('cli/check-command.ts'), 'a dynamic import is an edge');
    assert.ok(fileGraph.get('cli.ts')?.includes('node-guard.ts'), 'a side-effect import is an edge');
    assert.ok(folderGraph.get('cli')?.includes('plan'), 'folders depend on folders');
  });

  it('has no violation beyond the known debts, and every known debt still occurs', () => {
    const found = violations();
    const fresh = [...found.keys()].filter((v) => !KNOWN_DEBTS.includes(v));
    const gone = KNOWN_DEBTS.filter((v) => !found.has(v));
    const message = [
      ...(fresh.length > 0 ? ['New violations (fix them; they cannot be added to KNOWN_DEBTS):', ...fresh.map((v) => `  ${v}\n    ${found.get(v) ?? ''}`)] : []),
      ...(gone.length > 0 ? ['Known debts that no longer occur (remove them from KNOWN_DEBTS in test/architecture.test.ts):', ...gone.map((v) => `  ${v}`)] : []),
    ].join('\n');
    assert.equal(message, '', `\n${message}`);
  });

  it('finds circles of files and of folders, and nothing else, in a graph made for it', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'a']],
      ['c', ['a']],
      ['d', ['d', 'a']],
      ['e', ['a']],
    ]);
    assert.deepEqual(elementaryCycles(graph), [['a', 'b', 'a'], ['a', 'b', 'c', 'a'], ['d', 'd']]);
  });

  it('reads every form of import, and none in a comment', () => {
    const text = [
      "import './node-guard.js';",
      "import type { A } from '../types.js';",
      'import {',
      '  b,',
      "} from './b.js';",
      "export { c } from './c.js';",
      "const d = await import('./d.js');",
      "import pLimit from 'p-limit';",
      "// moved from './old.js'",
      "/* import('./older.js') */",
    ].join('\n');
    assert.deepEqual(importSpecifiers(text).sort(), ['../types.js', './b.js', './c.js', './d.js', './node-guard.js']);
  });

  it('lists each known debt once', () => {
    assert.equal(new Set(KNOWN_DEBTS).size, KNOWN_DEBTS.length);
  });
});
