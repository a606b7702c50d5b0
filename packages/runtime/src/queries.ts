// Event queries (`EVENT [within D] [where C]`). Events are indexed by type at validation, so a
// query looks only at its own type's events, and each distinct query is answered at most once per
// evaluation: identical queries (a `per` rule and a `count(...)` over the same events, or the same
// `any(...)` in a segment and a stage) share memo slots. A count needs no list of matches: without
// a `where` over time-ordered events it is the width of the window, found by binary search.

import type { EventQuery, Expr } from '@mql/artifact';
import type { Condition, EvalContext } from './context.js';
import { fail } from './errors.js';
import type { EventModel, RecordModel } from './schema.js';

export interface CompiledQuery {
  event: EventModel;
  /** How many events match (never after `now`). Memoised per evaluation. */
  count: (ctx: EvalContext) => number;
  /** The matching events' indexes in their EventList, in input order. Memoised per evaluation. */
  matches: (ctx: EvalContext) => readonly number[];
}

export class QueryTable {
  private readonly byKey = new Map<string, CompiledQuery>();

  constructor(private readonly allocateSlot: () => number) {}

  /** `at` is the compile environment (compile-expr.ts calls this, never the other way round). */
  compile(query: EventQuery, at: { model: RecordModel; where: string }, compileWhere: (where: Expr, scope: EventModel) => Condition): CompiledQuery {
    const key = JSON.stringify(query);
    const known = this.byKey.get(key);
    if (known !== undefined) return known;

    const event = at.model.eventByName.get(query.event) ?? fail(at, `unknown event type "${query.event}"`);
    const where = query.where === undefined ? undefined : compileWhere(query.where, event);
    const window = new Window(event.index, query.withinMs, where);
    const countSlot = this.allocateSlot();
    const matchesSlot = this.allocateSlot();
    const compiled: CompiledQuery = {
      event,
      count: (ctx) => {
        const known = ctx.memo[countSlot] ?? (ctx.memo[matchesSlot] as number[] | undefined)?.length;
        if (known !== undefined) return known as number;
        const n = window.count(ctx);
        ctx.memo[countSlot] = n;
        return n;
      },
      matches: (ctx) => {
        const known = ctx.memo[matchesSlot];
        if (known !== undefined) return known as number[];
        const found = window.matches(ctx);
        ctx.memo[matchesSlot] = found;
        return found;
      },
    };
    this.byKey.set(key, compiled);
    return compiled;
  }
}

/** Below this many events a linear scan is as fast as a binary search. */
const SEARCH_FROM = 8;

/** One query's events: `within D` keeps [now - D, now]; future events are never counted by any query. */
class Window {
  constructor(
    private readonly typeIndex: number,
    private readonly withinMs: number | undefined,
    private readonly where: Condition | undefined,
  ) {}

  count(ctx: EvalContext): number {
    return this.scan(ctx, undefined);
  }

  matches(ctx: EvalContext): number[] {
    const found: number[] = [];
    this.scan(ctx, found);
    return found;
  }

  /** Counts the matching events, and adds their indexes to `found` when given. */
  private scan(ctx: EvalContext, found: number[] | undefined): number {
    const list = ctx.events[this.typeIndex]!;
    const { now } = ctx;
    const where = this.where;
    let n = 0;
    if (list.sorted && list.length >= SEARCH_FROM) {
      // Time-ordered: the window is one run of indexes, found by binary search.
      const to = firstAfter(list.at, list.length, now);
      const from = this.withinMs === undefined ? 0 : firstAtOrAfter(list.at, to, now - this.withinMs);
      if (where === undefined && found === undefined) return to - from;
      for (let i = from; i < to; i++) {
        if (where !== undefined && !where(ctx, i)) continue;
        n++;
        found?.push(i);
      }
      return n;
    }
    const start = this.withinMs === undefined ? -Infinity : now - this.withinMs;
    const at = list.at;
    for (let i = 0; i < list.length; i++) {
      const t = at[i]!;
      if (!(t <= now && t >= start) || (where !== undefined && !where(ctx, i))) continue;
      n++;
      found?.push(i);
    }
    return n;
  }
}

/** The first index whose time is ≥ `time` (or `length`), in a non-decreasing array. */
function firstAtOrAfter(at: Float64Array, length: number, time: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is > `time` (or `length`), in a non-decreasing array. */
function firstAfter(at: Float64Array, length: number, time: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
