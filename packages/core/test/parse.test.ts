import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Declaration, Expr, FileNode } from '../src/syntax/ast.js';
import { KEYWORDS, tokenize } from '../src/syntax/lexer.js';
import { parseFile } from '../src/syntax/parse.js';
import { MqlParser } from '../src/syntax/parser.js';
import { compareBaseline, renderDiagnosticsBaseline } from './baseline.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const examplesDir = path.join(here, '../../../examples/b2b-funnel');
const syntaxFixturesDir = path.join(here, 'fixtures/syntax');

/** Parses `text`, failing the test with the rendered diagnostics if there are any. */
function parseClean(text: string): FileNode {
  const result = parseFile(text, 'test.mql');
  expect(renderDiagnosticsBaseline(text, result.diagnostics)).toBe('');
  return result.ast;
}

function onlyDecl(text: string): Declaration {
  const ast = parseClean(text);
  expect(ast.decls).toHaveLength(1);
  return ast.decls[0]!;
}

/** Drops every span-like property, for assertions about shape only. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => !/^(span|opSpan|fnSpan|literalSpan|keyword)$/.test(key));
  return Object.fromEntries(entries.map(([key, inner]) => [key, shape(inner)]));
}

/** The expression of `segment s = <source>`, without spans. */
function expr(source: string): unknown {
  const decl = onlyDecl(`segment s = ${source}`);
  if (decl.kind !== 'Segment') throw new Error('not a segment');
  return shape(decl.expr);
}

const path1 = (...names: string[]) => ({ kind: 'Path', segments: names.map((name) => ({ name })) });
const num = (value: number) => ({ kind: 'Number', value });
const str = (value: string) => ({ kind: 'String', value });

describe('the grammar', () => {
  it("passes Chevrotain's grammar validations (skipped at run time to start faster)", () => {
    // With validations on, Chevrotain throws on ambiguous alternatives, left recursion and the like.
    expect(() => new MqlParser(true)).not.toThrow();
  });
});

describe('example programs', () => {
  for (const name of readdirSync(examplesDir).filter((f) => f.endsWith('.mql'))) {
    it(`${name} parses without diagnostics`, () => {
      const ast = parseClean(readFileSync(path.join(examplesDir, name), 'utf8'));
      expect(ast.decls.length).toBeGreaterThan(3);
    });
  }

  it('funnel.mql has every kind of declaration in order', () => {
    const ast = parseClean(readFileSync(path.join(examplesDir, 'funnel.mql'), 'utf8'));
    const kinds = [...new Set(ast.decls.map((d) => d.kind))];
    expect(kinds).toEqual(['Import', 'List', 'Segment', 'Score', 'Grade', 'Stage', 'Test']);
  });
});

describe('lexer', () => {
  it('reads every keyword as a keyword, and longer words as identifiers', () => {
    for (const keyword of KEYWORDS.filter((k) => k !== 'half-life')) {
      const { tokens } = tokenize(`${keyword} ${keyword}x`, 'k.mql');
      expect(tokens.map((t) => t.tokenType.name)).toEqual([expect.not.stringMatching(/^Identifier$/), 'Identifier']);
      expect(tokens[0]!.image).toBe(keyword);
    }
  });

  it('reads `half-life` as one keyword, while `half` and `life` stay names', () => {
    const { tokens } = tokenize('half-life half life', 'k.mql');
    expect(tokens.map((t) => `${t.tokenType.name}:${t.image}`)).toEqual(['HalfLife:half-life', 'Identifier:half', 'Identifier:life']);
  });

  it('tries dates and durations before numbers, and keeps `within` whole', () => {
    const { tokens } = tokenize('2026-11-01 14d 1.5d 36h 2w 12 12.5 2days within with', 'k.mql');
    expect(tokens.map((t) => `${t.tokenType.name}:${t.image}`)).toEqual([
      'Date:2026-11-01', 'Duration:14d', 'Duration:1.5d', 'Duration:36h', 'Duration:2w',
      'Number:12', 'Number:12.5', 'Number:2', 'Identifier:days', 'Within:within', 'With:with',
    ]);
  });

  it('puts comments in their own list with their kind and text', () => {
    const { comments } = parseFile('/// doc\n// line\n/* block */ list x = []', 'c.mql');
    expect(comments).toEqual([
      { kind: 'doc', text: ' doc', span: { start: 0, end: 7 } },
      { kind: 'line', text: ' line', span: { start: 8, end: 15 } },
      { kind: 'block', text: ' block ', span: { start: 16, end: 27 } },
    ]);
  });
});

describe('declarations', () => {
  it('import, with spans', () => {
    expect(onlyDecl('import "./lead.mql"')).toEqual({
      kind: 'Import',
      path: { kind: 'String', value: './lead.mql', span: { start: 7, end: 19 } },
      span: { start: 0, end: 19 },
    });
  });

  it('lead with optional fields, enums, `from`, lists and nested objects', () => {
    const decl = onlyDecl(`lead {
      email: email from "Email",
      seniority?: "ic" | "vp"
      tags?: list of string
      company: { employees?: number }
    }`);
    expect(shape(decl)).toEqual({
      kind: 'Lead',
      fields: [
        { name: { name: 'email' }, optional: false, type: { kind: 'NamedType', name: { name: 'email' } }, from: str('Email') },
        { name: { name: 'seniority' }, optional: true, type: { kind: 'EnumType', members: [str('ic'), str('vp')] } },
        {
          name: { name: 'tags' },
          optional: true,
          type: { kind: 'ListType', element: { kind: 'NamedType', name: { name: 'string' } } },
        },
        {
          name: { name: 'company' },
          optional: false,
          type: {
            kind: 'ObjectType',
            fields: [{ name: { name: 'employees' }, optional: true, type: { kind: 'NamedType', name: { name: 'number' } } }],
          },
        },
      ],
    });
  });

  it('a field span covers name to type or `from`, not the comma; the lead keyword has its span', () => {
    const decl = onlyDecl('lead { a?: string from "A", b: bool }');
    if (decl.kind !== 'Lead') throw new Error('not a lead');
    expect(decl.keyword).toEqual({ start: 0, end: 4 });
    expect(decl.fields.map((f) => f.span)).toEqual([
      { start: 7, end: 26 },
      { start: 28, end: 35 },
    ]);
  });

  it('event with comma-separated fields and an empty event', () => {
    const ast = parseClean('event webinar { name: string, attended: bool }\nevent demo {}');
    expect(shape(ast.decls)).toEqual([
      {
        kind: 'Event',
        name: { name: 'webinar' },
        fields: [
          { name: { name: 'name' }, optional: false, type: { kind: 'NamedType', name: { name: 'string' } } },
          { name: { name: 'attended' }, optional: false, type: { kind: 'NamedType', name: { name: 'bool' } } },
        ],
      },
      { kind: 'Event', name: { name: 'demo' }, fields: [] },
    ]);
  });

  it('list, with its literal span', () => {
    expect(onlyDecl('list l = ["a", 2]')).toEqual({
      kind: 'List',
      name: { name: 'l', span: { start: 5, end: 6 } },
      elements: [
        { kind: 'String', value: 'a', span: { start: 10, end: 13 } },
        { kind: 'Number', value: 2, span: { start: 15, end: 16 } },
      ],
      literalSpan: { start: 9, end: 17 },
      span: { start: 0, end: 17 },
    });
  });

  it('score rules with range, decay, labels, when, per and max', () => {
    const decl = onlyDecl(`score engagement {
      range -10 to 100
      decay half-life 30d
      "Views": +5 per page_view within 30d where url contains "/pricing" max 15
      -2.5 when bounced
    }`);
    expect(shape(decl)).toEqual({
      kind: 'Score',
      name: { name: 'engagement' },
      body: {
        kind: 'Rules',
        range: { min: { value: -10 }, max: { value: 100 } },
        decay: { halfLife: { kind: 'Duration', ms: 30 * 86_400_000, text: '30d' } },
        rules: [
          {
            kind: 'PerRule',
            label: str('Views'),
            points: { value: 5 },
            max: { value: 15 },
            query: {
              event: { name: 'page_view' },
              within: { kind: 'Duration', ms: 30 * 86_400_000, text: '30d' },
              where: { kind: 'TextTest', op: 'contains', any: false, subject: path1('url'), value: str('/pricing') },
            },
          },
          { kind: 'WhenRule', points: { value: -2.5 }, condition: path1('bounced') },
        ],
      },
    });
  });

  it('score formula', () => {
    expect(shape(onlyDecl('score p = 0.6 * fit + 0.4 * engagement'))).toEqual({
      kind: 'Score',
      name: { name: 'p' },
      body: {
        kind: 'Formula',
        expr: {
          kind: 'Binary',
          op: '+',
          left: { kind: 'Binary', op: '*', left: num(0.6), right: path1('fit') },
          right: { kind: 'Binary', op: '*', left: num(0.4), right: path1('engagement') },
        },
      },
    });
  });

  it('grade with identifier and string labels and else', () => {
    expect(shape(onlyDecl('grade g {\n A when fit >= 45\n "Tier 2" when fit >= 1\n else D\n}'))).toEqual({
      kind: 'Grade',
      name: { name: 'g' },
      bands: [
        { label: { value: 'A', quoted: false }, condition: { kind: 'Compare', op: '>=', left: path1('fit'), right: num(45) } },
        { label: { value: 'Tier 2', quoted: true }, condition: { kind: 'Compare', op: '>=', left: path1('fit'), right: num(1) } },
      ],
      else: { label: { value: 'D', quoted: false } },
    });
  });

  it('stage with title, after, labelled and unlabelled clauses', () => {
    expect(shape(onlyDecl('stage SAL "Accepted" after MQL {\n require "Phone": phone is set\n reject "x" == title\n}'))).toEqual({
      kind: 'Stage',
      name: { name: 'SAL' },
      title: str('Accepted'),
      after: { name: 'MQL' },
      clauses: [
        { kind: 'require', label: str('Phone'), condition: { kind: 'IsSet', negated: false, subject: path1('phone') } },
        { kind: 'reject', condition: { kind: 'Compare', op: '==', left: str('x'), right: path1('title') } },
      ],
    });
  });

  it('test with now, lead literal, events and expectations', () => {
    const decl = onlyDecl(`test "t" {
      now 2026-11-01T00:00:00Z
      lead { email: "a@b.io", n: -5, tags: ["x",], company: { big: true }, }
      event page_view { url: "/p" } at 2026-10-31
      event demo 3d ago
      event visit at 2026-10-30
      expect stage MQL
      expect stage none
      expect fit == 45
    }`);
    expect(shape(decl)).toEqual({
      kind: 'Test',
      description: str('t'),
      now: { kind: 'Date', ms: Date.UTC(2026, 10, 1), text: '2026-11-01T00:00:00Z' },
      leads: [
        {
          kind: 'Object',
          entries: [
            { key: { name: 'email' }, value: str('a@b.io') },
            { key: { name: 'n' }, value: { kind: 'Unary', op: '-', operand: num(5) } },
            { key: { name: 'tags' }, value: { kind: 'Array', elements: [str('x')] } },
            {
              key: { name: 'company' },
              value: { kind: 'Object', entries: [{ key: { name: 'big' }, value: { kind: 'Bool', value: true } }] },
            },
          ],
        },
      ],
      events: [
        {
          type: { name: 'page_view' },
          attributes: { kind: 'Object', entries: [{ key: { name: 'url' }, value: str('/p') }] },
          at: { kind: 'At', date: { kind: 'Date', ms: Date.UTC(2026, 9, 31), text: '2026-10-31' } },
        },
        { type: { name: 'demo' }, at: { kind: 'Ago', duration: { kind: 'Duration', ms: 3 * 86_400_000, text: '3d' } } },
        { type: { name: 'visit' }, at: { kind: 'At', date: { kind: 'Date', ms: Date.UTC(2026, 9, 30), text: '2026-10-30' } } },
      ],
      expects: [
        { kind: 'ExpectStage', stage: { name: 'MQL' }, none: false },
        { kind: 'ExpectStage', none: true },
        { kind: 'ExpectCondition', condition: { kind: 'Compare', op: '==', left: path1('fit'), right: num(45) } },
      ],
    });
  });
});

describe('expressions', () => {
  it('precedence: or < and < not < comparison < + < * < unary minus', () => {
    expect(expr('not a or b and c == 1 + 2 * -x')).toEqual({
      kind: 'Binary',
      op: 'or',
      left: { kind: 'Unary', op: 'not', operand: path1('a') },
      right: {
        kind: 'Binary',
        op: 'and',
        left: path1('b'),
        right: {
          kind: 'Compare',
          op: '==',
          left: path1('c'),
          right: {
            kind: 'Binary',
            op: '+',
            left: num(1),
            right: { kind: 'Binary', op: '*', left: num(2), right: { kind: 'Unary', op: '-', operand: path1('x') } },
          },
        },
      },
    });
  });

  it('operator chains fold by precedence, each level to the left (property)', () => {
    // The parser keeps `and`/`or` chains and `+ - * /` chains flat; the builder applies precedence.
    // Checked against an independent precedence-climbing parse of the same token sequence.
    const level: Record<string, number> = { or: 1, and: 2, '+': 3, '-': 3, '*': 4, '/': 4 };
    const reference = (names: string[], ops: string[]): string => {
      let at = 0;
      const climb = (minLevel: number): string => {
        let left = names[at]!;
        while (at < ops.length && level[ops[at]!]! >= minLevel) {
          const op = ops[at]!;
          at += 1;
          left = `(${left} ${op} ${climb(level[op]! + 1)})`;
        }
        return left;
      };
      return climb(1);
    };
    const print = (e: Expr): string =>
      e.kind === 'Binary' ? `(${print(e.left)} ${e.op} ${e.right ? print(e.right) : '?'})` : e.kind === 'Path' ? e.segments[0]!.name : '?';
    fc.assert(
      fc.property(fc.array(fc.constantFrom('or', 'and', '+', '-', '*', '/'), { minLength: 1, maxLength: 12 }), (ops) => {
        const names = [...ops.keys(), ops.length].map((i) => `x${i}`);
        const source = names.map((name, i) => (i < ops.length ? `${name} ${ops[i]}` : name)).join(' ');
        const decl = onlyDecl(`segment s = ${source}`);
        expect(decl.kind === 'Segment' && decl.expr && print(decl.expr)).toBe(reference(names, ops));
      }),
      { numRuns: 300 },
    );
  });

  it('`not` applies to a whole comparison', () => {
    expect(expr('not x in l')).toEqual({
      kind: 'Unary',
      op: 'not',
      operand: { kind: 'In', negated: false, subject: path1('x'), collection: path1('l') },
    });
  });

  it('binary operators are left-associative', () => {
    expect(expr('a - b - c')).toEqual({
      kind: 'Binary',
      op: '-',
      left: { kind: 'Binary', op: '-', left: path1('a'), right: path1('b') },
      right: path1('c'),
    });
  });

  it('`not in` with a list literal and with a name, with operator spans', () => {
    const decl = onlyDecl('segment s = x not in ["a"]');
    expect(decl.kind === 'Segment' && decl.expr).toEqual({
      kind: 'In',
      negated: true,
      subject: { kind: 'Path', segments: [{ name: 'x', span: { start: 12, end: 13 } }], span: { start: 12, end: 13 } },
      collection: {
        kind: 'Array',
        elements: [{ kind: 'String', value: 'a', span: { start: 22, end: 25 } }],
        span: { start: 21, end: 26 },
      },
      opSpan: { start: 14, end: 20 },
      span: { start: 12, end: 26 },
    });
    expect(expr('x not in freemail')).toEqual({ kind: 'In', negated: true, subject: path1('x'), collection: path1('freemail') });
  });

  it('text predicates', () => {
    expect(expr('t starts with "a"')).toEqual({ kind: 'TextTest', op: 'startsWith', any: false, subject: path1('t'), value: str('a') });
    expect(expr('t ends with "a"')).toEqual({ kind: 'TextTest', op: 'endsWith', any: false, subject: path1('t'), value: str('a') });
    expect(expr('t contains "a"')).toEqual({ kind: 'TextTest', op: 'contains', any: false, subject: path1('t'), value: str('a') });
  });

  it('`contains any`, `starts with any`, `ends with any` take a list; `any(` stays the event function', () => {
    const list = { kind: 'Array', elements: [str('a'), str('b')] };
    expect(expr('t contains any ["a", "b"]')).toEqual({ kind: 'TextTest', op: 'contains', any: true, subject: path1('t'), value: list });
    expect(expr('t starts with any words')).toEqual({ kind: 'TextTest', op: 'startsWith', any: true, subject: path1('t'), value: path1('words') });
    expect(expr('t ends with any ["a", "b"]')).toEqual({ kind: 'TextTest', op: 'endsWith', any: true, subject: path1('t'), value: list });
    const decl = onlyDecl('segment s = t contains any ["a"]');
    expect(decl.kind === 'Segment' && decl.expr?.kind === 'TextTest' && decl.expr.opSpan).toEqual({ start: 14, end: 26 });
    expect(expr('t contains any(v)')).toEqual({
      kind: 'TextTest',
      op: 'contains',
      any: false,
      subject: path1('t'),
      value: { kind: 'Call', fn: 'any', query: { event: { name: 'v' } } },
    });
  });

  it('a name followed by `(` is a function call, `max(` too; a name alone stays a path', () => {
    expect(expr('min(x / 100, 20) + max(a, b, c) > round(y)')).toEqual({
      kind: 'Compare',
      op: '>',
      left: {
        kind: 'Binary',
        op: '+',
        left: {
          kind: 'FunctionCall',
          name: { name: 'min' },
          args: [{ kind: 'Binary', op: '/', left: path1('x'), right: num(100) }, num(20)],
        },
        right: { kind: 'FunctionCall', name: { name: 'max' }, args: [path1('a'), path1('b'), path1('c')] },
      },
      right: { kind: 'FunctionCall', name: { name: 'round' }, args: [path1('y')] },
    });
    expect(expr('a.b() == round')).toEqual({
      kind: 'Compare',
      op: '==',
      left: { kind: 'FunctionCall', name: { name: 'a.b' }, args: [] },
      right: path1('round'),
    });
  });

  it('computed rule points are one MQL1020 each, and still end the previous rule', () => {
    const { ast, diagnostics } = parseFile('score s {\n  +1 when x > 3\n  +(x / 100) when y\n  +min(x, 2) per v max 3\n}', 'p.mql');
    expect(diagnostics.map((d) => [d.code, d.span])).toEqual([
      ['MQL1020', { start: 28, end: 38 }],
      ['MQL1020', { start: 48, end: 58 }],
    ]);
    const body = ast.decls[0]?.kind === 'Score' ? ast.decls[0].body : undefined;
    expect(body?.kind === 'Rules' && body.rules.map((r) => [r.kind, r.points?.value, r.max?.value])).toEqual([
      ['WhenRule', 1, undefined],
      ['WhenRule', undefined, undefined],
      ['PerRule', undefined, 3],
    ]);
  });

  it('`between a and b` binds its own `and`; the bounds are additive', () => {
    expect(expr('n between 1 + 1 and 5 and ok')).toEqual({
      kind: 'Binary',
      op: 'and',
      left: {
        kind: 'Between',
        subject: path1('n'),
        low: { kind: 'Binary', op: '+', left: num(1), right: num(1) },
        high: num(5),
      },
      right: path1('ok'),
    });
  });

  it('is set, is missing, within', () => {
    expect(expr('p is missing')).toEqual({ kind: 'IsSet', negated: true, subject: path1('p') });
    expect(expr('d within 2w')).toEqual({
      kind: 'Within',
      subject: path1('d'),
      duration: { kind: 'Duration', ms: 2 * 604_800_000, text: '2w' },
    });
  });

  it('paths may start with `lead` and contain `at`', () => {
    expect(expr('lead.company.at')).toEqual(path1('lead', 'company', 'at'));
    expect(expr('at < now')).toEqual({ kind: 'Compare', op: '<', left: path1('at'), right: { kind: 'Now' } });
  });

  it('literals, parentheses and arrays', () => {
    expect(expr('(true) == [false, 2026-01-01, 36h, "s",]')).toEqual({
      kind: 'Compare',
      op: '==',
      left: { kind: 'Paren', expr: { kind: 'Bool', value: true } },
      right: {
        kind: 'Array',
        elements: [
          { kind: 'Bool', value: false },
          { kind: 'Date', ms: Date.UTC(2026, 0, 1), text: '2026-01-01' },
          { kind: 'Duration', ms: 36 * 3_600_000, text: '36h' },
          str('s'),
        ],
      },
    });
  });

  it('event functions', () => {
    const query = (event: string) => ({ event: { name: event } });
    expect(expr('count(v within 14d where url contains "/p") >= 3')).toEqual({
      kind: 'Compare',
      op: '>=',
      left: {
        kind: 'Call',
        fn: 'count',
        query: {
          event: { name: 'v' },
          within: { kind: 'Duration', ms: 14 * 86_400_000, text: '14d' },
          where: { kind: 'TextTest', op: 'contains', any: false, subject: path1('url'), value: str('/p') },
        },
      },
      right: num(3),
    });
    expect(expr('any(w)')).toEqual({ kind: 'Call', fn: 'any', query: query('w') });
    expect(expr('none(w)')).toEqual({ kind: 'Call', fn: 'none', query: query('w') });
    expect(expr('sum(deal, amount)')).toEqual({ kind: 'Call', fn: 'sum', query: query('deal'), attribute: { name: 'amount' } });
    expect(expr('days_since(w where ok)')).toEqual({
      kind: 'Call',
      fn: 'days_since',
      query: { event: { name: 'w' }, where: path1('ok') },
    });
    expect(expr('days_since(lead.created_at)')).toEqual({ kind: 'Call', fn: 'days_since', arg: path1('lead', 'created_at') });
    expect(expr('days_since(2026-01-01)')).toEqual({
      kind: 'Call',
      fn: 'days_since',
      arg: { kind: 'Date', ms: Date.UTC(2026, 0, 1), text: '2026-01-01' },
    });
  });

  it('a call span covers the call, fnSpan the function name', () => {
    const decl = onlyDecl('segment s = any(w)');
    expect(decl.kind === 'Segment' && decl.expr).toMatchObject({ fnSpan: { start: 12, end: 15 }, span: { start: 12, end: 18 } });
  });
});

describe('the §6 three-token gate', () => {
  it('`+N when` and `-N when` after an expression start a new rule', () => {
    const decl = onlyDecl('score s {\n  "A": +5 when x > 10\n  -30 when y\n  +1 per e\n}');
    expect(shape(decl)).toEqual({
      kind: 'Score',
      name: { name: 's' },
      body: {
        kind: 'Rules',
        rules: [
          { kind: 'WhenRule', label: str('A'), points: { value: 5 }, condition: { kind: 'Compare', op: '>', left: path1('x'), right: num(10) } },
          { kind: 'WhenRule', points: { value: -30 }, condition: path1('y') },
          { kind: 'PerRule', points: { value: 1 }, query: { event: { name: 'e' } } },
        ],
      },
    });
  });

  it('pins the spans of two adjacent rules', () => {
    const decl = onlyDecl('score s { +5 when x -3 when y }');
    if (decl.kind !== 'Score' || decl.body?.kind !== 'Rules') throw new Error('not a rules score');
    expect(decl.body.rules.map((r) => [r.span, r.points?.span])).toEqual([
      [{ start: 10, end: 19 }, { start: 10, end: 12 }],
      [{ start: 20, end: 29 }, { start: 20, end: 22 }],
    ]);
  });

  it('outside a rule position, `- 30` is subtraction', () => {
    expect(expr('x > 10 - 30')).toEqual({
      kind: 'Compare',
      op: '>',
      left: path1('x'),
      right: { kind: 'Binary', op: '-', left: num(10), right: num(30) },
    });
  });

  it('a rule ending in `- N` without when/per keeps the subtraction', () => {
    const decl = onlyDecl('score s { +5 when x > 10 - 3 }');
    if (decl.kind !== 'Score' || decl.body?.kind !== 'Rules') throw new Error('not a rules score');
    expect(decl.body.rules).toHaveLength(1);
    expect(shape(decl.body.rules[0]!)).toMatchObject({ condition: { right: { kind: 'Binary', op: '-' } } });
  });
});

describe('literals', () => {
  it('decodes string escapes', () => {
    expect(expr('"q\\" b\\\\ n\\n t\\t u\\u00e9"')).toEqual(str('q" b\\ n\n t\t u\u00e9'));
  });

  it('converts durations to milliseconds', () => {
    const ms = (source: string) => (expr(source) as { ms: number }).ms;
    expect([ms('36h'), ms('14d'), ms('2w'), ms('1.5d')]).toEqual([129_600_000, 1_209_600_000, 1_209_600_000, 129_600_000]);
  });

  it('converts dates to epoch milliseconds in UTC, honouring offsets and fractions', () => {
    const ms = (source: string) => (expr(source) as { ms: number }).ms;
    expect(ms('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(ms('2026-11-01T08:30')).toBe(Date.UTC(2026, 10, 1, 8, 30));
    expect(ms('2026-11-01T08:30:00+02:00')).toBe(Date.UTC(2026, 10, 1, 6, 30));
    expect(ms('2026-11-01T08:30:00.25-01:30')).toBe(Date.UTC(2026, 10, 1, 10, 0, 0, 250));
    expect(ms('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('a date wins over subtraction', () => {
    expect(expr('2026-11-01')).toMatchObject({ kind: 'Date' });
    expect(expr('2026 - 11 - 1')).toMatchObject({ kind: 'Binary', op: '-' });
  });
});

describe('doc comments', () => {
  it('attach to declarations, fields, score rules, grade bands and stage clauses', () => {
    const ast = parseClean(`
/// The lead.
/// Second line.
lead {
  ///   indented
  email: email
}
// not a doc comment
segment a = x
/// Fit.
score fit {
  /// Rule doc.
  "R": +1 when x
}
grade g {
  /// Band doc.
  A when x
  else B
}
stage S {
  /// Clause doc.
  require x
}
/// Detached by a plain comment.
// plain
segment b = y
`);
    const [lead, a, fit, grade, stage, b] = ast.decls as [any, any, any, any, any, any];
    expect(lead.doc).toBe('The lead.\nSecond line.');
    expect(lead.fields[0].doc).toBe('  indented');
    expect(a.doc).toBeUndefined();
    expect(fit.doc).toBe('Fit.');
    expect(fit.body.rules[0].doc).toBe('Rule doc.');
    expect(grade.bands[0].doc).toBe('Band doc.');
    expect(stage.clauses[0].doc).toBe('Clause doc.');
    expect(b.doc).toBeUndefined();
  });

  it('a blank line between a doc comment and its declaration is only whitespace', () => {
    const ast = parseClean('/// Doc.\n\nsegment a = x');
    expect(ast.decls[0]!.doc).toBe('Doc.');
  });
});

describe('syntax fixtures', () => {
  const fixtures = readdirSync(syntaxFixturesDir).filter((f) => f.endsWith('.mql'));

  it('cover every syntax diagnostic code', () => {
    const codes = new Set<string>();
    for (const name of fixtures) {
      const text = readFileSync(path.join(syntaxFixturesDir, name), 'utf8');
      for (const d of parseFile(text, name).diagnostics) codes.add(d.code);
    }
    const expected = [...Array.from({ length: 10 }, (_, i) => `MQL10${String(i + 1).padStart(2, '0')}`), 'MQL1020'];
    expect([...codes].sort()).toEqual(expected);
  });

  for (const name of fixtures) {
    it(`${name} matches its baseline`, () => {
      const fixturePath = path.join(syntaxFixturesDir, name);
      const text = readFileSync(fixturePath, 'utf8');
      compareBaseline(fixturePath, renderDiagnosticsBaseline(text, parseFile(text, name).diagnostics));
    });
  }

  it('multi-error.mql still yields every declaration with its intact parts', () => {
    const text = readFileSync(path.join(syntaxFixturesDir, 'multi-error.mql'), 'utf8');
    const { ast, diagnostics } = parseFile(text, 'multi-error.mql');
    expect(diagnostics.length).toBeGreaterThanOrEqual(6);
    const summary = ast.decls.map((decl) => {
      switch (decl.kind) {
        case 'Lead':
          return `Lead ${decl.fields.map((f) => f.name.name).join(',')}`;
        case 'Score':
          return `Score ${decl.name?.name} ${decl.body?.kind === 'Rules' ? decl.body.rules.map((r) => r.points?.value).join(',') : ''}`;
        case 'Stage':
          return `Stage ${decl.name?.name} ${decl.clauses.map((c) => c.kind).join(',')}`;
        case 'Test':
          return `Test ${decl.leads.length} lead, ${decl.expects.length} expect`;
        default:
          return `${decl.kind} ${'name' in decl ? decl.name?.name : ''}`;
      }
    });
    expect(summary).toEqual([
      'Lead email,seniority,consent',
      'Segment decision_maker',
      'Score fit 20,-30',
      'Grade profile',
      'Stage MQL require,reject',
      'Test 1 lead, 1 expect',
    ]);
  });

  it('valid-edge-cases.mql has an empty baseline', () => {
    const fixturePath = path.join(syntaxFixturesDir, 'valid-edge-cases.mql');
    expect(parseFile(readFileSync(fixturePath, 'utf8'), 'v.mql').diagnostics).toEqual([]);
  });
});

describe('error spans', () => {
  it('an error at the end of the file points just after the last token', () => {
    const text = 'segment s = a ==   \n\n';
    const [diagnostic] = parseFile(text, 'e.mql').diagnostics;
    expect(diagnostic).toMatchObject({ code: 'MQL1004', span: { start: 16, end: 16 } });
    expect(diagnostic!.message).toBe('expected an expression after `==`, but the file ended');
  });

  it('an unclosed score block says so', () => {
    const [diagnostic] = parseFile('score s {\n +1 when x\n', 'e.mql').diagnostics;
    expect(diagnostic!.message).toBe('expected `}` to close the score block, but the file ended');
  });

  it('messages name what was expected, after which token, and what was found', () => {
    const first = (text: string) => {
      const [d] = parseFile(text, 'e.mql').diagnostics;
      return d && `${d.span.start}-${d.span.end} ${d.message}`;
    };
    expect(first('grade g { A fit > 1 }')).toBe('12-15 expected `when` after `A`, but found `fit`');
    expect(first('segment s = x is')).toBe('16-16 expected `set` or `missing` after `is`, but the file ended');
    expect(first('lead { a: }')).toMatch(/^10-11 expected a type \(`string`, .*\) after `:`, but found `}`$/);
    expect(first('stage S { require "L" x }')).toBe('22-23 expected `require`, `reject` or `}` to close the stage block, but found `x`');
    expect(first('sement s = x')).toMatch(/^0-6 expected a declaration \(`import`, .*\), but found `sement`$/);
  });

  it('each Expr node has a span inside its parent', () => {
    const decl = onlyDecl('segment s = (a + b) * c.d');
    const check = (e: Expr, parent: { start: number; end: number }) => {
      expect(e.span.start).toBeGreaterThanOrEqual(parent.start);
      expect(e.span.end).toBeLessThanOrEqual(parent.end);
    };
    if (decl.kind !== 'Segment' || decl.expr?.kind !== 'Binary') throw new Error('unexpected shape');
    expect(decl.expr.span).toEqual({ start: 12, end: 25 });
    check(decl.expr.left, decl.expr.span);
    check(decl.expr.right!, decl.expr.span);
    expect(decl.expr.right!.span).toEqual({ start: 22, end: 25 });
  });
});
