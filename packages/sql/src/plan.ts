// Artifact → a small relational plan: a chain of named CTEs, one per declaration, over two input
// tables. The plan is dialect-free except for what cannot be expressed (checked against the
// dialect's table here, so the error names the construct).
//
//   params          the evaluation time `now` (a bind parameter), in epoch ms
//   lead_input      one row per lead: its key and every field the program reads, normalised
//   event_input     the events of known types that are not in the future, normalised type and `at`
//   event_facts     per lead, one aggregate column per distinct event query (count, latest `at`,
//                   sums, decayed sums), for queries whose `where` reads only the event
//   leads_with_events  lead_input + event_facts
//   segment_x, score_x, grade_x, query_N / with_query_N   one CTE per declaration in dependency
//                   order, each adding its column (a query whose `where` reads a segment, score or
//                   grade is aggregated after that name)
//   stages          one boolean per stage ("qualified"), then the final SELECT picks the lead's
//                   stage (the last qualifying one in program order) and the output columns.

import type { EventQuery, EventType, FieldSpec, FieldType, RulesArtifact, Score, SourceLocation } from '@mql/artifact';
import type { Dialect } from './dialects.js';
import type { FnName, S } from './sql-expr.js';
import { and, clamp, col, fn, isNull, not, num, op, orZero, str } from './sql-expr.js';
import { translateCondition, translateValue, unsupported, type Aggregate, type Dep, type TranslateEnv } from './translate.js';

export interface PlanOptions {
  /** The lead key column, in both input tables. */
  key: string;
  /** Extra lead columns carried through to the output unchanged (e.g. a row number to sort by). */
  passthrough?: string[];
  /**
   * Also output, after the result columns, one 0/1 column per score rule (it gave the lead points)
   * and per stage clause (it held for the lead), in the runtime's coverage order (coverageItems):
   * summed over a batch, the counts that name the rules that never fired.
   */
  coverage?: boolean;
}

/** A column the query reads from an input table, and what it must hold. */
export interface InputColumn {
  /** The column's path: one element for a top-level column, more for a nested field. */
  path: string[];
  /** The field's schema path (`company.employees`), or `key`/`type`/`at` for the fixed columns. */
  field: string;
  type: FieldType | { kind: 'key' };
}

export interface Plan {
  ctes: Cte[];
  final: Select;
  /** Columns read from the leads table, and from the events table (none when no event is queried). */
  inputs: { leads: InputColumn[]; events: InputColumn[] };
  /** Output columns in order. */
  outputs: string[];
  /** With `coverage`: the coverage columns (also at the end of `outputs`), in coverage order; else empty. */
  coverage: string[];
}

export interface Cte {
  name: string;
  comments: string[];
  select: Select;
}

export type From = { kind: 'leads' | 'events'; alias: string } | { kind: 'cte'; name: string; alias: string };

export interface Select {
  items: Item[];
  /** Absent for a SELECT of constants (params). */
  from?: From;
  joins: { kind: 'LEFT JOIN' | 'CROSS JOIN' | 'JOIN'; from: From; on?: S }[];
  where?: S;
  groupBy?: S[];
  orderBy?: S[];
}

export type Item =
  | { kind: 'all'; table: string }
  | { kind: 'expr'; s: S; alias: string; comment?: string }
  /** A score: the sum of its rules, one per line with the rule's label and location, clamped to its range. */
  | { kind: 'sum'; terms: { s: S; comment: string }[]; range?: { min: number; max: number }; alias: string; comment?: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function buildPlan(artifact: RulesArtifact, dialect: Dialect, options: PlanOptions): Plan {
  return new Planner(artifact, dialect, options).build();
}

interface QueryInfo {
  id: number;
  query: EventQuery;
  event: EventType;
  /** The `where` condition, translated in the event's scope. */
  where: S | undefined;
  deps: Set<Dep>;
  /** Whether the `where` reads the lead (its fields or names), so the aggregation joins the lead chain. */
  readsLead: boolean;
  aggregates: Map<string, { agg: Aggregate; column: string }>;
}

class Planner {
  private readonly taken = new Set<string>();
  private readonly leadColumns = new Map<string, { column: string; spec: FieldSpec; path: string[]; inputPath: string[] }>();
  private readonly queries = new Map<string, QueryInfo>();
  private readonly names = new Map<string, string>();
  private readonly declDeps = new Map<Dep, Set<Dep>>();
  private readonly declColumns = new Map<Dep, () => Item>();
  private readonly keyColumn: string;
  private readonly nowColumn: string;
  private readonly typeColumn: string;
  private readonly atColumn: string;
  private readonly outputs: string[] = [];
  /** With `coverage`: each score's rule columns and each stage's clause columns, added to the CTE that computes it. */
  private readonly coverageItems = new Map<Dep | string, Item[]>();

  constructor(
    private readonly artifact: RulesArtifact,
    private readonly dialect: Dialect,
    private readonly options: PlanOptions,
  ) {
    for (const s of [...artifact.segments, ...artifact.scores, ...artifact.grades]) this.taken.add(s.name);
    for (const s of artifact.stages) this.taken.add(qualifiedColumn(s.name));
    this.taken.add('stage');
    for (const p of options.passthrough ?? []) this.taken.add(p);
    for (const e of artifact.events) for (const f of e.fields) this.taken.add(f.from ?? f.name);
    this.keyColumn = this.fresh('lead_key');
    this.nowColumn = this.fresh('mql_now');
    this.typeColumn = this.fresh('event_type');
    this.atColumn = this.fresh('at_ms');
    this.checkOutputNames();
  }

  build(): Plan {
    // Translate every declaration first: that registers the fields and event queries it reads.
    for (const s of this.artifact.segments) this.declare(`segment:${s.name}`, `segment "${s.name}"`, (env) => ({ kind: 'expr', s: translateCondition(s.expr, env), alias: s.name, comment: `segment ${s.name} = ${oneLine(s.text)} (${where(s.loc)})` }));
    for (const s of this.artifact.scores) this.declare(`score:${s.name}`, `score "${s.name}"`, (env) => this.scoreItem(s, env));
    for (const g of this.artifact.grades) {
      this.declare(`grade:${g.name}`, `grade "${g.name}"`, (env) => ({
        kind: 'expr',
        s: { k: 'case', whens: g.bands.map((b) => ({ when: translateCondition(b.when, env), then: str(b.label) })), else: str(g.else) },
        alias: g.name,
        comment: `grade ${g.name} (${where(g.loc)})`,
      }));
    }
    const stageItems = this.stageItems();

    const ctes: Cte[] = [this.paramsCte(), this.leadInputCte()];
    let chain = 'lead_input';
    const independent = [...this.queries.values()].filter((q) => !hasNameDeps(q.deps));
    if (independent.length > 0) {
      ctes.push(this.eventInputCte());
      ctes.push(this.factsCte('event_facts', independent, 'lead_input'));
      ctes.push(this.withFactsCte('leads_with_events', independent, chain, 'event_facts'));
      chain = 'leads_with_events';
    } else if (this.queries.size > 0) ctes.push(this.eventInputCte());

    // Declarations and dependent queries, each after what it reads.
    const done = new Set<Dep>();
    const visit = (dep: Dep): void => {
      if (done.has(dep) || dep === 'lead') return;
      done.add(dep);
      const query = dep.startsWith('query:') ? this.queryById(Number(dep.slice(6))) : undefined;
      for (const next of query ? query.deps : (this.declDeps.get(dep) ?? [])) visit(next);
      if (query) {
        if (!hasNameDeps(query.deps)) return; // already in event_facts
        ctes.push(this.factsCte(`query_${query.id}`, [query], chain));
        ctes.push(this.withFactsCte(`with_query_${query.id}`, [query], chain, `query_${query.id}`));
        chain = `with_query_${query.id}`;
        return;
      }
      const [kind, name] = splitDep(dep);
      if (kind === 'stage') return; // all stages are one CTE, after everything they read
      const item = this.declColumns.get(dep)!();
      ctes.push({
        name: cteName(kind, name),
        comments: [],
        select: { items: [{ kind: 'all', table: 'c' }, item, ...(this.coverageItems.get(dep) ?? [])], from: { kind: 'cte', name: chain, alias: 'c' }, joins: [] },
      });
      chain = cteName(kind, name);
    };
    for (const dep of this.declDeps.keys()) visit(dep);
    // One CTE per stage, each after its `after` stage.
    const stageDone = new Set<string>();
    const visitStage = (name: string): void => {
      if (stageDone.has(name)) return;
      stageDone.add(name);
      const { after, item } = stageItems.get(name)!;
      if (after !== undefined) visitStage(after);
      ctes.push({ name: cteName('stage', name), comments: [], select: { items: [{ kind: 'all', table: 'c' }, item, ...(this.coverageItems.get(`stage:${name}`) ?? [])], from: { kind: 'cte', name: chain, alias: 'c' }, joins: [] } });
      chain = cteName('stage', name);
    };
    for (const stage of this.artifact.stages) visitStage(stage.name);
    return { ctes, final: this.finalSelect(chain), inputs: this.inputs(), outputs: this.outputs, coverage: this.coverageOrder() };
  }

  // -------------------------------------------------------------------------------------------
  // Declarations

  private declare(dep: Dep, whereText: string, make: (env: TranslateEnv) => Item): void {
    const env = this.env(whereText, undefined);
    const item = make(env);
    this.declDeps.set(dep, env.deps);
    this.declColumns.set(dep, () => item);
  }

  private scoreItem(score: Score, env: TranslateEnv): Item {
    const comment = `score ${score.name} (${where(score.loc)})`;
    if (score.kind === 'formula') {
      // A score is never missing: a formula without a value (missing operand, division by zero) is 0.
      return { kind: 'expr', s: orZero(translateValue(score.expr, env)), alias: score.name, comment: `${comment}: ${oneLine(score.text)}` };
    }
    const covered: S[] = [];
    const terms = score.rules.map((rule) => {
      const label = `${rule.labelled ? JSON.stringify(rule.label) : oneLine(rule.label)} (${where(rule.loc)})`;
      if (rule.kind === 'when') {
        // Not decayed; the cap applies to the points themselves.
        const points = cap(rule.points, rule.max);
        const when = translateCondition(rule.when, env);
        covered.push(when);
        return { s: { k: 'case', whens: [{ when, then: num(points) }], else: num(0) } as S, comment: label };
      }
      const each =
        score.halfLifeMs === undefined
          ? op('*', num(rule.points), orZero(env.aggregate(rule.query, { kind: 'count' })))
          : op('*', num(rule.points), orZero(env.aggregate(rule.query, { kind: 'decay', halfLifeMs: score.halfLifeMs })));
      // `max M` caps the absolute value of the rule's total, after decay.
      const total = rule.max === undefined ? each : clamp(each, -rule.max, rule.max);
      covered.push(op('<>', total, num(0))); // as the runtime counts a `per` rule: its total is not 0
      return { s: total, comment: label };
    });
    this.addCoverage(`score:${score.name}`, covered, (i) => `coverage: score ${score.name}, rule ${i + 1}`);
    return { kind: 'sum', terms, ...(score.range ? { range: score.range } : {}), alias: score.name, comment };
  }

  /**
   * Each stage's "qualified" column: its `after` stage qualifies, every `require` holds and no
   * `reject` does (all conditions are two-valued, so NOT is safe).
   */
  private stageItems(): Map<string, { after: string | undefined; item: Item }> {
    const byName = new Map(this.artifact.stages.map((s) => [s.name, s]));
    const items = new Map<string, { after: string | undefined; item: Item }>();
    for (const stage of this.artifact.stages) {
      const env = this.env(`stage "${stage.name}"`, undefined);
      const parts: S[] = [];
      if (stage.after !== undefined) {
        if (!byName.has(stage.after)) unsupported(env, `\`after ${stage.after}\` (no such stage)`);
        parts.push(col(qualifiedColumn(stage.after)));
      }
      const requirements = stage.requirements.map((r) => translateCondition(r.when, env));
      const rejections = stage.rejections.map((r) => translateCondition(r.when, env));
      parts.push(...requirements, ...rejections.map(not));
      // A clause is counted where it holds, whether or not the stage's other clauses do (as coverage.ts counts).
      this.addCoverage(`stage:${stage.name}`, [...requirements, ...rejections], (i) =>
        i < requirements.length ? `coverage: stage ${stage.name}, require ${i + 1}` : `coverage: stage ${stage.name}, reject ${i - requirements.length + 1}`,
      );
      this.declDeps.set(`stage:${stage.name}`, env.deps);
      const comment = `stage ${stage.name}${stage.after ? ` after ${stage.after}` : ''}: every require holds and no reject does (${where(stage.loc)})`;
      items.set(stage.name, { after: stage.after, item: { kind: 'expr', s: and(parts), alias: qualifiedColumn(stage.name), comment } });
    }
    return items;
  }

  // -------------------------------------------------------------------------------------------
  // The translation environment: fields, names, now and event queries.

  private env(whereText: string, event: { info: EventType; fields: Map<string, FieldSpec> } | undefined): TranslateEnv {
    const deps = new Set<Dep>();
    const leadTable = event ? 'c' : undefined;
    const env: TranslateEnv = {
      dialect: this.dialect.name,
      where: whereText,
      deps,
      now: col(this.nowColumn, event ? 'e' : undefined),
      leadField: (path) => {
        const spec = findField(this.artifact.lead.fields, path) ?? unsupported(env, `the unknown lead field \`${path.join('.')}\``);
        deps.add('lead');
        if (spec.type.kind === 'object') return { s: col('(object)'), type: spec.type };
        return { s: col(this.leadColumn(path, spec, env), leadTable), type: spec.type };
      },
      name: (kind, name) => {
        const known = kind === 'segment' ? this.artifact.segments : kind === 'score' ? this.artifact.scores : this.artifact.grades;
        if (!known.some((n) => n.name === name)) unsupported(env, `the unknown ${kind} \`${name}\``);
        return col(name, leadTable);
      },
      aggregate: (query, agg) => {
        const info = this.query(query, env);
        deps.add(`query:${info.id}`);
        return col(this.aggregateColumn(info, agg, env), leadTable);
      },
    };
    if (event) {
      env.event = {
        name: event.info.name,
        attr: (name) => {
          if (name === 'at') return { s: col(this.atColumn, 'e'), type: { kind: 'date' } };
          const spec = event.fields.get(name) ?? unsupported(env, `the unknown attribute \`${name}\` of event \`${event.info.name}\``);
          return { s: this.read(spec, { k: 'input', path: [spec.from ?? spec.name], table: 'e' }, env, `the attribute \`${name}\` of event \`${event.info.name}\``), type: spec.type };
        },
      };
    }
    return env;
  }

  private leadColumn(path: string[], spec: FieldSpec, env: TranslateEnv): string {
    const key = path.join('.');
    const known = this.leadColumns.get(key);
    if (known) return known.column;
    this.read(spec, col('x'), env, `the lead field \`${key}\``); // reject what the dialect cannot read, here where the field is used
    const column = this.fresh(`lead__${path.join('__')}`);
    this.leadColumns.set(key, { column, spec, path, inputPath: inputPath(this.artifact.lead.fields, path) });
    return column;
  }

  private query(query: EventQuery, env: TranslateEnv): QueryInfo {
    const key = JSON.stringify(query);
    const known = this.queries.get(key);
    if (known) return known;
    const event = this.artifact.events.find((e) => e.name === query.event) ?? unsupported(env, `the unknown event type \`${query.event}\``);
    const id = this.queries.size + 1;
    const scope = this.env(`${env.where}, event query ${describeQuery(query)}`, { info: event, fields: new Map(event.fields.map((f) => [f.name, f])) });
    const where = query.where === undefined ? undefined : translateCondition(query.where, scope);
    const info: QueryInfo = { id, query, event, where, deps: scope.deps, readsLead: scope.deps.size > 0, aggregates: new Map() };
    if (scope.deps.has(`query:${id}`)) unsupported(env, 'an event query nested in its own `where`');
    for (const dep of scope.deps) if (dep.startsWith('query:')) unsupported(env, `an event query inside the \`where\` of another (${describeQuery(query)})`);
    this.queries.set(key, info);
    return info;
  }

  private aggregateColumn(info: QueryInfo, agg: Aggregate, env: TranslateEnv): string {
    const key = JSON.stringify(agg);
    const known = info.aggregates.get(key);
    if (known) return known.column;
    if (agg.kind === 'sum') {
      const spec = info.event.fields.find((f) => f.name === agg.attr);
      if (spec === undefined || spec.type.kind !== 'number') unsupported(env, `\`sum\` over \`${agg.attr}\`, not a number attribute of \`${info.event.name}\``);
      this.read(spec, col('x'), env, `the attribute \`${agg.attr}\` of event \`${info.event.name}\``);
    }
    if (agg.kind === 'decay') this.needFn('power', env, 'decay half-life');
    const suffix = agg.kind === 'sum' ? `sum_${agg.attr}` : agg.kind === 'decay' ? `decay_${[...info.aggregates.values()].filter((a) => a.agg.kind === 'decay').length + 1}` : agg.kind;
    const column = this.fresh(`q${info.id}_${suffix}`);
    info.aggregates.set(key, { agg, column });
    return column;
  }

  private queryById(id: number): QueryInfo {
    return [...this.queries.values()].find((q) => q.id === id)!;
  }

  /**
   * An input column as expressions read it: placeholder values (`missing when`) NULL, compared as
   * the runtime does (text, white space around and letter case ignored), then normalised.
   * The query reads typed columns (README), where a placeholder can only be text: in a text
   * field; in a number field whose column is text (numbers and "N/A" mixed, as CRM exports have
   * them: CAST then reads the numbers). A bool or date column is typed, so it holds none. A
   * placeholder that reads as a number ("0") on a number field is refused: a typed column cannot
   * tell the placeholder "0" from the number 0, which the runtime keeps apart (JSON 0 is a number).
   */
  private read(spec: FieldSpec, raw: S, env: TranslateEnv, what: string): S {
    const value = this.normalise(spec.type, raw, env);
    const placeholders = [...new Set((spec.placeholders ?? []).map((p) => p.trim().toLowerCase()))];
    if (placeholders.length === 0) return value;
    let text: S;
    switch (spec.type.kind) {
      case 'string':
      case 'email':
      case 'enum':
        text = fn('lower', raw);
        break;
      case 'number': {
        const numeric = placeholders.find((p) => NUMBER_TEXT.test(p));
        if (numeric !== undefined) {
          unsupported(env, `the placeholder "${numeric}" (\`missing when\`) on ${what}, a number field,`, `a typed number column cannot tell the text "${numeric}" from the number ${Number(numeric)}; map it to NULL in the table, e.g. in a staging model`);
        }
        text = fn('lower', this.call('text', env, 'placeholder values', raw));
        break;
      }
      case 'bool':
      case 'date':
        return value;
      default:
        return unsupported(env, `placeholder values (\`missing when\`) on ${what}, not a single value`);
    }
    const test: S = { k: 'in', subject: this.call('trim_space', env, 'placeholder values', text), values: placeholders.map(str) };
    return { k: 'case', whens: [{ when: test, then: { k: 'null' } }], else: value };
  }

  /** A raw input value in the form expressions compare: lower-cased text, doubles, dates in epoch ms. */
  private normalise(type: FieldType, raw: S, env: TranslateEnv): S {
    switch (type.kind) {
      case 'string':
      case 'email':
      case 'enum':
        return fn('lower', raw);
      case 'number':
        return fn('double', raw);
      case 'bool':
        return raw;
      case 'date':
        return this.call('date_ms', env, 'a date field', raw);
      case 'list':
        return type.element.kind === 'number' ? this.call('list_double', env, 'a list field', raw) : this.call('list_lower', env, 'a list field', raw);
      case 'object':
        return unsupported(env, 'an object value');
    }
  }

  private call(name: FnName, env: TranslateEnv, construct: string, ...args: S[]): S {
    this.needFn(name, env, construct);
    return fn(name, ...args);
  }

  private needFn(name: FnName, env: TranslateEnv, construct: string): void {
    if (this.dialect.fn[name] === undefined) unsupported(env, construct);
  }

  // -------------------------------------------------------------------------------------------
  // CTEs

  private paramsCte(): Cte {
    return {
      name: 'params',
      comments: ['The evaluation time `now`, a bind parameter (the current time when NULL), in epoch milliseconds.'],
      select: {
        items: [{ kind: 'expr', s: fn('date_ms', fn('now_param', { k: 'param' })), alias: this.nowColumn }],
        joins: [],
      },
    };
  }

  private leadInputCte(): Cte {
    const items: Item[] = [
      { kind: 'expr', s: { k: 'input', path: [this.options.key], table: 'l' }, alias: this.keyColumn },
      { kind: 'expr', s: col(this.nowColumn, 'p'), alias: this.nowColumn },
    ];
    for (const p of this.options.passthrough ?? []) items.push({ kind: 'expr', s: { k: 'input', path: [p], table: 'l' }, alias: p });
    for (const { column, spec, inputPath } of this.leadColumns.values()) {
      const env = noEnv(this.dialect);
      items.push({ kind: 'expr', s: this.read(spec, { k: 'input', path: inputPath, table: 'l' }, env, ''), alias: column });
    }
    return {
      name: 'lead_input',
      comments: ['One row per lead: the fields the rules read, text lower-cased (comparisons ignore case), numbers as doubles, dates in epoch ms.'],
      select: { items, from: { kind: 'leads', alias: 'l' }, joins: [{ kind: 'CROSS JOIN', from: { kind: 'cte', name: 'params', alias: 'p' } }] },
    };
  }

  private eventInputCte(): Cte {
    // Event types match exactly, else in another letter case (the first declared type wins), as the runtime reads them.
    const typeColumn: S = { k: 'input', path: ['type'], table: 'v' };
    const whens: { when: S; then: S }[] = this.artifact.events.map((e) => ({ when: op('=', typeColumn, { k: 'str', value: e.name }), then: { k: 'str', value: e.name } }));
    const lowered = new Set<string>();
    for (const e of this.artifact.events) {
      const lower = e.name.toLowerCase();
      if (lowered.has(lower)) continue;
      lowered.add(lower);
      whens.push({ when: op('=', fn('lower', typeColumn), { k: 'str', value: lower }), then: { k: 'str', value: e.name } });
    }
    const at = fn('date_ms', { k: 'input', path: ['at'], table: 'v' });
    const attrs = new Map<string, S>();
    for (const e of this.artifact.events) for (const f of e.fields) attrs.set(f.from ?? f.name, { k: 'input', path: [f.from ?? f.name], table: 'v' });
    const items: Item[] = [
      { kind: 'expr', s: { k: 'input', path: [this.options.key], table: 'v' }, alias: this.keyColumn },
      { kind: 'expr', s: col(this.nowColumn, 'p'), alias: this.nowColumn },
      { kind: 'expr', s: { k: 'case', whens }, alias: this.typeColumn },
      { kind: 'expr', s: at, alias: this.atColumn },
      ...[...attrs].map(([name, s]) => ({ kind: 'expr', s, alias: name }) as Item),
    ];
    return {
      name: 'event_input',
      comments: ['Events of the declared types, never after `now` (future events are never counted).'],
      select: {
        items,
        from: { kind: 'events', alias: 'v' },
        joins: [{ kind: 'CROSS JOIN', from: { kind: 'cte', name: 'params', alias: 'p' } }],
        where: op('<=', at, col(this.nowColumn, 'p')),
      },
    };
  }

  /** One aggregation over event_input grouped by lead, one column per aggregate of each query. */
  private factsCte(name: string, queries: QueryInfo[], chain: string): Cte {
    const joinsLead = queries.some((q) => q.readsLead);
    const items: Item[] = [{ kind: 'expr', s: col(this.keyColumn, 'e'), alias: this.keyColumn }];
    const comments: string[] = [];
    for (const q of queries) {
      comments.push(`q${q.id}: ${describeQuery(q.query)}`);
      const when = and([
        op('=', col(this.typeColumn, 'e'), str(q.query.event)),
        ...(q.query.withinMs === undefined ? [] : [op('>=', col(this.atColumn, 'e'), op('-', col(this.nowColumn, 'e'), num(q.query.withinMs)))]),
        ...(q.where ? [q.where] : []),
      ]);
      const attr = (spec: FieldSpec) => this.read(spec, { k: 'input', path: [spec.from ?? spec.name], table: 'e' }, noEnv(this.dialect), '');
      for (const { agg, column } of q.aggregates.values()) items.push({ kind: 'expr', s: aggregateExpr(agg, when, q, { now: this.nowColumn, at: this.atColumn }, attr), alias: column });
    }
    return {
      name,
      comments,
      select: {
        items,
        from: { kind: 'cte', name: 'event_input', alias: 'e' },
        joins: joinsLead ? [{ kind: 'JOIN', from: { kind: 'cte', name: chain, alias: 'c' }, on: op('=', col(this.keyColumn, 'c'), col(this.keyColumn, 'e')) }] : [],
        where: isNull(col(this.typeColumn, 'e'), true),
        groupBy: [col(this.keyColumn, 'e')],
      },
    };
  }

  private withFactsCte(name: string, queries: QueryInfo[], chain: string, facts: string): Cte {
    const items: Item[] = [{ kind: 'all', table: 'c' }];
    for (const q of queries) for (const { column } of q.aggregates.values()) items.push({ kind: 'expr', s: col(column, 'f'), alias: column });
    return {
      name,
      comments: [],
      select: {
        items,
        from: { kind: 'cte', name: chain, alias: 'c' },
        joins: [{ kind: 'LEFT JOIN', from: { kind: 'cte', name: facts, alias: 'f' }, on: op('=', col(this.keyColumn, 'f'), col(this.keyColumn, 'c')) }],
      },
    };
  }

  /** With `coverage`: a 0/1 column per condition, computed in the CTE of `owner` (a score or stage). */
  private addCoverage(owner: Dep | string, conditions: S[], comment: (i: number) => string): void {
    if (!this.options.coverage) return;
    this.coverageItems.set(
      owner,
      conditions.map((when, i) => ({ kind: 'expr', s: { k: 'case', whens: [{ when, then: num(1) }], else: num(0) }, alias: this.fresh('mql_covered'), comment: comment(i) })),
    );
  }

  /** The coverage columns in coverageItems order: every rules score's rules, then each stage's requirements and rejections. */
  private coverageOrder(): string[] {
    if (!this.options.coverage) return [];
    const columns = (owner: string) => (this.coverageItems.get(owner) ?? []).map((item) => (item as { alias: string }).alias);
    return [...this.artifact.scores.filter((s) => s.kind === 'rules').flatMap((s) => columns(`score:${s.name}`)), ...this.artifact.stages.flatMap((s) => columns(`stage:${s.name}`))];
  }

  private finalSelect(chain: string): Select {
    const stage: S = {
      k: 'case',
      whens: [...this.artifact.stages].reverse().map((s) => ({ when: col(qualifiedColumn(s.name), 'c'), then: str(s.name) })),
    };
    const items: Item[] = [{ kind: 'expr', s: col(this.keyColumn, 'c'), alias: this.options.key }];
    for (const p of this.options.passthrough ?? []) items.push({ kind: 'expr', s: col(p, 'c'), alias: p });
    items.push({ kind: 'expr', s: this.artifact.stages.length > 0 ? stage : { k: 'null' }, alias: 'stage', comment: 'the last qualifying stage in program order' });
    for (const n of [...this.artifact.scores, ...this.artifact.grades, ...this.artifact.segments]) items.push({ kind: 'expr', s: col(n.name, 'c'), alias: n.name });
    for (const s of this.artifact.stages) items.push({ kind: 'expr', s: col(qualifiedColumn(s.name), 'c'), alias: qualifiedColumn(s.name) });
    for (const column of this.coverageOrder()) items.push({ kind: 'expr', s: col(column, 'c'), alias: column });
    this.outputs.push(...items.map((i) => (i as { alias: string }).alias));
    return { items, from: { kind: 'cte', name: chain, alias: 'c' }, joins: [] };
  }

  private inputs(): Plan['inputs'] {
    const key: InputColumn = { path: [this.options.key], field: 'key', type: { kind: 'key' } };
    const leads = [key, ...[...this.leadColumns.values()].map((c) => ({ path: c.inputPath, field: c.path.join('.'), type: c.spec.type }))];
    if (this.queries.size === 0) return { leads, events: [] };
    const events: InputColumn[] = [key, { path: ['type'], field: 'type', type: { kind: 'string' } }, { path: ['at'], field: 'at', type: { kind: 'date' } }];
    const seen = new Set<string>();
    for (const e of this.artifact.events) {
      for (const f of e.fields) {
        const name = f.from ?? f.name;
        if (seen.has(name)) continue;
        seen.add(name);
        events.push({ path: [name], field: `${e.name}.${f.name}`, type: f.type });
      }
    }
    return { leads, events };
  }

  private checkOutputNames(): void {
    const names = [this.options.key, ...(this.options.passthrough ?? []), 'stage', ...[...this.artifact.scores, ...this.artifact.grades, ...this.artifact.segments].map((n) => n.name), ...this.artifact.stages.map((s) => qualifiedColumn(s.name))];
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n.toLowerCase())) {
        throw unsupportedError(this.dialect.name, `two output columns named \`${n}\``, `the result has one column per score, grade and segment, \`stage\`, \`<stage>_qualified\` and the key \`${this.options.key}\`; rename one (or choose another --key)`);
      }
      seen.add(n.toLowerCase());
    }
  }

  /** An internal column name that no declaration uses. */
  private fresh(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

function unsupportedError(dialect: string, construct: string, hint: string): Error {
  try {
    unsupported({ dialect, where: 'the result' }, construct, hint);
  } catch (error) {
    return error as Error;
  }
}

function aggregateExpr(agg: Aggregate, when: S, q: QueryInfo, columns: { now: string; at: string }, attr: (spec: FieldSpec) => S): S {
  switch (agg.kind) {
    case 'count':
      return fn('double', { k: 'count_if', when });
    case 'last':
      return { k: 'max_if', when, value: col(columns.at, 'e') };
    case 'sum': {
      const spec = q.event.fields.find((f) => f.name === agg.attr)!;
      return { k: 'sum_if', when, value: attr(spec) };
    }
    case 'decay':
      // Each event's points × 0.5^(age / half-life); the rule multiplies by its points and caps after.
      return { k: 'sum_if', when, value: fn('power', num(0.5), op('/', op('-', col(columns.now, 'e'), col(columns.at, 'e')), num(agg.halfLifeMs))) };
  }
}

/** The output column saying whether a stage qualifies. */
export function qualifiedColumn(stage: string): string {
  return `${stage}_qualified`;
}

function cteName(kind: string, name: string): string {
  return IDENTIFIER.test(name) ? `${kind}_${name}` : `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function splitDep(dep: Dep): [string, string] {
  const at = dep.indexOf(':');
  return [dep.slice(0, at), dep.slice(at + 1)];
}

function hasNameDeps(deps: Set<Dep>): boolean {
  for (const d of deps) if (d.startsWith('segment:') || d.startsWith('score:') || d.startsWith('grade:')) return true;
  return false;
}

function cap(points: number, max: number | undefined): number {
  if (max === undefined || Math.abs(points) <= max) return points;
  return points > 0 ? max : -max;
}

/** How the runtime's CSV reader recognises a number (packages/runtime/src/csv.ts), after trimming. */
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A translation environment for CTEs whose expressions were checked where they were used. */
function noEnv(dialect: Dialect): TranslateEnv {
  return { dialect: dialect.name, where: 'lead', deps: new Set<Dep>() } as unknown as TranslateEnv;
}

function findField(fields: FieldSpec[], path: string[]): FieldSpec | undefined {
  let spec: FieldSpec | undefined;
  let level = fields;
  for (const name of path) {
    spec = level.find((f) => f.name === name);
    if (spec === undefined) return undefined;
    level = spec.type.kind === 'object' ? spec.type.fields : [];
  }
  return spec;
}

/** The input key path of a field (its `from` names). */
function inputPath(fields: FieldSpec[], path: string[]): string[] {
  const out: string[] = [];
  let level = fields;
  for (const name of path) {
    const spec = level.find((f) => f.name === name)!;
    out.push(spec.from ?? spec.name);
    level = spec.type.kind === 'object' ? spec.type.fields : [];
  }
  return out;
}

function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}`;
}

/** Source text on one line (comments end at a line break). */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function describeQuery(query: EventQuery): string {
  const within = query.withinMs === undefined ? '' : ` within ${duration(query.withinMs)}`;
  return `${query.event}${within}${query.where ? ' where …' : ''}`;
}

function duration(ms: number): string {
  const units: [number, string][] = [[7 * 86_400_000, 'w'], [86_400_000, 'd'], [3_600_000, 'h']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

