// Incremental re-parsing must give exactly what a full parse of the new text gives: the same tree,
// comments, syntax diagnostics and imports, for any edit of any file.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProgramFile, type ProgramFile } from '../src/index.js';
import { changedRange, reparseProgramFile } from '../src/service/index.js';
import { examplesDir } from './helpers.js';

const funnel = readFileSync(path.join(examplesDir, 'b2b-funnel', 'funnel.mql'), 'utf8');
const lead = readFileSync(path.join(examplesDir, 'b2b-funnel', 'lead.mql'), 'utf8');
const FILE = '/w/funnel.mql';

function comparable(file: ProgramFile) {
  return {
    ast: file.ast,
    comments: file.comments,
    diagnostics: file.syntaxDiagnostics,
    imports: file.imports.map((i) => ({ target: i.target, span: i.decl.span })),
    lines: file.lines.lineCount,
  };
}

function expectSameAsFullParse(before: string, after: string): void {
  const incremental = reparseProgramFile(parseProgramFile(FILE, before), after);
  expect(comparable(incremental)).toEqual(comparable(parseProgramFile(FILE, after)));
}

// Fragments an author types or deletes, including ones that break the structure around them.
const FRAGMENTS = [
  '}', '{', '"', '(', ')', '[', ']', '/*', '*/', '//', '///', '\n', ' ', 'x', '.', ',', ':',
  'score s {', 'segment t = ', '+5 when ', '-3 per page_view ', 'and title contains "a"', ' or ',
  'stage Z after MQL {', 'require consent', 'list l = ["a"]', 'import "./lead.mql"', 'lead.', 'company.',
  'test "t" { lead { email: "a@b.c" } }', '2026-01-01', '30d', 'half-life', '§', '"unterminated',
];

const edit = (text: string) =>
  fc.record({
    at: fc.nat({ max: text.length }),
    deleteCount: fc.nat({ max: 40 }),
    insert: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 }).map((parts) => parts.join('')),
  });

function applyEdit(text: string, e: { at: number; deleteCount: number; insert: string }): string {
  return text.slice(0, e.at) + e.insert + text.slice(Math.min(text.length, e.at + e.deleteCount));
}

describe('changedRange', () => {
  it('finds the smallest differing range', () => {
    expect(changedRange('abcdef', 'abXYef')).toEqual({ start: 2, oldEnd: 4, newEnd: 4 });
    expect(changedRange('abc', 'abc!')).toEqual({ start: 3, oldEnd: 3, newEnd: 4 });
    expect(changedRange('aaa', 'aa')).toEqual({ start: 2, oldEnd: 3, newEnd: 2 });
  });
});

describe('reparseProgramFile', () => {
  it('handles typical edits of the example program like a full parse', () => {
    const at = funnel.indexOf('"Mid-market"');
    const cases = [
      applyEdit(funnel, { at, deleteCount: 0, insert: '"New": +5 when company.' + '\n  ' }),
      applyEdit(funnel, { at, deleteCount: 0, insert: '}' }),
      applyEdit(funnel, { at, deleteCount: 0, insert: '/* ' }),
      applyEdit(funnel, { at: funnel.indexOf('grade profile'), deleteCount: 5, insert: '' }),
      applyEdit(funnel, { at: funnel.indexOf('segment student'), deleteCount: 0, insert: '- 3\n' }),
      funnel + '\nscore extra {\n  +1 when ',
      'score lonely {',
      '',
    ];
    for (const after of cases) expectSameAsFullParse(funnel, after);
  });

  it('keeps the untouched declarations (same objects, shifted)', () => {
    const before = parseProgramFile(FILE, funnel);
    const last = before.ast.decls[before.ast.decls.length - 1]!;
    const at = funnel.indexOf('"Mid-market"');
    const after = reparseProgramFile(before, applyEdit(funnel, { at, deleteCount: 0, insert: 'xx ' }));
    expect(after.ast.decls[after.ast.decls.length - 1]).toBe(last);
  });

  it('equals a full parse after any random edit (property)', () => {
    for (const base of [funnel, lead]) {
      fc.assert(
        fc.property(edit(base), edit(base), (first, second) => {
          const once = applyEdit(base, first);
          expectSameAsFullParse(base, once);
          const twice = applyEdit(once, { ...second, at: Math.min(second.at, once.length) });
          const chained = reparseProgramFile(reparseProgramFile(parseProgramFile(FILE, base), once), twice);
          expect(comparable(chained)).toEqual(comparable(parseProgramFile(FILE, twice)));
        }),
        { numRuns: 150 },
      );
    }
  });
});
