// Robustness properties of parseFile: for any text it returns (never throws), every diagnostic
// span lies within the text, and every AST node span lies within the text and its parent's span.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Span } from '../src/syntax/ast.js';
import { parseFile, type ParseResult } from '../src/syntax/parse.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const examplesDir = path.join(here, '../../../examples/b2b-funnel');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.mql'))
  .map((f) => readFileSync(path.join(examplesDir, f), 'utf8'));

function isSpan(value: unknown): value is Span {
  return typeof value === 'object' && value !== null && typeof (value as Span).start === 'number' && typeof (value as Span).end === 'number';
}

/** Every problem found in the result of parsing `text`; empty when all properties hold. */
function spanProblems(text: string): string[] {
  return problemsIn(text, parseFile(text, 'prop.mql'));
}

function problemsIn(text: string, result: ParseResult): string[] {
  const problems: string[] = [];
  const inText = (span: Span) => 0 <= span.start && span.start <= span.end && span.end <= text.length;
  for (const d of result.diagnostics) {
    if (!inText(d.span)) problems.push(`${d.code} span ${JSON.stringify(d.span)} outside 0..${text.length}`);
  }
  for (const c of result.comments) {
    if (!inText(c.span)) problems.push(`comment span ${JSON.stringify(c.span)} outside the text`);
  }
  // Iterative walk: hostile inputs can make the tree deep.
  const stack: { node: unknown; parent: Span; where: string }[] = [{ node: result.ast, parent: { start: 0, end: text.length }, where: 'File' }];
  while (stack.length > 0) {
    const { node, parent, where } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, parent, where: `${where}[${i}]` }));
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const own = (node as { span?: unknown }).span;
    let container = parent;
    if (isSpan(own)) {
      if (!inText(own)) problems.push(`${where} span ${JSON.stringify(own)} outside the text`);
      else if (own.start < parent.start || own.end > parent.end) {
        problems.push(`${where} span ${JSON.stringify(own)} outside its parent ${JSON.stringify(parent)}`);
      }
      container = own;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'span') continue;
      if (isSpan(value) && !('kind' in (value as object))) {
        if (!inText(value)) problems.push(`${where}.${key} ${JSON.stringify(value)} outside the text`);
        continue;
      }
      stack.push({ node: value, parent: container, where: `${where}.${key}` });
    }
  }
  return problems;
}

const FRAGMENTS = [
  'lead', 'event', 'list', 'segment', 'score', 'grade', 'stage', 'test', 'import', 'when', 'per', 'within', 'where',
  'max', 'range', 'to', 'decay', 'half-life', 'require', 'reject', 'after', 'else', 'and', 'or', 'not', 'in',
  'contains', 'starts', 'ends', 'with', 'between', 'is', 'set', 'missing', 'true', 'false', 'now', 'ago', 'at',
  'expect', 'any', 'none', 'count', 'sum', 'days_since', 'from', 'of', 'fit', 'x', 'page_view', '"s"', '"Label"',
  '"unterminated', '"bad\\q"', '12', '-5', '+15', '2.5', '30d', '1.5w', '2026-11-01', '2026-13-45',
  '2026-11-01T08:30:00Z', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '(', ')', '[', ']', '{', '}', ',',
  ':', '.', '|', '=', '?', '///', '/// doc\n', '// c\n', '/*', '*/', '§', '\n', '!',
];

const tokenSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 120 }).map((parts) => parts.join(' '));
const tokenSoupGlued = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 120 }).map((parts) => parts.join(''));

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'swap'; at: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 5 })) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
);

function mutate(text: string, mutations: Mutation[]): string {
  let result = text;
  for (const m of mutations) {
    const at = result.length === 0 ? 0 : m.at % result.length;
    if (m.kind === 'delete') result = result.slice(0, at) + result.slice(at + m.length);
    else if (m.kind === 'insert') result = result.slice(0, at) + m.text + result.slice(at);
    else if (result.length > 0) {
      const other = m.other % result.length;
      const chars = [...result];
      [chars[at], chars[other]] = [chars[other]!, chars[at]!];
      result = chars.join('');
    }
  }
  return result;
}

/** Swaps or drops whole whitespace-separated words, which makes errors at token boundaries. */
function mutateTokens(text: string, picks: number[]): string {
  const words = text.split(/(\s+)/);
  for (let i = 0; i + 1 < picks.length; i += 2) {
    const a = picks[i]! % words.length;
    const b = picks[i + 1]! % words.length;
    if (a === b) words.splice(a, 1);
    else [words[a], words[b]] = [words[b]!, words[a]!];
  }
  return words.join('');
}

describe('parseFile properties', () => {
  it('holds for arbitrary strings, including any UTF-16 code units', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 })), (text) => {
        expect(spanProblems(text)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('holds for random token sequences', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup, tokenSoupGlued), (text) => {
        expect(spanProblems(text)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('holds for character mutations of the example programs', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, mutations) => {
        expect(spanProblems(mutate(text, mutations))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('holds for token mutations of the example programs', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (text, picks) => {
        expect(spanProblems(mutateTokens(text, picks))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('the span checker itself reports spans outside the text or outside the parent', () => {
    const text = 'segment s = a < b';
    const result = parseFile(text, 'p.mql');
    expect(problemsIn(text, result)).toEqual([]);
    const segment = result.ast.decls[0]!;
    if (segment.kind !== 'Segment' || segment.expr?.kind !== 'Compare') throw new Error('unexpected shape');
    segment.expr.left.span = { start: 0, end: 1 }; // before its parent's start
    segment.expr.opSpan = { start: 3, end: 99 }; // past the end of the text
    const problems = problemsIn(text, result);
    expect(problems).toContainEqual(expect.stringMatching(/^File\.decls\[0\]\.expr\.left span .* outside its parent/));
    expect(problems).toContainEqual(expect.stringMatching(/^File\.decls\[0\]\.expr\.opSpan .* outside the text/));
  });
});

describe('string literals without escapes (the lexer fast path)', () => {
  const plain = fc.string({ maxLength: 40 }).filter((s) => !/["\\\r\n]/.test(s));

  it('a closed string decodes to exactly its text', () => {
    fc.assert(
      fc.property(plain, (s) => {
        const result = parseFile(`list l = ["${s}"]`, 'p.mql');
        expect(result.diagnostics).toEqual([]);
        const decl = result.ast.decls[0]!;
        expect(decl.kind === 'List' && decl.elements[0]).toMatchObject({ kind: 'String', value: s });
      }),
    );
  });

  it('an unterminated string keeps its text and reports MQL1002', () => {
    fc.assert(
      fc.property(plain, (s) => {
        const result = parseFile(`segment x = title == "${s}\n`, 'p.mql');
        expect(result.diagnostics.map((d) => d.code)).toContain('MQL1002');
        const decl = result.ast.decls[0]!;
        const right = decl.kind === 'Segment' && decl.expr?.kind === 'Compare' ? decl.expr.right : undefined;
        expect(right).toMatchObject({ kind: 'String', value: s });
      }),
    );
  });
});
