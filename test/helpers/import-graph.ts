// The import graph of src/, read from the sources themselves: static `import ... from '...'`,
// `export ... from '...'`, side-effect `import '...'` and dynamic `import('...')`. The code base
// writes every specifier in single quotes, so a few regular expressions are the whole parser.
// Type-only imports count: they are a dependency of the design even when erased at run time.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { REPO_ROOT } from './cli.js';

/** The source root. */
export const SRC_ROOT = join(REPO_ROOT, 'src');

/** One source file: its path under src/ (posix, e.g. "dns/wire-query.ts"), text and local imports. */
export interface SourceFile {
  path: string;
  text: string;
  /** Paths under src/ it imports, each once, in order of first appearance. */
  imports: string[];
}

/** Every .ts file under src/, sorted by path. */
export function sourceFiles(root = SRC_ROOT): SourceFile[] {
  const paths: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) paths.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  const known = new Set(paths);
  return paths.map((path) => {
    const text = readFileSync(join(root, path), 'utf8');
    return { path, text, imports: localImports(path, text, known) };
  });
}

/** The specifiers a file imports, relative ones only (packages and node: builtins are not ours). */
export function importSpecifiers(text: string): string[] {
  const code = withoutComments(text);
  const patterns = [/\bfrom\s+'([^']+)'/g, /^\s*import\s+'([^']+)'/gm, /\bimport\(\s*'([^']+)'\s*\)/g];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1] ?? '')).filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Comments can quote import lines ("moved from './x.js'"); they are not imports. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function localImports(path: string, text: string, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const specifier of importSpecifiers(text)) {
    const target = posix.normalize(posix.join(posix.dirname(path), specifier)).replace(/\.js$/, '.ts');
    if (known.has(target) && !out.includes(target)) out.push(target);
  }
  return out;
}

/** The folder of a file: its first segment under src/, or the file itself for a file at the root. */
export function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

/** Every file reachable from `entry` (itself included) by following imports, static and dynamic. */
export function reachableFrom(entry: string, files: readonly SourceFile[]): Set<string> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const path = stack.pop() ?? '';
    if (seen.has(path)) continue;
    seen.add(path);
    stack.push(...(byPath.get(path)?.imports ?? []));
  }
  return seen;
}

/** The strongly connected components of a graph with more than one node, or one node importing itself. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative over the sorted nodes so that the result does not depend on order.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/**
 * Every elementary cycle of a graph (no node twice), each as its nodes from the smallest one and
 * back to it, e.g. ["azure", "plan", "azure"]; sorted. Enumerated by a plain search from each node
 * through larger nodes only (so each cycle is found once): ample for graphs of a few hundred nodes
 * with few cycles; past `limit` cycles it stops, and the caller reports what it has.
 */
export function elementaryCycles(graph: ReadonlyMap<string, readonly string[]>, limit = 500): string[][] {
  const found: string[][] = [];
  const inCycle = new Set(cycles(graph).flat());
  for (const start of [...inCycle].sort()) {
    const path = [start];
    const onPath = new Set(path);
    const search = (node: string): void => {
      for (const next of graph.get(node) ?? []) {
        if (found.length >= limit) return;
        if (next === start) found.push([...path, start]);
        else if (next > start && inCycle.has(next) && !onPath.has(next)) {
          path.push(next);
          onPath.add(next);
          search(next);
          onPath.delete(next);
          path.pop();
        }
      }
    };
    search(start);
  }
  return found.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}
