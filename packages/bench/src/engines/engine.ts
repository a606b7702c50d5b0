// What the evaluation benchmark knows about an engine: how to load the shared rule set from
// rules/ and how to turn one raw lead into an Outcome. Loading is timed on its own; evaluation is
// timed over every lead, including whatever per-lead preparation the engine needs.

import type { DateForm, Outcome, RawLead } from '../lead.js';

export type Evaluator =
  | { kind: 'sync'; run(lead: RawLead): Outcome }
  /** Engines whose API is asynchronous (json-rules-engine, ZEN) are awaited lead by lead. */
  | { kind: 'async'; run(lead: RawLead): Promise<Outcome> };

/** The record check alone, for engines that have one (MQL's `validate`); true when valid. */
export type Validator = (lead: RawLead) => boolean;

export interface Loaded {
  evaluator: Evaluator;
  /** Load-time breakdown worth showing (MQL: compile vs load), in ms. */
  phases?: Record<string, number>;
  validate?: Validator;
}

export interface EngineUnderTest {
  id: string;
  /** How the table names it. */
  label: string;
  /**
   * Reads its rules from `rulesDir` and readies them (parse, compile, build the graph). `dates` is
   * the form of the run's event times; only the hand-written ceiling depends on it.
   */
  load(rulesDir: string, dates: DateForm): Loaded | Promise<Loaded>;
}
