// fast-check generators for the differential tests (the runtime's generated code against its
// closures, the SQL back end against the runtime): rules artifacts that use every construct of the
// language, over one fixed schema, and lead records that sit on the edges (missing
// values, mixed case, emails without or with several `@`, events exactly on window boundaries and
// in the future, decay, caps, negative points, `after` chains, quotes and comment markers in text,
// placeholder values (`missing when`) in other letter cases and with white space around them, and
// halves for `round`).

import fc from 'fast-check';
import type { EventQuery, Expr, FieldSpec, Grade, RulesArtifact, Score, ScoreRule, Segment, Stage, ValueType } from '@mql/artifact';

export const NOW_ISO = '2026-11-01T00:00:00.000Z';
export const NOW = Date.parse(NOW_ISO);
const HOUR = 3_600_000;
const DAY = 86_400_000;

const loc = { file: 'generated.mql', line: 1, column: 1, start: 0, end: 1 };
const f = (name: string, type: FieldSpec['type'], optional = true, from?: string, placeholders?: string[]): FieldSpec => ({ name, optional, type, ...(from ? { from } : {}), ...(placeholders ? { placeholders } : {}) });

export const LEAD_FIELDS: FieldSpec[] = [
  f('email', { kind: 'email' }, false, 'Email'),
  f('title', { kind: 'string' }, true, 'Job Title', ['Select', 'N/A']),
  f('seniority', { kind: 'enum', members: ['ic', 'manager', 'director', 'vp', 'cxo'] }, true, undefined, ['Select']),
  f('employees', { kind: 'number' }, true, undefined, ['N/A', '?']),
  f('consent', { kind: 'bool' }),
  f('created', { kind: 'date' }),
  f('tags', { kind: 'list', element: { kind: 'string' } }),
  f('ratings', { kind: 'list', element: { kind: 'number' } }),
  f('company', {
    kind: 'object',
    fields: [f('industry', { kind: 'enum', members: ['software', 'finance', 'retail'] }), f('country', { kind: 'string' }, true, undefined, ['-', 'Unknown']), f('size', { kind: 'number' }, true, 'Size')],
  }),
];

export const EVENT_TYPES = [
  { name: 'page_view', fields: [f('url', { kind: 'string' }, false), f('seconds', { kind: 'number' })], loc },
  { name: 'download', fields: [f('asset', { kind: 'string' }, false)], loc },
  { name: 'webinar', fields: [f('attended', { kind: 'bool' }, false)], loc },
  { name: 'purchase', fields: [f('amount', { kind: 'number' }, true, undefined, ['-']), f('product', { kind: 'string' }, true, 'Product', ['n/a'])], loc },
];

// ---------------------------------------------------------------------------------------------
// Pools: few values, so that leads and rules meet on the boundaries.

/** Text with quotes, semicolons, comment markers and backslashes: it must stay data in SQL. */
const TEXTS = ['acme', 'Acme.io', 'gmail.com', 'VP', 'vp sales', '', "o'brien", '/pricing', 'a;b', '--x', '/*y*/', 'back\\slash', '%_', 'intern', 'x"y', 'select', 'n/a'];
/** Halves (2.5, -2.5, 0.5) tell `round`'s halves-away-from-zero from rounding to even. */
const NUMBERS = [0, 1, 2.5, 3, 5, 10, 200, -2, 0.1, 5000, -2.5, 0.5];
/**
 * Placeholder values as CRM exports write them: the declared text in another case, with spaces,
 * tabs or a no-break space around it (the runtime trims what JavaScript's trim() removes).
 */
const PLACEHOLDERS = {
  title: ['Select', ' select ', 'N/A', '\tn/a\u00a0'],
  seniority: ['Select', ' SELECT\r\n'],
  employees: ['N/A', ' ? ', 'n/a\u3000'],
  country: ['-', ' UNKNOWN', 'unknown\n'],
  amount: ['-', ' - '],
  product: ['N/A', 'n/a '],
};
const DURATIONS = [DAY, 14 * DAY, 30 * DAY, 36 * HOUR, 0.5 * DAY];
/** Event and date ages: on each window's boundary, just past it, now, just in the future, old. */
const AGES = [0, 1, -1, DAY, 14 * DAY, 14 * DAY + 1, 30 * DAY, 30 * DAY - 1, 36 * HOUR, 0.5 * DAY, 45 * DAY, -DAY, 400 * DAY, 3 * DAY + 12345];

const lit = (type: ValueType, value: number | string | boolean): Expr => ({ op: 'literal', type, value });

interface Scope {
  /** Names declared before this one (references go backwards only, so there is no cycle). */
  names: { kind: 'segment' | 'score' | 'grade'; name: string; labels?: string[] }[];
  /** Inside a query's `where`: the event type. */
  event?: (typeof EVENT_TYPES)[number];
  /** Whether event queries may appear (not inside a `where`). */
  queries: boolean;
}

// ---------------------------------------------------------------------------------------------
// Expressions by type

function numberExpr(s: Scope, depth: number): fc.Arbitrary<Expr> {
  const leaves: fc.Arbitrary<Expr>[] = [
    fc.constantFrom(...NUMBERS).map((v) => lit('number', v)),
    fc.constantFrom<Expr>({ op: 'field', path: ['employees'] }, { op: 'field', path: ['company', 'size'] }),
    fc.constant<Expr>({ op: 'days_since_date', arg: { op: 'field', path: ['created'] } }),
  ];
  const scores = s.names.filter((n) => n.kind === 'score');
  if (scores.length > 0) leaves.push(fc.constantFrom(...scores).map((n) => ({ op: 'score', name: n.name }) as Expr));
  if (s.event?.name === 'page_view') leaves.push(fc.constant<Expr>({ op: 'attr', name: 'seconds' }));
  if (s.event?.name === 'purchase') leaves.push(fc.constant<Expr>({ op: 'attr', name: 'amount' }));
  if (s.queries) {
    leaves.push(query(s).map((q) => ({ op: 'count', query: q }) as Expr));
    leaves.push(query(s).map((q) => ({ op: 'days_since_event', query: q }) as Expr));
    leaves.push(fc.tuple(fc.constantFrom<[string, string]>(['page_view', 'seconds'], ['purchase', 'amount']), fc.option(fc.constantFrom(...DURATIONS), { nil: undefined })).map(([[event, attr], withinMs]) => ({ op: 'sum', attr, query: { event, ...(withinMs ? { withinMs } : {}) } }) as Expr));
  }
  if (depth <= 0) return fc.oneof(...leaves);
  const sub = numberExpr(s, depth - 1);
  return fc.oneof(
    { arbitrary: fc.oneof(...leaves), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom('+', '-', '*', '/' as const), sub, sub).map(([fn, left, right]) => ({ op: 'arith', fn, left, right }) as Expr), weight: 2 },
    { arbitrary: sub.map((arg) => ({ op: 'neg', arg }) as Expr), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom('min', 'max' as const), fc.array(sub, { minLength: 2, maxLength: 3 })).map(([fn, args]) => ({ op: 'math', fn, args }) as Expr), weight: 1 },
    { arbitrary: fc.tuple(sub, sub, sub).map((args) => ({ op: 'math', fn: 'clamp', args }) as Expr), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom('round', 'abs' as const), sub).map(([fn, arg]) => ({ op: 'math', fn, args: [arg] }) as Expr), weight: 1 },
  );
}

function textExpr(s: Scope): fc.Arbitrary<Expr> {
  const leaves: fc.Arbitrary<Expr>[] = [
    fc.constantFrom<Expr>(
      { op: 'field', path: ['title'] },
      { op: 'field', path: ['seniority'] },
      { op: 'field', path: ['email'] },
      { op: 'field', path: ['company', 'country'] },
      { op: 'field', path: ['company', 'industry'] },
      { op: 'email_part', part: 'domain', of: { op: 'field', path: ['email'] } },
      { op: 'email_part', part: 'local', of: { op: 'field', path: ['email'] } },
    ),
  ];
  const grades = s.names.filter((n) => n.kind === 'grade');
  if (grades.length > 0) leaves.push(fc.constantFrom(...grades).map((g) => ({ op: 'grade', name: g.name }) as Expr));
  if (s.event?.name === 'page_view') leaves.push(fc.constant<Expr>({ op: 'attr', name: 'url' }));
  if (s.event?.name === 'download') leaves.push(fc.constant<Expr>({ op: 'attr', name: 'asset' }));
  if (s.event?.name === 'purchase') leaves.push(fc.constant<Expr>({ op: 'attr', name: 'product' }));
  return fc.oneof(...leaves);
}

function dateExpr(s: Scope): fc.Arbitrary<Expr> {
  const leaves: fc.Arbitrary<Expr>[] = [
    fc.constant<Expr>({ op: 'field', path: ['created'] }),
    fc.constant<Expr>({ op: 'now' }),
    fc.constantFrom(...DURATIONS).map((d) => ({ op: 'arith', fn: '-', left: { op: 'now' }, right: lit('duration', d) }) as Expr),
  ];
  if (s.event) leaves.push(fc.constant<Expr>({ op: 'attr', name: 'at' }));
  return fc.oneof(...leaves);
}

const textLiteral = fc.tuple(fc.constantFrom(...TEXTS), fc.boolean()).map(([t, upper]) => lit('string', upper ? t.toUpperCase() : t));

export function boolExpr(s: Scope, depth: number): fc.Arbitrary<Expr> {
  const num = numberExpr(s, Math.min(depth, 1));
  const text = textExpr(s);
  const date = dateExpr(s);
  const cmp = fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const);
  const leaves: fc.Arbitrary<Expr>[] = [
    fc.tuple(cmp, num, num).map(([c, left, right]) => ({ op: 'compare', cmp: c, type: 'number', left, right }) as Expr),
    fc.tuple(fc.constantFrom('==', '!=' as const), text, fc.oneof(textLiteral, text)).map(([c, left, right]) => ({ op: 'compare', cmp: c, type: 'string', left, right }) as Expr),
    fc.tuple(cmp, date, date).map(([c, left, right]) => ({ op: 'compare', cmp: c, type: 'date', left, right }) as Expr),
    fc.tuple(fc.boolean(), text, fc.uniqueArray(fc.constantFrom(...TEXTS), { maxLength: 4 })).map(([negated, subject, values]) => ({ op: 'in', negated, subject, list: { op: 'list', values } }) as Expr),
    fc.tuple(fc.boolean(), num, fc.uniqueArray(fc.constantFrom(...NUMBERS), { maxLength: 4 })).map(([negated, subject, values]) => ({ op: 'in', negated, subject, list: { op: 'list', values } }) as Expr),
    fc.tuple(fc.boolean(), text).map(([negated, subject]) => ({ op: 'in', negated, subject, list: { op: 'field', path: ['tags'] } }) as Expr),
    fc.tuple(fc.constantFrom('contains', 'starts_with', 'ends_with' as const), text, textLiteral).map(([o, subject, value]) => (o === 'contains' ? { op: 'contains', on: 'text', subject, value } : { op: o, subject, value }) as Expr),
    textLiteral.map((value) => ({ op: 'contains', on: 'list', subject: { op: 'field', path: ['tags'] }, value }) as Expr),
    fc.constantFrom(...NUMBERS).map((v) => ({ op: 'contains', on: 'list', subject: { op: 'field', path: ['ratings'] }, value: lit('number', v) }) as Expr),
    fc.tuple(num, fc.constantFrom(...NUMBERS), fc.constantFrom(...NUMBERS)).map(([subject, a, b]) => ({ op: 'between', subject, low: lit('number', Math.min(a, b)), high: lit('number', Math.max(a, b)) }) as Expr),
    fc.tuple(fc.boolean(), fc.oneof(text, num, date, fc.constantFrom<Expr>({ op: 'field', path: ['tags'] }, { op: 'field', path: ['consent'] }))).map(([negated, subject]) => ({ op: 'is_set', negated, subject }) as Expr),
    fc.tuple(date, fc.constantFrom(...DURATIONS)).map(([subject, durationMs]) => ({ op: 'within', subject, durationMs }) as Expr),
    fc.constantFrom<Expr>({ op: 'field', path: ['consent'] }, lit('bool', true), lit('bool', false)),
  ];
  const segments = s.names.filter((n) => n.kind === 'segment');
  if (segments.length > 0) leaves.push(fc.constantFrom(...segments).map((n) => ({ op: 'segment', name: n.name }) as Expr));
  const grades = s.names.filter((n) => n.kind === 'grade');
  if (grades.length > 0) {
    leaves.push(fc.constantFrom(...grades).chain((g) => fc.constantFrom(...g.labels!).map((label) => ({ op: 'compare', cmp: '==', type: 'string', left: { op: 'grade', name: g.name }, right: lit('string', label) }) as Expr)));
  }
  if (s.event?.name === 'webinar') leaves.push(fc.constant<Expr>({ op: 'attr', name: 'attended' }));
  if (s.queries) leaves.push(fc.tuple(fc.constantFrom('any', 'none' as const), query(s)).map(([o, q]) => ({ op: o, query: q }) as Expr));
  if (depth <= 0) return fc.oneof(...leaves);
  const sub = boolExpr(s, depth - 1);
  return fc.oneof(
    { arbitrary: fc.oneof(...leaves), weight: 4 },
    { arbitrary: sub.map((arg) => ({ op: 'not', arg }) as Expr), weight: 1 },
    { arbitrary: fc.array(sub, { minLength: 2, maxLength: 3 }).map((args) => ({ op: 'and', args }) as Expr), weight: 1 },
    { arbitrary: fc.array(sub, { minLength: 2, maxLength: 3 }).map((args) => ({ op: 'or', args }) as Expr), weight: 1 },
  );
}

function query(s: Scope): fc.Arbitrary<EventQuery> {
  return fc.constantFrom(...EVENT_TYPES).chain((event) =>
    fc.record(
      {
        event: fc.constant(event.name),
        withinMs: fc.constantFrom(...DURATIONS),
        where: boolExpr({ ...s, event, queries: false }, 1),
      },
      { requiredKeys: ['event'] },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Programs

type Decl = { kind: 'segment'; value: Segment } | { kind: 'score'; value: Score } | { kind: 'grade'; value: Grade };

const points = fc.constantFrom(5, -3, 2.5, 10, -10, 0.5, 20);

function scoreRule(s: Scope): fc.Arbitrary<ScoreRule> {
  const common = { labelled: true, loc };
  return fc.oneof(
    fc.tuple(points, boolExpr(s, 1), fc.option(fc.constantFrom(1, 4, 12), { nil: undefined })).map(
      ([p, when, max]) => ({ kind: 'when', label: 'when rule', points: p, when, ...(max !== undefined ? { max } : {}), ...common }) as ScoreRule,
    ),
    fc.tuple(points, query(s), fc.option(fc.constantFrom(1, 4, 12), { nil: undefined })).map(
      ([p, q, max]) => ({ kind: 'per', label: 'per rule', points: p, query: q, ...(max !== undefined ? { max } : {}), ...common }) as ScoreRule,
    ),
  );
}

function declaration(kind: Decl['kind'], name: string, s: Scope): fc.Arbitrary<Decl> {
  switch (kind) {
    case 'segment':
      return boolExpr(s, 2).map((expr) => ({ kind, value: { name, expr, text: 'generated', loc } }));
    case 'grade':
      return fc.array(boolExpr(s, 1), { minLength: 1, maxLength: 3 }).map((conds) => ({
        kind,
        value: { name, bands: conds.map((when, i) => ({ label: `G${i}`, when, text: 'generated', loc })), else: 'Else', loc },
      }));
    case 'score':
      return fc.oneof(
        fc.record({
          rules: fc.array(scoreRule(s), { minLength: 0, maxLength: 4 }),
          range: fc.option(fc.constantFrom({ min: 0, max: 10 }, { min: -5, max: 100 }), { nil: undefined }),
          halfLifeMs: fc.option(fc.constantFrom(DAY, 14 * DAY, 36 * HOUR), { nil: undefined }),
        }).map(({ rules, range, halfLifeMs }) => ({
          kind,
          value: { kind: 'rules', name, rules, ...(range ? { range } : {}), ...(halfLifeMs ? { halfLifeMs } : {}), loc } as Score,
        })),
        numberExpr(s, 2).map((expr) => ({ kind, value: { kind: 'formula', name, expr, text: 'generated', loc } as Score })),
      );
  }
}

/** A program: declarations that refer only to earlier ones, then stages with `after` links. */
export const programArb: fc.Arbitrary<RulesArtifact> = fc
  .array(fc.constantFrom('segment', 'score', 'score', 'grade' as const), { minLength: 1, maxLength: 6 })
  .chain((kinds) => {
    let arb: fc.Arbitrary<{ decls: Decl[]; scope: Scope }> = fc.constant({ decls: [], scope: { names: [], queries: true } });
    kinds.forEach((kind, i) => {
      arb = arb.chain(({ decls, scope }) =>
        declaration(kind, `${kind}_${i}`, scope).map((d) => ({
          decls: [...decls, d],
          scope: { ...scope, names: [...scope.names, { kind, name: d.value.name, ...(d.kind === 'grade' ? { labels: [...d.value.bands.map((b) => b.label), d.value.else] } : {}) }] },
        })),
      );
    });
    return arb;
  })
  .chain(({ decls, scope }) =>
    fc.array(fc.tuple(fc.array(boolExpr(scope, 1), { maxLength: 3 }), fc.array(boolExpr(scope, 1), { maxLength: 2 }), fc.nat()), { maxLength: 4 }).map((stages) => ({
      decls,
      stages: stages.map(([req, rej, after], i): Stage => ({
        name: `S${i}`,
        ...(i > 0 && after % 3 !== 0 ? { after: `S${after % i}` } : {}),
        requirements: req.map((when) => ({ label: 'r', labelled: true, when, text: 'generated', loc })),
        rejections: rej.map((when) => ({ label: 'x', labelled: true, when, text: 'generated', loc })),
        loc,
      })),
    })),
  )
  .map(({ decls, stages }) => ({
    format: 'mql-rules',
    version: 1,
    source: { entry: 'generated.mql', files: ['generated.mql'], hash: `sha256:${'0'.repeat(64)}` },
    lead: { fields: LEAD_FIELDS },
    events: EVENT_TYPES,
    lists: [],
    segments: decls.flatMap((d) => (d.kind === 'segment' ? [d.value] : [])),
    scores: decls.flatMap((d) => (d.kind === 'score' ? [d.value] : [])),
    grades: decls.flatMap((d) => (d.kind === 'grade' ? [d.value] : [])),
    stages,
    tests: [],
  }));

// ---------------------------------------------------------------------------------------------
// Leads

const mixed = (values: string[]) => fc.tuple(fc.constantFrom(...values), fc.constantFrom('as is', 'upper', 'title')).map(([v, c]) => (c === 'upper' ? v.toUpperCase() : c === 'title' ? v.charAt(0).toUpperCase() + v.slice(1) : v));
const at = fc.constantFrom(...AGES).map((age) => new Date(NOW - age).toISOString());

const eventArb = fc.oneof(
  fc.record({ type: mixed(['page_view']), at, url: mixed(TEXTS), seconds: fc.option(fc.constantFrom(...NUMBERS), { nil: undefined }) }, { requiredKeys: ['type', 'at', 'url'] }),
  fc.record({ type: mixed(['download']), at, asset: mixed(TEXTS) }),
  fc.record({ type: mixed(['webinar']), at, attended: fc.boolean() }),
  fc.record({ type: mixed(['purchase']), at, amount: fc.constantFrom<number | string>(...NUMBERS, ...PLACEHOLDERS.amount), Product: fc.oneof(mixed(TEXTS), fc.constantFrom(...PLACEHOLDERS.product)) }, { requiredKeys: ['type', 'at'] }),
  fc.record({ type: fc.constant('unknown_type'), at }),
);

export const leadBodyArb = fc.record(
  {
    Email: fc.constantFrom('dana@acme.io', 'DANA@Acme.IO', 'no-at-sign', 'a@b@gmail.com', '@gmail.com', 'x@', "o'brien@acme.io", 'sam@GMAIL.com', ''),
    'Job Title': fc.oneof(mixed(TEXTS), fc.constantFrom(...PLACEHOLDERS.title)),
    seniority: fc.oneof(mixed(['ic', 'manager', 'director', 'vp', 'cxo']), fc.constantFrom(...PLACEHOLDERS.seniority)),
    employees: fc.constantFrom<number | string>(...NUMBERS, 199.999, 1e6, ...PLACEHOLDERS.employees),
    consent: fc.boolean(),
    created: at,
    tags: fc.array(mixed(TEXTS), { maxLength: 3 }),
    ratings: fc.array(fc.constantFrom(...NUMBERS), { maxLength: 3 }),
    company: fc.record({ industry: mixed(['software', 'finance', 'retail']), country: fc.oneof(mixed(TEXTS), fc.constantFrom(...PLACEHOLDERS.country)), Size: fc.constantFrom(...NUMBERS) }, { requiredKeys: [] }),
    events: fc.array(eventArb, { maxLength: 8 }),
  },
  { requiredKeys: ['Email'] },
);

/** `count` leads with ids L1…Ln. */
export const leadsArb = (min: number, max: number) =>
  fc.array(leadBodyArb, { minLength: min, maxLength: max }).map((leads) => leads.map((lead, i) => ({ id: `L${i + 1}`, ...lead }) as Record<string, unknown>));

// ---------------------------------------------------------------------------------------------
// The same leads for the fixed large run, drawn with a small seeded PRNG (mulberry32): fast-check
// sampling costs ~0.1 ms a lead, which 100,000 leads cannot afford. Same pools, same edges.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededLeads(count: number, seed: number): Record<string, unknown>[] {
  const rnd = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)]!;
  const maybe = (p = 0.7) => rnd() < p;
  const cased = (v: string) => pick([v, v.toUpperCase(), v.charAt(0).toUpperCase() + v.slice(1)]);
  const when = () => new Date(NOW - pick(AGES)).toISOString();
  const EMAILS = ['dana@acme.io', 'DANA@Acme.IO', 'no-at-sign', 'a@b@gmail.com', '@gmail.com', 'x@', "o'brien@acme.io", 'sam@GMAIL.com', ''];
  const event = (): Record<string, unknown> => {
    switch (Math.floor(rnd() * 5)) {
      case 0:
        return { type: cased('page_view'), at: when(), url: cased(pick(TEXTS)), ...(maybe() ? { seconds: pick(NUMBERS) } : {}) };
      case 1:
        return { type: cased('download'), at: when(), asset: cased(pick(TEXTS)) };
      case 2:
        return { type: cased('webinar'), at: when(), attended: maybe(0.5) };
      case 3:
        return { type: cased('purchase'), at: when(), ...(maybe() ? { amount: maybe(0.8) ? pick(NUMBERS) : pick(PLACEHOLDERS.amount) } : {}), ...(maybe() ? { Product: maybe(0.8) ? cased(pick(TEXTS)) : pick(PLACEHOLDERS.product) } : {}) };
      default:
        return { type: 'unknown_type', at: when() };
    }
  };
  const leads: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const lead: Record<string, unknown> = { id: `L${i + 1}`, Email: pick(EMAILS) };
    if (maybe()) lead['Job Title'] = maybe(0.8) ? cased(pick(TEXTS)) : pick(PLACEHOLDERS.title);
    if (maybe()) lead.seniority = maybe(0.8) ? cased(pick(['ic', 'manager', 'director', 'vp', 'cxo'])) : pick(PLACEHOLDERS.seniority);
    if (maybe()) lead.employees = maybe(0.8) ? pick([...NUMBERS, 199.999, 1e6]) : pick(PLACEHOLDERS.employees);
    if (maybe()) lead.consent = maybe(0.5);
    if (maybe()) lead.created = when();
    if (maybe(0.4)) lead.tags = Array.from({ length: Math.floor(rnd() * 4) }, () => cased(pick(TEXTS)));
    if (maybe(0.4)) lead.ratings = Array.from({ length: Math.floor(rnd() * 4) }, () => pick(NUMBERS));
    if (maybe()) {
      const company: Record<string, unknown> = {};
      if (maybe()) company.industry = cased(pick(['software', 'finance', 'retail']));
      if (maybe()) company.country = maybe(0.8) ? cased(pick(TEXTS)) : pick(PLACEHOLDERS.country);
      if (maybe()) company.Size = pick(NUMBERS);
      lead.company = company;
    }
    lead.events = Array.from({ length: Math.floor(rnd() * 9) }, event);
    leads.push(lead);
  }
  return leads;
}
