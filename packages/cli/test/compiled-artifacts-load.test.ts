// Every artifact the compiler writes passes load()'s checks, the type pass included (mistyped
// hand-edited artifacts are refused: packages/runtime/test/artifact-types.test.ts). Checked on the
// example, on every fixture program in the repository that compiles, on the compiler benchmark's
// generated program, on random programs from the formatter's generator, and on the SQL
// differential tests' generated artifacts.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProgram, type SourceHost } from '@mql/core';
import { load } from '@mql/runtime';
import { generateProgram } from '../../bench/src/program-generator.js';
import { programTokens } from '../../core/test/format-generator.js';
import { programArb } from '../../runtime/test/artifact-arbitraries.js';
import { nodeHost } from '../src/host.js';
import { ROOT } from './run-cli.js';

/** Every `.mql` file under the examples and the packages' test fixtures and rules. */
function mqlFiles(): string[] {
  const dirs = ['examples', ...readdirSync(path.join(ROOT, 'packages')).flatMap((p) => [`packages/${p}/test/fixtures`, `packages/${p}/rules`])];
  return dirs.flatMap((dir) => {
    const abs = path.join(ROOT, dir);
    let names: string[];
    try {
      names = readdirSync(abs, { recursive: true }) as string[];
    } catch {
      return []; // the folder does not exist in this package
    }
    return names.filter((name) => name.endsWith('.mql')).map((name) => path.join(abs, name).split(path.sep).join('/'));
  });
}

const memory = (files: Map<string, string> | Record<string, string>): SourceHost => ({
  readFile: (file) => (files instanceof Map ? files.get(file) : files[file]),
});

describe('load accepts every artifact the compiler writes', () => {
  it('for the example and every fixture program that compiles', () => {
    const loaded: string[] = [];
    for (const file of mqlFiles()) {
      const { artifact } = compileProgram(file, nodeHost);
      if (!artifact) continue; // fixtures of errors
      expect(() => load(artifact), file).not.toThrow();
      loaded.push(path.relative(ROOT, file));
    }
    expect(loaded).toContain('examples/b2b-funnel/funnel.mql');
    expect(loaded).toContain('packages/sql/test/fixtures/all-constructs.mql');
    expect(loaded.length).toBeGreaterThanOrEqual(15);
  });

  it('for the compiler benchmark generated program', () => {
    const program = generateProgram(3_000);
    const { artifact, diagnostics } = compileProgram(program.entry, memory(program.files));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(load(artifact).segmentNames.length).toBeGreaterThan(50);
  });

  it('for random programs of the formatter generator', () => {
    fc.assert(
      fc.property(programTokens(), (tokens) => {
        const { artifact, diagnostics } = compileProgram('/p/main.mql', memory({ '/p/main.mql': tokens.join(' ') }));
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        load(artifact);
      }),
      { numRuns: 200 },
    );
  });

  it('for the artifacts the SQL differential tests generate', () => {
    fc.assert(fc.property(programArb, (artifact) => void load(artifact)), { numRuns: 300 });
  });
});
