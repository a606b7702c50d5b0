// The types of a loaded artifact's expressions, checked once at load (LANGUAGE.md §5 "Type errors"):
// the compiler never writes a mistyped expression, so one found here comes from a hand-edited or
// damaged artifact, and `load` refuses it with an ArtifactError at the node's JSON path instead of
// evaluating it to a silent `false` or 0. Types come from the artifact's own lead and event
// schemas and declarations; the rules mirror the compiler's checker without importing it (the
// runtime never depends on core). Unknown names were already refused by compileProgram, so a name
// that is not found here is given the type `unknown`, which fits anywhere.

import type { EventQuery, Expr, FieldSpec, FieldType, RulesArtifact } from '@mql/artifact';
import { ArtifactError } from './errors.js';
import { formatPath } from './verify.js';

type Type = FieldType | { kind: 'duration' } | { kind: 'values'; element: 'string' | 'number' | 'empty' } | { kind: 'unknown' };

/** A JSON path built backwards, so walking costs nothing until an error names the place. */
interface At {
  up?: At;
  key: PropertyKey;
}

interface Env {
  lead: Map<string, FieldType>;
  events: Map<string, Map<string, FieldType>>;
  /** Inside a query's `where`: the attributes of its event. */
  attrs?: Map<string, FieldType>;
}

const BOOL: Type = { kind: 'bool' };
const NUMBER: Type = { kind: 'number' };
const STRING: Type = { kind: 'string' };
const DATE: Type = { kind: 'date' };
const UNKNOWN: Type = { kind: 'unknown' };

/** Refuses the first mistyped expression of the artifact, naming its JSON path. */
export function checkTypes(artifact: RulesArtifact): void {
  const env: Env = { lead: fieldTypes(artifact.lead.fields), events: new Map(artifact.events.map((e) => [e.name, eventAttrs(e.fields)])) };
  const root = (...keys: PropertyKey[]): At => keys.reduce<At | undefined>((up, key) => ({ up, key }), undefined)!;
  artifact.segments.forEach((s, i) => condition(s.expr, root('segments', i, 'expr'), env));
  artifact.scores.forEach((s, i) => {
    if (s.kind === 'formula') expect(s.expr, root('scores', i, 'expr'), env, isNumber, 'a formula score must be a number');
    else s.rules.forEach((r, j) => (r.kind === 'when' ? condition(r.when, root('scores', i, 'rules', j, 'when'), env) : query(r.query, root('scores', i, 'rules', j, 'query'), env)));
  });
  artifact.grades.forEach((g, i) => g.bands.forEach((b, j) => condition(b.when, root('grades', i, 'bands', j, 'when'), env)));
  artifact.stages.forEach((s, i) => {
    s.requirements.forEach((c, j) => condition(c.when, root('stages', i, 'requirements', j, 'when'), env));
    s.rejections.forEach((c, j) => condition(c.when, root('stages', i, 'rejections', j, 'when'), env));
  });
  artifact.tests.forEach((t, i) =>
    t.expectations.forEach((e, j) => {
      if (e.kind === 'condition') condition(e.expr, root('tests', i, 'expectations', j, 'expr'), env);
    }),
  );
}

/** Dotted schema path → type, for every field and nested field. */
function fieldTypes(fields: FieldSpec[], prefix = '', into = new Map<string, FieldType>()): Map<string, FieldType> {
  for (const field of fields) {
    into.set(prefix + field.name, field.type);
    if (field.type.kind === 'object') fieldTypes(field.type.fields, `${prefix}${field.name}.`, into);
  }
  return into;
}

function eventAttrs(fields: FieldSpec[]): Map<string, FieldType> {
  return fieldTypes(fields).set('at', { kind: 'date' });
}

// ---------------------------------------------------------------------------------------------
// Expressions

function typeOf(expr: Expr, at: At, env: Env): Type {
  const child = (key: PropertyKey): At => ({ up: at, key });
  switch (expr.op) {
    case 'literal':
      return literal(expr, at);
    case 'list':
      return listLiteral(expr.values, at);
    case 'field':
      return env.lead.get(expr.path.join('.')) ?? UNKNOWN;
    case 'attr':
      return env.attrs?.get(expr.name) ?? UNKNOWN;
    case 'email_part':
      expect(expr.of, child('of'), env, (t) => fits(t, 'email'), `\`.${expr.part}\` needs an email`);
      return STRING;
    case 'now':
      return DATE;
    case 'segment':
      return BOOL;
    case 'score':
      return NUMBER;
    case 'grade':
      return STRING; // its label
    case 'not':
      condition(expr.arg, child('arg'), env, '`not` needs a boolean');
      return BOOL;
    case 'and':
    case 'or':
      expr.args.forEach((arg, i) => condition(arg, { up: child('args'), key: i }, env, `\`${expr.op}\` needs booleans`));
      return BOOL;
    case 'neg':
      return negation(typeOf(expr.arg, child('arg'), env), at);
    case 'arith':
      return arithmetic(expr.fn, typeOf(expr.left, child('left'), env), typeOf(expr.right, child('right'), env), at);
    case 'compare':
      return compare(expr, at, env);
    case 'in':
      return membership(typeOf(expr.subject, child('subject'), env), typeOf(expr.list, child('list'), env), at);
    case 'contains':
      return expr.on === 'list' ? listContains(expr, at, env) : textTest('contains', expr, at, env);
    case 'starts_with':
    case 'ends_with':
      return textTest(expr.op === 'starts_with' ? 'starts with' : 'ends with', expr, at, env);
    case 'between':
      return between(expr, at, env);
    case 'is_set':
      typeOf(expr.subject, child('subject'), env); // any value may be tested for presence
      return BOOL;
    case 'within':
      expect(expr.subject, child('subject'), env, (t) => fits(t, 'date'), '`within` needs a date');
      return BOOL;
    case 'days_since_date':
      expect(expr.arg, child('arg'), env, (t) => fits(t, 'date'), '`days_since` needs a date');
      return NUMBER;
    case 'math':
      expr.args.forEach((arg, i) => expect(arg, { up: child('args'), key: i }, env, isNumber, `\`${expr.fn}\` needs numbers`));
      return NUMBER;
    case 'count':
    case 'any':
    case 'none':
    case 'sum':
    case 'days_since_event':
      return eventFunction(expr, at, env);
  }
}

/** Checks `expr` against `ok`, else fails with `needs`, ", but this is <type>". */
function expect(expr: Expr, at: At, env: Env, ok: (t: Type) => boolean, needs: string): Type {
  const type = typeOf(expr, at, env);
  if (!ok(type)) fail(at, `${needs}, but this is ${describe(type)}`);
  return type;
}

function condition(expr: Expr, at: At, env: Env, needs = 'a condition must be a boolean'): void {
  expect(expr, at, env, (t) => fits(t, 'bool'), needs);
}

function literal(expr: Extract<Expr, { op: 'literal' }>, at: At): Type {
  const js = expr.type === 'string' ? 'string' : expr.type === 'bool' ? 'boolean' : 'number';
  if (typeof expr.value !== js) fail(at, `a ${expr.type} literal holds ${JSON.stringify(expr.value)}`);
  return { kind: expr.type };
}

function listLiteral(values: (string | number)[], at: At): Type {
  const first = values[0];
  if (first === undefined) return { kind: 'values', element: 'empty' };
  const element = typeof first === 'string' ? 'string' : 'number';
  const other = values.findIndex((v) => typeof v !== element);
  if (other >= 0) fail({ up: { up: at, key: 'values' }, key: other }, `every element of a list must be ${element === 'string' ? 'a string' : 'a number'}, like the first one`);
  return { kind: 'values', element };
}

function negation(type: Type, at: At): Type {
  if (type.kind === 'number' || type.kind === 'duration' || type.kind === 'unknown') return type;
  return fail(at, `cannot negate ${describe(type)}`);
}

/** number ∘ number; date ± duration, duration + date, duration ± duration (LANGUAGE.md §5). */
function arithmetic(fn: '+' | '-' | '*' | '/', left: Type, right: Type, at: At): Type {
  const l = left.kind;
  const r = right.kind;
  if (l === 'unknown' || r === 'unknown') return l === 'unknown' ? right : left;
  if (l === 'number' && r === 'number') return NUMBER;
  if (fn === '+' || fn === '-') {
    if (l === 'date' && r === 'duration') return DATE;
    if (fn === '+' && l === 'duration' && r === 'date') return DATE;
    if (l === 'duration' && r === 'duration') return left;
  }
  return fail(at, `cannot apply \`${fn}\` to ${describe(left)} and ${describe(right)}`);
}

/** `==`/`!=` on text, numbers, booleans or dates; ordering on numbers or dates; `type` names the operands'. */
function compare(expr: Extract<Expr, { op: 'compare' }>, at: At, env: Env): Type {
  const left = typeOf(expr.left, { up: at, key: 'left' }, env);
  const right = typeOf(expr.right, { up: at, key: 'right' }, env);
  const kinds = expr.cmp === '==' || expr.cmp === '!=' ? ['string', 'number', 'bool', 'date'] : ['number', 'date'];
  const known = left.kind === 'unknown' ? right : left;
  if (!compatible(left, right) || (known.kind !== 'unknown' && !kinds.includes(valueKind(known)))) {
    fail(at, `\`${expr.cmp}\` cannot compare ${describe(left)} with ${describe(right)}`);
  }
  if (known.kind !== 'unknown' && valueKind(known) !== expr.type) {
    fail({ up: at, key: 'type' }, `the comparison is typed ${expr.type}, but its operands are ${describe(known)}`);
  }
  return BOOL;
}

/** `x in [..]` or, built by hand, `x in list_field`: the elements must be of x's kind. */
function membership(subject: Type, list: Type, at: At): Type {
  const element: Type | undefined =
    list.kind === 'values' ? (list.element === 'empty' ? UNKNOWN : { kind: list.element }) : list.kind === 'list' ? list.element : list.kind === 'unknown' ? UNKNOWN : undefined;
  if (element === undefined) return fail({ up: at, key: 'list' }, `\`in\` needs a list, but this is ${describe(list)}`);
  const scalar = subject.kind === 'unknown' || isText(subject) || subject.kind === 'number';
  if (!scalar || !compatible(subject, element)) fail(at, `\`in\` cannot look for ${describe(subject)} in ${describe(list)}`);
  return BOOL;
}

function listContains(expr: Extract<Expr, { op: 'contains' }>, at: At, env: Env): Type {
  const list = expect(expr.subject, { up: at, key: 'subject' }, env, (t) => t.kind === 'list' || t.kind === 'unknown', '`contains` on a list needs a list field');
  const element = list.kind === 'list' ? list.element : UNKNOWN;
  expect(expr.value, { up: at, key: 'value' }, env, (t) => compatible(t, element) && t.kind !== 'values', `this list holds ${describe(element)}`);
  return BOOL;
}

function textTest(word: string, expr: { subject: Expr; value: Expr }, at: At, env: Env): Type {
  expect(expr.subject, { up: at, key: 'subject' }, env, (t) => fits(t, 'string'), `\`${word}\` works on text`);
  expect(expr.value, { up: at, key: 'value' }, env, (t) => fits(t, 'string'), `\`${word}\` needs text`);
  return BOOL;
}

function between(expr: Extract<Expr, { op: 'between' }>, at: At, env: Env): Type {
  const subject = expect(expr.subject, { up: at, key: 'subject' }, env, (t) => fits(t, 'number') || fits(t, 'date'), '`between` needs a number or a date');
  for (const key of ['low', 'high'] as const) {
    expect(expr[key], { up: at, key }, env, (t) => compatible(t, subject), `\`between\` on ${describe(subject)} needs a bound of the same type`);
  }
  return BOOL;
}

function eventFunction(expr: Extract<Expr, { query: EventQuery }>, at: At, env: Env): Type {
  const attrs = query(expr.query, { up: at, key: 'query' }, env);
  if (expr.op === 'any' || expr.op === 'none') return BOOL;
  if (expr.op === 'sum') {
    const type = attrs?.get(expr.attr) ?? UNKNOWN;
    if (!isNumber(type)) fail({ up: at, key: 'attr' }, `\`sum\` needs a number attribute, but "${expr.attr}" is ${describe(type)}`);
  }
  return NUMBER;
}

/** Checks a query's `where` with its event's attributes in scope; returns those attributes. */
function query(q: EventQuery, at: At, env: Env): Map<string, FieldType> | undefined {
  const attrs = env.events.get(q.event);
  if (q.where) condition(q.where, { up: at, key: 'where' }, { ...env, attrs }, 'a `where` condition must be a boolean');
  return attrs;
}

// ---------------------------------------------------------------------------------------------
// Type relations and names

function isText(type: Type): boolean {
  return type.kind === 'string' || type.kind === 'email' || type.kind === 'enum';
}

function isNumber(type: Type): boolean {
  return type.kind === 'number' || type.kind === 'unknown';
}

/** Whether `type` can stand where `kind` is needed (any text for `string`). */
function fits(type: Type, kind: 'string' | 'email' | 'number' | 'bool' | 'date'): boolean {
  if (type.kind === 'unknown') return true;
  return kind === 'string' ? isText(type) : type.kind === kind;
}

/** Two values of one kind: text with text (case-insensitively at run time), else the same kind. */
function compatible(a: Type, b: Type): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (isText(a) && isText(b)) return true;
  if (a.kind === 'list' && b.kind === 'list') return compatible(a.element, b.element);
  return a.kind === b.kind;
}

/** The compare node's `type` for operands of this type: text of every kind is `string`. */
function valueKind(type: Type): string {
  return isText(type) ? 'string' : type.kind;
}

const NOUNS: Record<string, string> = { string: 'text', enum: 'text', email: 'emails', number: 'numbers', bool: 'booleans', date: 'dates', duration: 'durations', object: 'objects', list: 'lists' };

function describe(type: Type): string {
  switch (type.kind) {
    case 'string':
    case 'enum':
      return 'text';
    case 'email':
      return 'an email';
    case 'bool':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'list':
      return `a list of ${NOUNS[type.element.kind]}`;
    case 'values':
      return type.element === 'empty' ? 'an empty list' : `a list of ${NOUNS[type.element]}`;
    case 'unknown':
      return 'a value';
    default:
      return `a ${type.kind}`;
  }
}

function fail(at: At, message: string): never {
  const keys: PropertyKey[] = [];
  for (let node: At | undefined = at; node; node = node.up) keys.unshift(node.key);
  throw new ArtifactError(`malformed artifact at ${formatPath(keys)}: ${message}`);
}
