// Checker fixtures: each `fixtures/check/*.mql` (and `imports/entry.mql`) is analysed as an entry
// file; its whole diagnostic list, with related locations and fixes, is compared with the
// baseline beside it.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProgram, DIAGNOSTIC_CODES, MAX_EXPRESSION_DEPTH } from '../src/index.js';
import { compareBaseline } from './baseline.js';
import { diskHost, fixturesDir, memoryHost, renderDetailed } from './helpers.js';

const checkDir = path.join(fixturesDir, 'check');
const entries = [
  ...readdirSync(checkDir)
    .filter((f) => f.endsWith('.mql') && f !== 'schema.mql')
    .map((f) => path.join(checkDir, f)),
  path.join(checkDir, 'imports', 'entry.mql'),
];

describe('checker baselines', () => {
  it.each(entries.map((e) => [path.relative(checkDir, e), e]))('%s', (_name, entry) => {
    const analysis = analyzeProgram(entry, diskHost);
    compareBaseline(entry, renderDetailed(analysis.diagnostics, checkDir));
  });

  it('the shared schema of the fixtures is itself clean', () => {
    expect(analyzeProgram(path.join(checkDir, 'schema.mql'), diskHost).diagnostics).toEqual([]);
  });
});

describe('every diagnostic code is exercised by a baseline', () => {
  it('syntax and check baselines together name every code of the table', async () => {
    const { readFileSync } = await import('node:fs');
    const baselineText = ['syntax', 'check', 'check/imports', 'lint']
      .flatMap((dir) =>
        readdirSync(path.join(fixturesDir, dir))
          .filter((f) => f.endsWith('.baseline.txt'))
          .map((f) => readFileSync(path.join(fixturesDir, dir, f), 'utf8')),
      )
      .join('\n');
    // 4xxx are results of running a program's tests in the editor, not of checking it: the
    // language server's workbench test (packages/language-server/test/workbench.test.ts) shows them.
    const untested = Object.keys(DIAGNOSTIC_CODES).filter((code) => code !== 'MQL2027' && !code.startsWith('MQL4') && !baselineText.includes(code));
    expect(untested).toEqual([]);
  });
});

describe('hostile programs', () => {
  it('an expression nested beyond the limit is refused with MQL2027, not a stack overflow', () => {
    const deep = `lead { n?: number }\nsegment s = ${Array.from({ length: 20_000 }, () => 'n').join(' + ')} > 1\n`;
    const analysis = analyzeProgram('/p/deep.mql', memoryHost({ '/p/deep.mql': deep }));
    expect(analysis.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['MQL2027', `expression nested deeper than ${MAX_EXPRESSION_DEPTH} levels: split it into named segments or scores`],
    ]);
  });

  it('a 6,000-file import chain loads without a stack overflow', () => {
    const files: Record<string, string> = { '/p/main.mql': 'import "f1.mql"\nlead { n?: number }\n' };
    for (let i = 1; i < 6000; i++) files[`/p/f${i}.mql`] = `import "f${i + 1}.mql"\nlist l${i} = [${i}]\n`;
    files['/p/f6000.mql'] = 'import "main.mql"\n';
    const analysis = analyzeProgram('/p/main.mql', memoryHost(files));
    expect(analysis.files).toHaveLength(6001);
    expect(analysis.diagnostics.map((d) => [d.code, d.file])).toEqual([['MQL2006', '/p/f6000.mql']]);
  });

  it('the host refuses an import before it is read, and the reason is the diagnostic', () => {
    const read: string[] = [];
    const files: Record<string, string> = { '/p/main.mql': 'import "../etc/secret.mql"\nlead { n?: number }\n', '/etc/secret.mql': 'password' };
    const host = {
      readFile: (file: string) => (read.push(file), files[file]),
      checkImport: (target: string, entry: string) => (target.startsWith('/p/') ? undefined : `outside ${entry}'s project`),
    };
    const analysis = analyzeProgram('/p/main.mql', host);
    expect(read).toEqual(['/p/main.mql']);
    expect(analysis.diagnostics.map((d) => d.message)).toEqual(["cannot read `../etc/secret.mql`: outside /p/main.mql's project"]);
  });

  it('a long but shallow condition is fine', () => {
    const wide = `lead { n?: number }\nsegment s = ${Array.from({ length: 200 }, () => '(n > 1)').join(' or ')}\n`;
    expect(analyzeProgram('/p/wide.mql', memoryHost({ '/p/wide.mql': wide })).diagnostics).toEqual([]);
  });

  it('a missing entry file is one diagnostic', () => {
    const analysis = analyzeProgram('/p/none.mql', memoryHost({}));
    expect(analysis.diagnostics.map((d) => [d.code, d.message])).toEqual([['MQL2005', 'cannot find imported file `/p/none.mql`']]);
  });
});
