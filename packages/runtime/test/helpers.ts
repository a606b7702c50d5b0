// Shared test set-up: a small lead schema and one-call evaluation helpers.

import type { Expr, Score } from '@mql/artifact';
import { expect } from 'vitest';
import { load, type EvaluationResult } from '../src/index.js';
import { artifact, field, iso, optional, T, type ArtifactParts } from './artifact-builder.js';

export const NOW = iso('2026-11-01T00:00:00Z');
export const DAY = 86_400_000;

/** A lead schema exercising every field type; `Email` and `Job Title` use `from` names. */
export const LEAD = [
  field('email', T.email, { from: 'Email' }),
  optional('title', T.string, { from: 'Job Title' }),
  optional('seniority', T.enum('ic', 'manager', 'director', 'vp', 'cxo')),
  optional('employees', T.number),
  optional('consent', T.bool),
  optional('created', T.date),
  optional('tags', T.list(T.string)),
  optional('company', T.object(optional('industry', T.enum('software', 'finance')), optional('employees', T.number))),
];

export const EVENTS = {
  page_view: [field('url', T.string)],
  purchase: [optional('amount', T.number), optional('product', T.string, { from: 'Product' })],
  webinar: [field('attended', T.bool)],
};

/** ISO time `days` before NOW (fractional days allowed). */
export const ago = (days: number): string => new Date(NOW - days * DAY).toISOString();

/** Evaluates a record (explained) against an artifact with LEAD/EVENTS and the given parts. */
export function run(parts: ArtifactParts, record: Record<string, unknown>, now: number = NOW): EvaluationResult {
  const engine = load(artifact({ lead: LEAD, events: EVENTS, ...parts }));
  const evaluation = engine.evaluate({ Email: 'dana@acme.io', ...record }, { now });
  if (!evaluation.ok) throw new Error(`invalid record: ${JSON.stringify(evaluation.errors)}`);
  return evaluation.result;
}

/** The value of each condition, as segments. */
export function conditions(segments: Record<string, Expr>, record: Record<string, unknown> = {}, now = NOW) {
  return run({ segments }, record, now).segments;
}

/** The value of each expression as a formula score (a missing value counts as 0). */
export function values(exprs: Record<string, Expr>, record: Record<string, unknown> = {}, now = NOW) {
  const scores: Score[] = Object.entries(exprs).map(([name, expr]) => ({ kind: 'formula', name, expr, text: name, loc: LOC }));
  return run({ scores }, record, now).scores;
}

const LOC = { file: 'test.mql', line: 1, column: 1, start: 0, end: 1 };

/** Every key of `segments` is true (or false), with a readable failure listing the others. */
export function expectAll(segments: Record<string, boolean>, value: boolean): void {
  expect(segments).toEqual(Object.fromEntries(Object.keys(segments).map((k) => [k, value])));
}
