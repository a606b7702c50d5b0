// Robustness of the whole front end (parse → check → compile) on hostile and random input: it
// ends in diagnostics or an artifact, never an exception, and every diagnostic (and related
// location and fix edit) points inside the text of its file.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProgram, type Diagnostic } from '../src/index.js';
import { examplesDir, memoryHost } from './helpers.js';

const schemaPath = '/work/schema.mql';
const rulesPath = '/work/rules.mql';
const schema = readFileSync(path.join(examplesDir, 'b2b-funnel', 'lead.mql'), 'utf8');
const funnel = readFileSync(path.join(examplesDir, 'b2b-funnel', 'funnel.mql'), 'utf8').replace('"./lead.mql"', '"./schema.mql"');

/** Compiles `rules` (importing the example schema) and returns what is wrong with the outcome. */
function problems(rules: string): string[] {
  const files: Record<string, string> = { [rulesPath]: rules, [schemaPath]: schema };
  const result = compileProgram(rulesPath, memoryHost(files));
  const out: string[] = [];
  const inside = (file: string, span: { start: number; end: number }) => {
    const text = files[file];
    return text !== undefined && 0 <= span.start && span.start <= span.end && span.end <= text.length;
  };
  const check = (d: Diagnostic) => {
    if (!inside(d.file, d.span)) out.push(`${d.code} span ${JSON.stringify(d.span)} outside ${d.file}`);
    for (const r of d.related) if (!inside(r.file, r.span)) out.push(`${d.code} related span outside ${r.file}`);
    for (const f of d.fixes) for (const e of f.edits) if (!inside(e.file, e.span)) out.push(`${d.code} fix edit outside ${e.file}`);
  };
  result.diagnostics.forEach(check);
  if (result.artifact && result.diagnostics.some((d) => d.severity === 'error')) out.push('an artifact despite errors');
  if (!result.artifact && !result.diagnostics.some((d) => d.severity === 'error')) out.push('no artifact and no error');
  return out;
}

/** The example's rules repeated to `lines` lines, every declared name renamed per copy. */
function bigProgram(lines: number): string {
  const names = [...funnel.matchAll(/^(?:list|segment|score|grade|stage) (\w+)/gm)].map((m) => m[1]!);
  const pattern = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
  const body = funnel.replace(/^import .*$/m, '');
  const copies = Math.ceil(lines / funnel.split('\n').length);
  const parts = Array.from({ length: copies }, (_, i) => body.replace(pattern, `$1_${i}`));
  return `import "./schema.mql"\n${parts.join('\n')}`;
}

/** Random edits of the example: deletions, duplications and insertions of tokens-ish snippets. */
const snippets = ['{', '}', '(', ')', '"', '.', ',', ':', ' and ', ' or ', ' not ', ' when ', ' per ', ' max ', '+5', '-3', ' in ', '[', ']', '\n', ' fit ', ' 30d ', ' == ', ' >= ', '///', '//', '/*', ' stage ', ' score ', ' after ', ' lead ', ' expect ', 'é', '\u0000'];
const mutation = fc.record({
  at: fc.nat(),
  length: fc.nat({ max: 40 }),
  insert: fc.oneof(fc.constantFrom(...snippets), fc.string({ maxLength: 8 })),
});

describe('parse → check → compile never throws', () => {
  it('on mutations of the example program', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = funnel;
        for (const edit of edits) {
          const at = edit.at % (text.length + 1);
          text = text.slice(0, at) + edit.insert + text.slice(Math.min(text.length, at + (edit.length % 12)));
        }
        expect(problems(text)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        expect(problems(text)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('hostile input through the whole front end', () => {
  const cases: [string, () => string][] = [
    ['an empty file', () => ''],
    ['binary bytes', () => String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ['a 1 MB single line', () => `segment s = ${'title contains "x" or '.repeat(50_000)}consent`],
    ['10,000 nested parentheses', () => `segment s = ${'('.repeat(10_000)}consent${')'.repeat(10_000)}`],
    ['a 20,000-term sum', () => `score s = ${Array.from({ length: 20_000 }, () => 'fit').join(' + ')}\n${funnel}`],
    ['a 50,000-line program', () => bigProgram(50_000)],
  ];

  it.each(cases)('%s ends in diagnostics or success', (_name, make) => {
    expect(problems(make())).toEqual([]);
  });
});
