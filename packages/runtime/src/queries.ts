// Event queries (`EVENT [within D] [where C]`). Events are indexed by type at validation, so a
// query scans only its own type's events, and each distinct query scans them at most once per
// evaluation: identical queries (a `per` rule and a `count(...)` over the same events, or the same
// `any(...)` in a segment and a stage) share one memo slot holding the matching events.

import type { EventQuery, Expr } from '@mql/artifact';
import type { Condition, EvalContext, NormEvent } from './context.js';
import { fail } from './errors.js';
import type { EventModel, RecordModel } from './schema.js';

export interface CompiledQuery {
  event: EventModel;
  /** Matching events, never after `now`, in input order. Memoised per evaluation. */
  matches: (ctx: EvalContext) => NormEvent[];
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
    const compiled: CompiledQuery = { event, matches: matcher(event.index, query.withinMs, where, this.allocateSlot()) };
    this.byKey.set(key, compiled);
    return compiled;
  }
}

function matcher(typeIndex: number, withinMs: number | undefined, where: Condition | undefined, slot: number) {
  return (ctx: EvalContext): NormEvent[] => {
    const known = ctx.memo[slot];
    if (known !== undefined) return known as NormEvent[];
    const now = ctx.now;
    // `within D` keeps [now - D, now]; future events are never counted by any query.
    const from = withinMs === undefined ? -Infinity : now - withinMs;
    const found: NormEvent[] = [];
    for (const ev of ctx.events[typeIndex]!) {
      if (ev.at <= now && ev.at >= from && (where === undefined || where(ctx, ev))) found.push(ev);
    }
    ctx.memo[slot] = found;
    return found;
  };
}
