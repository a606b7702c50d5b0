// Inputs an editor or a CI job can be handed by accident or on purpose. Each must end in a result
// (diagnostics or success), never an exception or a stack overflow, and big files must stay fast.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../src/syntax/ast.js';
import { MAX_NESTING_DEPTH, parseFile } from '../src/syntax/parse.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const funnel = readFileSync(path.join(here, '../../../examples/b2b-funnel/funnel.mql'), 'utf8');

const ONE_MB = 1 << 20;

function codes(text: string): string[] {
  return parseFile(text, 'hostile.mql').diagnostics.map((d) => d.code);
}

/** Depth of an expression tree, measured without recursion. */
function exprDepth(root: Expr | undefined): number {
  let deepest = 0;
  const stack: [Expr | undefined, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!node) continue;
    deepest = Math.max(deepest, depth);
    for (const value of Object.values(node)) {
      if (value && typeof value === 'object' && 'kind' in value) stack.push([value as Expr, depth + 1]);
    }
  }
  return deepest;
}

describe('hostile input', () => {
  it('an empty file and a whitespace-only file parse to nothing, silently', () => {
    for (const text of ['', '   \n\t\r\n', '\uFEFF']) {
      const result = parseFile(text, 'empty.mql');
      expect(result.diagnostics).toEqual([]);
      expect(result.ast).toEqual({ kind: 'File', decls: [], span: { start: 0, end: text.length } });
    }
  });

  it('binary bytes give diagnostics, not exceptions', () => {
    const everyByte = Array.from({ length: 256 * 64 }, (_, i) => String.fromCharCode(i % 256)).join('');
    expect(codes(everyByte)).toContain('MQL1001');
    const pseudoRandom = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 251)).toString('utf8');
    expect(codes(pseudoRandom).length).toBeGreaterThan(0);
  });

  it('groups a run of bad characters into one diagnostic', () => {
    const result = parseFile(`segment s = x ${'\u0000'.repeat(1000)}`, 'bin.mql');
    expect(result.diagnostics.map((d) => [d.code, d.span])).toEqual([['MQL1001', { start: 14, end: 1014 }]]);
  });

  it('a 1 MB single line of valid declarations parses cleanly', () => {
    const oneLine = funnel.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, ' ');
    const text = oneLine.repeat(Math.ceil(ONE_MB / oneLine.length));
    expect(text.length).toBeGreaterThanOrEqual(ONE_MB);
    expect(text).not.toContain('\n');
    expect(codes(text)).toEqual([]);
  });

  it('a 1 MB identifier, number, string or comment is one token', () => {
    expect(codes(`segment s = ${'a'.repeat(ONE_MB)}`)).toEqual([]);
    expect(codes(`segment s = ${'9'.repeat(ONE_MB)}`)).toEqual(['MQL1010']); // a number, but too large
    expect(codes(`segment s = "${'x'.repeat(ONE_MB)}`)).toEqual(['MQL1002']);
    expect(codes(`/*${'*'.repeat(ONE_MB)}`)).toEqual(['MQL1007']);
  });

  it('a 10 MB string literal is one token, not a stack overflow in the lexer', () => {
    const big = 'x'.repeat(10 * ONE_MB);
    expect(codes(`segment s = lead.email == "${big}"\n`)).toEqual([]);
    expect(codes(`segment s = "a\\"b" + "c\\`)).toEqual(['MQL1002', 'MQL1003']);
  });

  it('10,000 nested parentheses stop at the nesting limit', () => {
    const text = `segment s = ${'('.repeat(10_000)}x${')'.repeat(10_000)}\nsegment t = y`;
    const result = parseFile(text, 'deep.mql');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MQL1008']);
    const firstCut = 'segment s = '.length + MAX_NESTING_DEPTH;
    expect(result.diagnostics[0]!.span).toEqual({ start: firstCut, end: firstCut + 1 });
    expect(result.ast.decls.map((d) => d.kind)).toEqual(['Segment']);
  });

  it('deep brackets, braces and prefix operators are limited too', () => {
    expect(codes(`list l = ${'['.repeat(10_000)}`)).toEqual(['MQL1008']);
    expect(codes(`test "t" { lead { a: ${'{ a: '.repeat(10_000)}1 } }`)).toEqual(['MQL1008']);
    expect(codes(`segment s = ${'not '.repeat(10_000)}x`)).toEqual(['MQL1008']);
    expect(codes(`segment s = ${'-'.repeat(10_000)}x`)).toEqual(['MQL1008']);
  });

  it('unclosed brackets right at the limit end in syntax errors, not an internal error', () => {
    for (const opener of ['(', '[', 'count(e where ', 'days_since(1 + ', '{ a: ']) {
      const prefix = opener.startsWith('{') ? 'test "t" { lead ' : 'segment s = ';
      const result = parseFile(prefix + opener.repeat(MAX_NESTING_DEPTH - 2), 'open.mql');
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expect(result.diagnostics.map((d) => d.message).join('\n')).not.toContain('internal error');
    }
  });

  it('nesting right at the limit is accepted', () => {
    const depth = MAX_NESTING_DEPTH;
    expect(codes(`segment s = ${'('.repeat(depth)}x${')'.repeat(depth)}`)).toEqual([]);
  });

  it('a 100,000-operand flat expression builds without recursion trouble', () => {
    const result = parseFile(`score s = ${Array.from({ length: 100_000 }, (_, i) => `x${i % 10}`).join(' + ')}`, 'flat.mql');
    expect(result.diagnostics).toEqual([]);
    const decl = result.ast.decls[0]!;
    const formula = decl.kind === 'Score' && decl.body?.kind === 'Formula' ? decl.body.expr : undefined;
    expect(exprDepth(formula)).toBe(100_000);
  });

  it('thousands of syntax errors are all reported without a crash', () => {
    const result = parseFile('segment '.repeat(2_000), 'many.mql');
    expect(result.diagnostics.length).toBe(2_000);
    expect(new Set(result.diagnostics.map((d) => d.code))).toEqual(new Set(['MQL1004']));
  });

  it('a generated 50,000-line program parses without diagnostics (its speed is measured by `npm run bench`)', () => {
    const lines: string[] = [];
    for (let copy = 0; lines.length < 50_000; copy++) {
      // Rename declarations so the program is realistic, not one block repeated verbatim.
      const renamed = funnel.replace(/^(list|segment|score|grade|stage) (\w+)/gm, `$1 $2_${copy}`);
      lines.push(...renamed.split('\n'));
    }
    const result = parseFile(lines.join('\n'), 'big.mql');
    expect(result.diagnostics).toEqual([]);
    const declarationsPerCopy = parseFile(funnel, 'one.mql').ast.decls.length;
    expect(result.ast.decls.length).toBe(declarationsPerCopy * Math.ceil(50_000 / funnel.split('\n').length));
  });
});
