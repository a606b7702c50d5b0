// A hand-edited artifact whose expressions are mistyped (LANGUAGE.md §5 "Type errors") is refused by
// load() with an ArtifactError naming the node's JSON path, instead of evaluating to a silent
// `false` or 0. That every artifact the compiler writes still loads is checked in
// packages/cli/test/compiled-artifacts-load.test.ts (examples, fixtures, generated programs).

import type { Expr } from '@mql/artifact';
import { describe, expect, it } from 'vitest';
import { ArtifactError, load } from '../src/index.js';
import { artifact, E, formula, grade, q, score, stage, when, type ArtifactParts } from './artifact-builder.js';
import { EVENTS, LEAD } from './helpers.js';
import { b2bFunnel } from './fixtures/b2b-funnel.js';

const loadError = (parts: ArtifactParts): string => {
  try {
    load(artifact({ lead: LEAD, events: EVENTS, ...parts }));
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactError);
    return (error as Error).message;
  }
  throw new Error('load did not throw');
};

const segment = (expr: Expr): ArtifactParts => ({ segments: { s: expr } });
const title = E.field('title');
const employees = E.field('employees');

describe('load refuses type-mismatched expressions', () => {
  const cases: [string, ArtifactParts, string][] = [
    ['a comparison of a text field with a number', segment(E.cmp('==', title, E.num(5), 'string')), 'segments[0].expr: `==` cannot compare text with a number'],
    ['an ordering of text', segment(E.cmp('<', title, E.str('m'), 'string')), 'segments[0].expr: `<` cannot compare text with text'],
    ['a comparison whose `type` is not its operands\'', segment(E.cmp('==', title, E.str('cto'), 'number')), 'segments[0].expr.type: the comparison is typed number, but its operands are text'],
    ['arithmetic on a string operand', { scores: [formula('f', E.arith('+', employees, E.str('5')))] }, 'scores[0].expr: cannot apply `+` to a number and text'],
    ['the difference of two dates', { scores: [formula('f', E.arith('-', E.now(), E.field('created')))] }, 'scores[0].expr: cannot apply `-` to a date and a date'],
    ['`and` with a number', segment(E.and(E.bool(true), E.num(1))), 'segments[0].expr.args[1]: `and` needs booleans, but this is a number'],
    ['`not` of text', segment(E.not(title)), 'segments[0].expr.arg: `not` needs a boolean, but this is text'],
    ['`contains` on a number field', segment(E.contains(employees, E.str('1'))), 'segments[0].expr.subject: `contains` works on text, but this is a number'],
    ['`contains` on a list field with a number', segment(E.contains(E.field('tags'), E.num(1), 'list')), 'segments[0].expr.value: this list holds text, but this is a number'],
    ['`contains` on text applied to a list field', segment(E.contains(E.field('tags'), E.str('ai'))), 'segments[0].expr.subject: `contains` works on text, but this is a list of text'],
    ['`starts with` a number', segment(E.startsWith(title, E.num(1))), 'segments[0].expr.value: `starts with` needs text, but this is a number'],
    ['`in` a list of another kind', segment(E.in(employees, E.list('a', 'b'))), 'segments[0].expr: `in` cannot look for a number in a list of text'],
    ['`in` something that is not a list', segment(E.in(title, E.str('a'))), 'segments[0].expr.list: `in` needs a list, but this is text'],
    ['a list mixing strings and numbers', segment(E.in(title, E.list('a', 2))), 'segments[0].expr.list.values[1]: every element of a list must be a string, like the first one'],
    ['`between` a number and text', segment(E.between(employees, E.num(1), E.str('9'))), 'segments[0].expr.high: `between` on a number needs a bound of the same type, but this is text'],
    ['`within` on a number', segment(E.within(employees, '30d')), 'segments[0].expr.subject: `within` needs a date, but this is a number'],
    ['`days_since` of text', { scores: [formula('f', E.daysSinceDate(title))] }, 'scores[0].expr.arg: `days_since` needs a date, but this is text'],
    ['`.domain` of a string', segment(E.cmp('==', E.domain(title), E.str('acme.io'), 'string')), 'segments[0].expr.left.of: `.domain` needs an email, but this is text'],
    ['a math function of a boolean', { scores: [formula('f', E.math('abs', E.field('consent')))] }, 'scores[0].expr.args[0]: `abs` needs numbers, but this is a boolean'],
    ['a negated date', { scores: [formula('f', E.neg(E.now()))] }, 'scores[0].expr: cannot negate a date'],
    ['`sum` of a text attribute', { scores: [formula('f', E.sum(q('page_view'), 'url'))] }, 'scores[0].expr.attr: `sum` needs a number attribute, but "url" is text'],
    ['a `where` comparing an attribute with the wrong type', segment(E.any(q('page_view', { where: E.cmp('>', E.attr('url'), E.num(3)) }))), 'segments[0].expr.query.where: `>` cannot compare text with a number'],
    ['a `where` that is not a condition', { scores: [score('fit', [{ kind: 'per', label: 'p', labelled: false, points: 1, query: q('purchase', { where: E.attr('amount') }), loc: LOC }])] }, 'scores[0].rules[0].query.where: a `where` condition must be a boolean, but this is a number'],
    ['a segment that is not a condition', segment(title), 'segments[0].expr: a condition must be a boolean, but this is text'],
    ['a score rule whose condition is a number', { scores: [score('fit', [when(5, employees)])] }, 'scores[0].rules[0].when: a condition must be a boolean, but this is a number'],
    ['a formula score that is text', { scores: [formula('f', title)] }, 'scores[0].expr: a formula score must be a number, but this is text'],
    ['a grade band that is a date', { grades: [grade('g', [['A', E.now()]], 'B')] }, 'grades[0].bands[0].when: a condition must be a boolean, but this is a date'],
    ['a stage requirement that is a score', { scores: [score('fit', [])], stages: [stage('MQL', { require: [['fit', E.score('fit')]] })] }, 'stages[0].requirements[0].when: a condition must be a boolean, but this is a number'],
    ['a literal whose value is not of its type', segment(E.cmp('>', employees, { op: 'literal', type: 'number', value: '5' }, 'number')), 'segments[0].expr.right: a number literal holds "5"'],
    ['a grade compared with a number', { grades: [grade('g', [['A', E.bool(true)]], 'B')], ...segment(E.cmp('==', E.grade('g'), E.num(1), 'string')) }, 'segments[0].expr: `==` cannot compare text with a number'],
  ];
  it.each(cases)('%s', (_, parts, expected) => {
    expect(loadError(parts)).toBe(`malformed artifact at ${expected}`);
  });

  it('a test expectation that is not a condition', () => {
    const a = artifact({ lead: LEAD, events: EVENTS });
    a.tests.push({ description: 't', now: 0, record: {}, expectations: [{ kind: 'condition', expr: E.num(1), text: '1', loc: LOC }], loc: LOC });
    expect(() => load(a)).toThrow(new ArtifactError('malformed artifact at tests[0].expectations[0].expr: a condition must be a boolean, but this is a number'));
  });
});

describe('load accepts well-typed artifacts', () => {
  it('the hand-written example artifact', () => {
    expect(load(b2bFunnel).segmentNames.length).toBeGreaterThan(0);
  });
});

const LOC = { file: 'test.mql', line: 1, column: 1, start: 0, end: 1 };
