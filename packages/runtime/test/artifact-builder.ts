// A small, readable way to write rules artifacts in tests, independent of the compiler.
//
//   const a = artifact({
//     lead: [field('email', T.email, { from: 'Email' }), optional('title', T.string)],
//     events: { page_view: [field('url', T.string)] },
//     segments: { engineer: E.contains(E.field('title'), E.str('engineer')) },
//   });

import type {
  EventQuery,
  Expr,
  FieldSpec,
  FieldType,
  MathFunction,
  PerRule,
  RulesArtifact,
  Score,
  SourceLocation,
  Stage,
  StageClause,
  ValueType,
  WhenRule,
} from '@mql/artifact';

export const loc = (line = 1, column = 1): SourceLocation => ({ file: 'test.mql', line, column, start: 0, end: 1 });

const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `14d`, `36h`, `2w`, `1.5d` → milliseconds. */
export function ms(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)([hdw])$/.exec(duration);
  if (!m) throw new Error(`bad duration ${duration}`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

export const iso = (text: string): number => Date.parse(text);

// ---------------------------------------------------------------------------------------------
// Types and fields

export const T = {
  string: { kind: 'string' } as FieldType,
  email: { kind: 'email' } as FieldType,
  number: { kind: 'number' } as FieldType,
  bool: { kind: 'bool' } as FieldType,
  date: { kind: 'date' } as FieldType,
  enum: (...members: string[]): FieldType => ({ kind: 'enum', members }),
  object: (...fields: FieldSpec[]): FieldType => ({ kind: 'object', fields }),
  list: (element: FieldType): FieldType => ({ kind: 'list', element }),
};

export function field(name: string, type: FieldType, opts: { from?: string; optional?: boolean } = {}): FieldSpec {
  const spec: FieldSpec = { name, optional: opts.optional ?? false, type };
  if (opts.from !== undefined) spec.from = opts.from;
  return spec;
}

export const optional = (name: string, type: FieldType, opts: { from?: string } = {}): FieldSpec =>
  field(name, type, { ...opts, optional: true });

// ---------------------------------------------------------------------------------------------
// Expressions

const literal = (type: ValueType, value: number | string | boolean): Expr => ({ op: 'literal', type, value });

export function q(event: string, opts: { within?: string; where?: Expr } = {}): EventQuery {
  const query: EventQuery = { event };
  if (opts.within !== undefined) query.withinMs = ms(opts.within);
  if (opts.where !== undefined) query.where = opts.where;
  return query;
}

export const E = {
  str: (value: string) => literal('string', value),
  num: (value: number) => literal('number', value),
  bool: (value: boolean) => literal('bool', value),
  date: (text: string) => literal('date', iso(text)),
  dur: (text: string) => literal('duration', ms(text)),
  list: (...values: (string | number)[]): Expr => ({ op: 'list', values }),
  field: (...path: string[]): Expr => ({ op: 'field', path }),
  attr: (name: string): Expr => ({ op: 'attr', name }),
  now: (): Expr => ({ op: 'now' }),
  domain: (of: Expr): Expr => ({ op: 'email_part', part: 'domain', of }),
  local: (of: Expr): Expr => ({ op: 'email_part', part: 'local', of }),
  segment: (name: string): Expr => ({ op: 'segment', name }),
  score: (name: string): Expr => ({ op: 'score', name }),
  grade: (name: string): Expr => ({ op: 'grade', name }),
  not: (arg: Expr): Expr => ({ op: 'not', arg }),
  and: (...args: Expr[]): Expr => ({ op: 'and', args }),
  or: (...args: Expr[]): Expr => ({ op: 'or', args }),
  neg: (arg: Expr): Expr => ({ op: 'neg', arg }),
  arith: (fn: '+' | '-' | '*' | '/', left: Expr, right: Expr): Expr => ({ op: 'arith', fn, left, right }),
  cmp: (cmp: '==' | '!=' | '<' | '<=' | '>' | '>=', left: Expr, right: Expr, type: ValueType = 'number'): Expr => ({
    op: 'compare',
    cmp,
    type,
    left,
    right,
  }),
  in: (subject: Expr, list: Expr, negated = false): Expr => ({ op: 'in', negated, subject, list }),
  contains: (subject: Expr, value: Expr, on: 'text' | 'list' = 'text'): Expr => ({ op: 'contains', on, subject, value }),
  startsWith: (subject: Expr, value: Expr): Expr => ({ op: 'starts_with', subject, value }),
  endsWith: (subject: Expr, value: Expr): Expr => ({ op: 'ends_with', subject, value }),
  between: (subject: Expr, low: Expr, high: Expr): Expr => ({ op: 'between', subject, low, high }),
  isSet: (subject: Expr): Expr => ({ op: 'is_set', negated: false, subject }),
  isMissing: (subject: Expr): Expr => ({ op: 'is_set', negated: true, subject }),
  within: (subject: Expr, duration: string): Expr => ({ op: 'within', subject, durationMs: ms(duration) }),
  count: (query: EventQuery): Expr => ({ op: 'count', query }),
  any: (query: EventQuery): Expr => ({ op: 'any', query }),
  none: (query: EventQuery): Expr => ({ op: 'none', query }),
  sum: (query: EventQuery, attr: string): Expr => ({ op: 'sum', query, attr }),
  daysSince: (query: EventQuery): Expr => ({ op: 'days_since_event', query }),
  daysSinceDate: (arg: Expr): Expr => ({ op: 'days_since_date', arg }),
  math: (fn: MathFunction, ...args: Expr[]): Expr => ({ op: 'math', fn, args }),
};

// ---------------------------------------------------------------------------------------------
// Scores, grades, stages

interface RuleOpts {
  label?: string;
  max?: number;
  line?: number;
}

export function when(points: number, condition: Expr, opts: RuleOpts = {}): WhenRule {
  const rule: WhenRule = {
    kind: 'when',
    label: opts.label ?? `${points > 0 ? '+' : ''}${points} when ...`,
    labelled: opts.label !== undefined,
    points,
    when: condition,
    loc: loc(opts.line),
  };
  if (opts.max !== undefined) rule.max = opts.max;
  return rule;
}

export function per(points: number, query: EventQuery, opts: RuleOpts = {}): PerRule {
  const rule: PerRule = {
    kind: 'per',
    label: opts.label ?? `${points > 0 ? '+' : ''}${points} per ${query.event}`,
    labelled: opts.label !== undefined,
    points,
    query,
    loc: loc(opts.line),
  };
  if (opts.max !== undefined) rule.max = opts.max;
  return rule;
}

export function score(
  name: string,
  rules: (WhenRule | PerRule)[],
  opts: { range?: [number, number]; halfLife?: string } = {},
): Score {
  const s: Score = { kind: 'rules', name, rules, loc: loc() };
  if (opts.range) s.range = { min: opts.range[0], max: opts.range[1] };
  if (opts.halfLife) s.halfLifeMs = ms(opts.halfLife);
  return s;
}

export const formula = (name: string, expr: Expr, text = name): Score => ({ kind: 'formula', name, expr, text, loc: loc() });

export function grade(name: string, bands: [string, Expr][], otherwise: string) {
  return {
    name,
    bands: bands.map(([label, condition]) => ({ label, when: condition, text: label, loc: loc() })),
    else: otherwise,
    loc: loc(),
  };
}

/** A stage clause: `[label, condition, text?, line?]`. */
export type ClauseSpec = [label: string, condition: Expr, text?: string, line?: number];

const clause = ([label, condition, text, line]: ClauseSpec): StageClause => ({
  label,
  labelled: true,
  when: condition,
  text: text ?? label,
  loc: loc(line),
});

export function stage(
  name: string,
  opts: { title?: string; after?: string; require?: ClauseSpec[]; reject?: ClauseSpec[] } = {},
): Stage {
  const s: Stage = {
    name,
    requirements: (opts.require ?? []).map(clause),
    rejections: (opts.reject ?? []).map(clause),
    loc: loc(),
  };
  if (opts.title !== undefined) s.title = opts.title;
  if (opts.after !== undefined) s.after = opts.after;
  return s;
}

// ---------------------------------------------------------------------------------------------

export interface ArtifactParts {
  lead?: FieldSpec[];
  events?: Record<string, FieldSpec[]>;
  segments?: Record<string, Expr>;
  scores?: Score[];
  grades?: ReturnType<typeof grade>[];
  stages?: Stage[];
}

export function artifact(parts: ArtifactParts = {}): RulesArtifact {
  return {
    format: 'mql-rules',
    version: 1,
    source: { entry: 'test.mql', files: ['test.mql'], hash: `sha256:${'0'.repeat(64)}` },
    lead: { fields: parts.lead ?? [] },
    events: Object.entries(parts.events ?? {}).map(([name, fields]) => ({ name, fields, loc: loc() })),
    lists: [],
    segments: Object.entries(parts.segments ?? {}).map(([name, expr]) => ({ name, expr, text: name, loc: loc() })),
    scores: parts.scores ?? [],
    grades: parts.grades ?? [],
    stages: parts.stages ?? [],
    tests: [],
  };
}
