// Explanations: which values a condition looked at, keyed by a readable name, so a salesperson can
// see what decided a requirement (`fit: 25`, `company.employees: 800`,
// `count(page_view within 14d where url contains "/pricing"): 2`). The probes are compiled at load;
// segments, scores, grades and queries are memoised, so reading them after evaluation is cheap.

import type { EventQuery, Expr } from '@mql/artifact';
import { compileExpr, type CompileEnv } from './compile-expr.js';
import { fail } from './errors.js';
import { DAY_MS, NO_EVENT, type EvalContext } from './context.js';
import { formatDate } from './dates.js';
import type { DisplayValue } from './result.js';
import { childExprs } from './walk.js';

export interface Probe {
  name: string;
  read: (ctx: EvalContext) => DisplayValue;
}

/** The probes for every field, name and function `expr` references (not inside query filters). */
export function compileProbes(expr: Expr, env: CompileEnv): Probe[] {
  const probes = new Map<string, Probe>();
  const visit = (e: Expr): void => {
    const probe = probeFor(e, env);
    if (probe !== undefined && !probes.has(probe.name)) probes.set(probe.name, probe);
    // An event function or an email part is shown as a whole, not its inner parts.
    if (probe !== undefined && e.op !== 'days_since_date') return;
    for (const child of childExprs(e)) visit(child);
  };
  visit(expr);
  return [...probes.values()];
}

export function readProbes(probes: Probe[], ctx: EvalContext): Record<string, DisplayValue> {
  const values: Record<string, DisplayValue> = {};
  for (const probe of probes) values[probe.name] = probe.read(ctx);
  return values;
}

function probeFor(expr: Expr, env: CompileEnv): Probe | undefined {
  const name = exprText(expr);
  switch (expr.op) {
    case 'field': {
      // Fields show the value as given (original letter case), dates as ISO-8601.
      const node = env.model.lead.bySchemaPath.get(expr.path.join('.')) ?? fail(env, `unknown field "${name}"`);
      node.shown = true;
      const slot = node.slot;
      const isDate = node.type.kind === 'date';
      return { name, read: (ctx) => display(isDate ? dateOrMissing(ctx.raw[slot]) : ctx.raw[slot]) };
    }
    case 'segment': {
      const get = env.names.segment[env.names.segmentIndex.get(expr.name)!]!;
      return { name, read: get };
    }
    case 'score': {
      const get = env.names.score[env.names.scoreIndex.get(expr.name)!]!;
      return { name, read: get };
    }
    case 'grade': {
      const i = env.names.gradeIndex.get(expr.name)!;
      return { name, read: (ctx) => env.names.gradeLabel(i, ctx) };
    }
    case 'email_part':
    case 'count':
    case 'any':
    case 'none':
    case 'sum':
    case 'days_since_event':
    case 'days_since_date': {
      const fn = compileExpr(expr, env);
      return { name, read: (ctx) => display(fn(ctx, NO_EVENT)) };
    }
    default:
      return undefined;
  }
}

function dateOrMissing(value: unknown): string | undefined {
  return typeof value === 'number' ? formatDate(value) : undefined;
}

function display(value: unknown): DisplayValue {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
  return value as DisplayValue;
}

// ---------------------------------------------------------------------------------------------
// Expressions back to MQL text, for value names. Precedence, lowest first (LANGUAGE.md §5):
// or, and, not, comparisons/predicates, + -, * /, unary -, primary.

const enum Prec {
  Or = 1,
  And,
  Not,
  Compare,
  Add,
  Mul,
  Neg,
  Primary,
}

export function exprText(expr: Expr): string {
  return print(expr).text;
}

function print(expr: Expr): { text: string; prec: Prec } {
  const primary = (text: string) => ({ text, prec: Prec.Primary });
  const compare = (text: string) => ({ text, prec: Prec.Compare });
  const at = (e: Expr, min: Prec) => {
    const p = print(e);
    return p.prec < min ? `(${p.text})` : p.text;
  };
  const operand = (e: Expr) => at(e, Prec.Add);
  switch (expr.op) {
    case 'literal':
      return primary(literalText(expr.type, expr.value));
    case 'list':
      return primary(`[${expr.values.map((v) => JSON.stringify(v)).join(', ')}]`);
    case 'field':
      return primary(expr.path.join('.'));
    case 'attr':
      return primary(expr.name);
    case 'now':
      return primary('now');
    case 'segment':
    case 'score':
    case 'grade':
      return primary(expr.name);
    case 'email_part':
      return primary(`${at(expr.of, Prec.Primary)}.${expr.part}`);
    case 'not':
      return { text: `not ${at(expr.arg, Prec.Not)}`, prec: Prec.Not };
    case 'and':
      return { text: expr.args.map((a) => at(a, Prec.And + 1)).join(' and '), prec: Prec.And };
    case 'or':
      return { text: expr.args.map((a) => at(a, Prec.Or + 1)).join(' or '), prec: Prec.Or };
    case 'neg':
      return { text: `-${at(expr.arg, Prec.Neg)}`, prec: Prec.Neg };
    case 'arith': {
      const prec = expr.fn === '+' || expr.fn === '-' ? Prec.Add : Prec.Mul;
      return { text: `${at(expr.left, prec)} ${expr.fn} ${at(expr.right, prec + 1)}`, prec };
    }
    case 'compare':
      return compare(`${operand(expr.left)} ${expr.cmp} ${operand(expr.right)}`);
    case 'in':
      return compare(`${operand(expr.subject)} ${expr.negated ? 'not in' : 'in'} ${operand(expr.list)}`);
    case 'contains':
      return compare(`${operand(expr.subject)} contains ${operand(expr.value)}`);
    case 'starts_with':
      return compare(`${operand(expr.subject)} starts with ${operand(expr.value)}`);
    case 'ends_with':
      return compare(`${operand(expr.subject)} ends with ${operand(expr.value)}`);
    case 'between':
      return compare(`${operand(expr.subject)} between ${operand(expr.low)} and ${operand(expr.high)}`);
    case 'is_set':
      return compare(`${operand(expr.subject)} is ${expr.negated ? 'missing' : 'set'}`);
    case 'within':
      return compare(`${operand(expr.subject)} within ${durationText(expr.durationMs)}`);
    case 'count':
    case 'any':
    case 'none':
      return primary(`${expr.op}(${queryText(expr.query)})`);
    case 'sum':
      return primary(`sum(${queryText(expr.query)}, ${expr.attr})`);
    case 'days_since_event':
      return primary(`days_since(${queryText(expr.query)})`);
    case 'days_since_date':
      return primary(`days_since(${exprText(expr.arg)})`);
    case 'math':
      return primary(`${expr.fn}(${expr.args.map(exprText).join(', ')})`);
  }
}

export function queryText(query: EventQuery): string {
  const within = query.withinMs === undefined ? '' : ` within ${durationText(query.withinMs)}`;
  const where = query.where === undefined ? '' : ` where ${exprText(query.where)}`;
  return `${query.event}${within}${where}`;
}

function literalText(type: string, value: number | string | boolean): string {
  if (type === 'duration' && typeof value === 'number') return durationText(value);
  if (type === 'date' && typeof value === 'number') {
    const iso = formatDate(value);
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `14d`, `36h`: whole days when possible, else hours. */
export function durationText(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS}d` : `${ms / 3_600_000}h`;
}
