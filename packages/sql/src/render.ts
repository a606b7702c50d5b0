// Plan + dialect → formatted SQL text. Every user-supplied name is quoted with the dialect's
// identifier quoting and every string is an escaped literal, so no rule text or option can change
// the query's structure. Long expressions are broken over lines; comments carry source locations.

import type { Dialect } from './dialects.js';
import type { Cte, From, Item, Plan, Select } from './plan.js';
import type { S } from './sql-expr.js';

export interface RenderOptions {
  /** The leads and events tables, as SQL text (already quoted). */
  leads: string;
  events: string;
  /** Overrides the dialect's bind parameter for `now` (SQL text), e.g. CURRENT_TIMESTAMP in a view. */
  now?: string;
  /** Comment lines at the top. */
  header: string[];
  /** `CREATE VIEW name AS` instead of a bare query (the name as SQL text). */
  view?: string;
}

const WIDTH = 100;
const IND = '  ';

export function renderPlan(plan: Plan, d: Dialect, options: RenderOptions): string {
  const r = new Renderer(d, options);
  const lines: string[] = options.header.map((h) => `-- ${h}`);
  if (options.view) lines.push(d.createView(options.view));
  lines.push('WITH');
  plan.ctes.forEach((cte, i) => lines.push(...r.cte(cte, i === plan.ctes.length - 1)));
  lines.push(...r.select(plan.final, ''));
  return `${lines.join('\n')}\n`;
}

class Renderer {
  constructor(
    private readonly d: Dialect,
    private readonly options: RenderOptions,
  ) {}

  cte(cte: Cte, last: boolean): string[] {
    const lines = cte.comments.map((c) => `${IND}-- ${c}`);
    lines.push(`${IND}${cte.name} AS (`);
    lines.push(...this.select(cte.select, IND + IND));
    lines.push(`${IND})${last ? '' : ','}`);
    return lines;
  }

  select(s: Select, indent: string): string[] {
    const lines: string[] = [`${indent}SELECT`];
    s.items.forEach((item, i) => lines.push(...this.item(item, indent + IND, i === s.items.length - 1)));
    if (s.from) lines.push(`${indent}FROM ${this.from(s.from)}`);
    for (const j of s.joins) lines.push(`${indent}${j.kind} ${this.from(j.from)}${j.on ? ` ON ${this.expr(j.on, indent)}` : ''}`);
    if (s.where) lines.push(`${indent}WHERE ${this.expr(s.where, indent)}`);
    if (s.groupBy) lines.push(`${indent}GROUP BY ${s.groupBy.map((g) => this.expr(g, indent)).join(', ')}`);
    if (s.orderBy) lines.push(`${indent}ORDER BY ${s.orderBy.map((g) => this.expr(g, indent)).join(', ')}`);
    return lines;
  }

  private from(f: From): string {
    const table = f.kind === 'cte' ? f.name : f.kind === 'leads' ? this.options.leads : this.options.events;
    return `${table} AS ${f.alias}`;
  }

  private item(item: Item, indent: string, last: boolean): string[] {
    const comma = last ? '' : ',';
    if (item.kind === 'all') return [`${indent}${item.table}.*${comma}`];
    const comment = item.comment ? [`${indent}-- ${item.comment}`] : [];
    if (item.kind === 'expr') return [...comment, `${indent}${this.expr(item.s, indent)} AS ${this.d.ident(item.alias)}${comma}`];
    // A score: its rules one per line, each with its label and location.
    const inner = indent + IND;
    const terms = item.terms.length === 0 ? [`${inner}${this.d.number(0)}`] : item.terms.map((t, i) => `${inner}${i === 0 ? '  ' : '+ '}${this.expr(t.s, inner + IND)}  -- ${t.comment}`);
    if (item.range === undefined) return [...comment, `${indent}(`, ...terms, `${indent}) AS ${this.d.ident(item.alias)}${comma}`];
    const { min, max } = item.range;
    return [
      ...comment,
      `${indent}${this.fn('least', [`${this.fn('greatest', [`(\n${terms.join('\n')}\n${indent})`, this.d.number(min)])}`, this.d.number(max)])} AS ${this.d.ident(item.alias)}${comma}  -- range ${min} to ${max}`,
    ];
  }

  private fn(name: 'least' | 'greatest', args: string[]): string {
    return this.d.fn[name]!(args);
  }

  /** One expression; broken over lines (continuing at `indent`) when it is long. */
  expr(s: S, indent: string): string {
    const flat = this.render(s, indent, false);
    return flat.length + indent.length <= WIDTH || flat.includes('\n') ? flat : this.render(s, indent, true);
  }

  private render(s: S, indent: string, broken: boolean): string {
    const sub = (x: S) => this.wrap(x, indent + IND);
    switch (s.k) {
      case 'col':
        return s.table ? `${s.table}.${this.d.ident(s.name)}` : this.d.ident(s.name);
      case 'input':
        return this.input(s.path, s.table);
      case 'num':
        return this.d.number(s.value);
      case 'str':
        return this.d.string(s.value);
      case 'bool':
        return s.value ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'param':
        return this.options.now ?? this.d.nowParam;
      case 'op':
        return `${sub(s.left)} ${s.op} ${sub(s.right)}`;
      case 'and':
      case 'or': {
        const word = s.k === 'and' ? 'AND' : 'OR';
        const parts = s.args.map((a) => this.wrap(a, indent + IND));
        return broken ? parts.join(`\n${indent}${IND}${word} `) : parts.join(` ${word} `);
      }
      case 'not':
        return `NOT ${sub(s.arg)}`;
      case 'neg':
        return `-${sub(s.arg)}`;
      case 'is_null':
        return `${sub(s.arg)} IS ${s.negated ? 'NOT ' : ''}NULL`;
      case 'in':
        return `${sub(s.subject)} IN (${s.values.map((v) => this.render(v, indent, false)).join(', ')})`;
      case 'case': {
        const whens = s.whens.map((w) => `WHEN ${this.expr(w.when, indent + IND + IND)} THEN ${this.expr(w.then, indent + IND)}`);
        const elseText = s.else ? `ELSE ${this.expr(s.else, indent + IND)}` : undefined;
        const parts = elseText ? [...whens, elseText] : whens;
        return broken ? `CASE\n${parts.map((p) => `${indent}${IND}${p}`).join('\n')}\n${indent}END` : `CASE ${parts.join(' ')} END`;
      }
      case 'fn': {
        const spell = this.d.fn[s.fn];
        if (!spell) throw new Error(`internal error: ${this.d.name} has no ${s.fn} (the planner checks this)`);
        return spell(s.args.map((a) => this.render(a, indent, false)));
      }
      case 'count_if':
        return `COUNT(CASE WHEN ${this.expr(s.when, indent + IND)} THEN 1 END)`;
      case 'sum_if':
        return `SUM(CASE WHEN ${this.expr(s.when, indent + IND)} THEN ${this.render(s.value, indent, false)} END)`;
      case 'max_if':
        return `MAX(CASE WHEN ${this.expr(s.when, indent + IND)} THEN ${this.render(s.value, indent, false)} END)`;
    }
  }

  /** Parenthesised unless atomic, so precedence never depends on the dialect. */
  private wrap(s: S, indent: string): string {
    const text = this.expr(s, indent);
    const atomic = s.k === 'col' || s.k === 'input' || s.k === 'str' || s.k === 'bool' || s.k === 'null' || s.k === 'param' || s.k === 'fn' || s.k === 'case' || (s.k === 'num' && s.value >= 0 && !Object.is(s.value, -0));
    return atomic ? text : `(${text})`;
  }

  private input(path: string[], table: string): string {
    if (path.length === 1 || this.d.nested === 'flat') return `${table}.${this.d.ident(path.join('.'))}`;
    return `${table}.${path.map((p) => this.d.ident(p)).join('.')}`;
  }
}
