import type { Contribution } from './result.js';

// The per-evaluation state that compiled closures read. Everything here is plain data built once
// per record, so the closures compiled at load time stay free of lookups by name.

/** One event after normalisation: `at` in epoch ms, attributes by slot (see schema.ts). */
export interface NormEvent {
  at: number;
  /** Comparison form: strings lower-cased (also inside lists), dates in epoch ms. Explanations
   * never show single event attributes, so unlike the lead there is no as-given copy. */
  attrs: unknown[];
}

/** A validated lead record, by slot. `undefined` means missing. */
export interface NormRecord {
  /** Comparison form: strings lower-cased, dates in epoch ms, empty lists as missing. */
  lead: unknown[];
  /** As given (dates in epoch ms), for explanations. */
  raw: unknown[];
  /** Events by event-type index; unknown event types were dropped. Input order within a type. */
  events: NormEvent[][];
}

export interface EvalContext extends NormRecord {
  /** Evaluation time, epoch ms. */
  now: number;
  /**
   * Per-evaluation memo slots (segments, scores, grades, event queries), `undefined` until
   * computed. Names may be referenced from many places; each is computed at most once.
   */
  memo: unknown[];
  /** When true, scores also record their contributions (see scores.ts). */
  explain: boolean;
  /** Contributions by score index, filled only when `explain` is on. */
  contributions: Contribution[][];
}

/**
 * A compiled expression. `ev` is the current event inside a `where`, otherwise undefined.
 * Values: number (also dates and durations in ms), lower-cased string, boolean, array (a list),
 * or `undefined` for missing. Predicates always return a boolean.
 */
export type Fn = (ctx: EvalContext, ev: NormEvent | undefined) => unknown;

/** A compiled condition: true only when the expression is exactly `true` (missing → false). */
export type Condition = (ctx: EvalContext, ev: NormEvent | undefined) => boolean;

export const DAY_MS = 86_400_000;
