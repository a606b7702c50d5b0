import type { Contribution } from './result.js';

// The per-evaluation state that compiled closures read. Everything here is plain data built once
// per record, so the closures compiled at load time stay free of lookups by name.

/**
 * One event type's events in a record, in input order, without an object per event: an event is
 * its index `i` in this list. Only the attribute values that some expression reads are kept.
 */
export interface EventList {
  /** How many events of this type the record has. */
  length: number;
  /** Epoch ms of event i at `at[i]` (only the first `length` entries are this record's). */
  at: Float64Array;
  /** `at` is non-decreasing (events given in time order, the usual case), so windows are found by binary search. */
  sorted: boolean;
  /**
   * Attribute values (dates in epoch ms; text as given until a `where` first reads it, which
   * stores it lower-cased, see compileAttr), event i's slot s at `values[i * width + s]`; slots
   * that no expression reads stay unset.
   * Explanations never show single event attributes, so there is no as-given copy.
   */
  values: unknown[];
  /** Slots per event (the event type's field count, nested fields included). */
  width: number;
}

/** A validated lead record, by slot. `undefined` means missing. */
export interface NormRecord {
  /** Comparison form: strings lower-cased, dates in epoch ms, empty lists as missing. Only slots that expressions read are set. */
  lead: unknown[];
  /** As given (dates in epoch ms), for explanations; only slots that explanations show are set. */
  raw: unknown[];
  /** Events by event-type index; unknown event types were dropped. */
  events: EventList[];
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
  /** Batch coverage counters (coverage.ts), incremented per fired rule and held clause; usually undefined. */
  coverage: Uint32Array | undefined;
}

/** The `ev` argument outside a query's `where`. */
export const NO_EVENT = -1;

/**
 * A compiled expression. `ev` is the current event's index in its type's EventList inside a
 * `where`, otherwise NO_EVENT. Values: number (also dates and durations in ms), lower-cased string,
 * boolean, array (a list), or `undefined` for missing. Predicates always return a boolean.
 */
export type Fn = (ctx: EvalContext, ev: number) => unknown;

/** A compiled condition: true only when the expression is exactly `true` (missing → false). */
export type Condition = (ctx: EvalContext, ev: number) => boolean;

export const DAY_MS = 86_400_000;
