// What the evaluation benchmark knows about an engine: how to load the shared rule set from
// rules/ and how to turn one raw lead into an Outcome. Loading is timed on its own; evaluation is
// timed over every lead, including whatever per-lead preparation the engine needs.

import type { Outcome, RawLead } from '../lead.js';

export type Evaluator =
  | { kind: 'sync'; run(lead: RawLead): Outcome }
  /** Engines whose API is asynchronous (json-rules-engine, ZEN) are awaited lead by lead. */
  | { kind: 'async'; run(lead: RawLead): Promise<Outcome> };

export interface Loaded {
  evaluator: Evaluator;
  /** Load-time breakdown worth showing (MQL: compile vs load), in ms. */
  phases?: Record<string, number>;
}

export interface EngineUnderTest {
  id: string;
  /** How the table names it. */
  label: string;
  /** Reads its rules from `rulesDir` and readies them (parse, compile, build the graph). */
  load(rulesDir: string): Loaded | Promise<Loaded>;
}
