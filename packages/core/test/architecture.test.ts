// The house rules of the source tree, checked on the import statements themselves: no import
// cycle inside any package (a cycle makes the stages of a pipeline impossible to read in order),
// and nothing outside core reaches past core's one public door, `src/index.ts`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['artifact', 'core', 'runtime', 'cli', 'language-server', 'bench'].map((name) => join('packages', name));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative imports of a file (static, dynamic and type-only), as repository paths of .ts files. */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((spec) => normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))));
}

/** The import graph of a set of files, restricted to imports between them. */
function importGraph(files: string[]): Map<string, string[]> {
  return new Map(files.map((file) => [file, relativeImports(file).filter((to) => files.includes(to))]));
}

/** Every cycle found by a depth-first search, each as the list of files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const visit = (file: string, stack: string[]): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next, stack);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
  return found;
}

describe('the source tree', () => {
  it.each(PACKAGES)('%s/src has no import cycle', (pkg) => {
    expect(cycles(importGraph(sourceFiles(join(pkg, 'src'))))).toEqual([]);
  });

  it('the cycle search finds cycles, and reads type-only and dynamic imports', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []]]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
    // checker.ts imports types from ast.ts with `import type`: it must be seen.
    expect(relativeImports('packages/core/src/check/checker.ts')).toContain('packages/core/src/syntax/ast.ts');
  });

  it('nothing outside core imports a file of core/src other than index.ts', () => {
    const outside = [...PACKAGES.filter((pkg) => pkg !== 'packages/core'), 'editors/vscode', 'scripts']
      .flatMap((dir) => sourceFiles(dir))
      .flatMap((file) =>
        relativeImports(file)
          .filter((to) => to.startsWith('packages/core/src/') && to !== 'packages/core/src/index.ts')
          .map((to) => `${file} → ${relative(ROOT, join(ROOT, to))}`),
      );
    expect(outside).toEqual([]);
  });
});
