// load(): format and version checks, malformed content, and references checked before evaluation.

import type { RulesArtifact } from '@mql/artifact';
import { describe, expect, it } from 'vitest';
import { ArtifactError, load } from '../src/index.js';
import { artifact, E, field, formula, grade, per, q, score, stage, T, when } from './artifact-builder.js';
import { EVENTS, LEAD } from './helpers.js';

const base = () => artifact({ lead: LEAD, events: EVENTS });
const loadError = (input: unknown): string => {
  try {
    load(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactError);
    return (error as Error).message;
  }
  throw new Error('load did not throw');
};
const withParts = (parts: Partial<RulesArtifact>) => ({ ...base(), ...parts });

describe('load', () => {
  it('returns an engine with metadata for tools', () => {
    const engine = load(
      artifact({
        lead: LEAD,
        events: EVENTS,
        segments: { dm: E.bool(true) },
        scores: [score('fit', []), formula('priority', E.score('fit'))],
        grades: [grade('profile', [], 'D')],
        stages: [stage('MQL'), stage('SAL', { after: 'MQL' })],
      }),
    );
    expect({
      stages: engine.stageNames,
      scores: engine.scoreNames,
      grades: engine.gradeNames,
      segments: engine.segmentNames,
      events: engine.eventTypes,
    }).toEqual({ stages: ['MQL', 'SAL'], scores: ['fit', 'priority'], grades: ['profile'], segments: ['dm'], events: ['page_view', 'purchase', 'webinar'] });
    expect(engine.artifact.stages).toHaveLength(2);
  });

  it('rejects something that is not an artifact, another format or another version', () => {
    expect(loadError('{"format":"mql-rules"}')).toBe('not an MQL rules artifact: expected a JSON object, got "{\\"format\\":\\"mql-rules\\"}"');
    expect(loadError({ version: 1 })).toBe('not an MQL rules artifact: no format (expected "mql-rules")');
    expect(loadError({ ...base(), format: 'other' })).toBe('not an MQL rules artifact: format "other" (expected "mql-rules")');
    expect(loadError({ ...base(), version: 2 })).toBe('unsupported artifact version 2 (this runtime reads version 1)');
  });

  it('reports malformed content with the zod issue path and message', () => {
    const bad = withParts({ scores: [{ ...score('fit', [when(10, E.bool(true))]), rules: [{ ...when(10, E.bool(true)), points: '10' }] }] as never });
    expect(loadError(bad)).toBe('malformed artifact at scores[0].rules[0].points: Invalid input: expected number, received string');
    expect(loadError(withParts({ lead: undefined as never, stages: 3 as never }))).toMatch(/^malformed artifact at lead: .* \(and 1 more problem\)$/);
  });

  it('accepts a `lead.key` naming a top-level text or number field, and an artifact without one; refuses any other', () => {
    expect(load({ ...base(), lead: { fields: LEAD, key: 'email' } }).artifact.lead.key).toBe('email');
    expect(load(base()).artifact.lead.key).toBeUndefined();
    for (const key of ['nope', 'seniority', 'company', 'created']) {
      expect(loadError({ ...base(), lead: { fields: LEAD, key } })).toBe(`malformed artifact at lead.key: "${key}" is not a top-level string, email or number field of the lead`);
    }
  });

  it('rejects references to unknown fields, attributes, events and names', () => {
    const seg = (expr: ReturnType<typeof E.field>) =>
      loadError(artifact({ lead: LEAD, events: EVENTS, segments: { s: expr } }));
    expect(seg(E.field('company', 'revenue'))).toBe('malformed artifact: segment "s": unknown field "company.revenue"');
    expect(seg(E.attr('url'))).toBe('malformed artifact: segment "s": event attribute "url" outside a query');
    expect(seg(E.any(q('page_view', { where: E.cmp('==', E.attr('path'), E.str('/'), 'string') })))).toBe(
      'malformed artifact: segment "s": unknown attribute "path" of event "page_view"',
    );
    expect(seg(E.any(q('bounce')))).toBe('malformed artifact: segment "s": unknown event type "bounce"');
    expect(seg(E.score('nope'))).toBe('malformed artifact: segment "s": unknown score "nope"');
    expect(seg(E.sum(q('purchase'), 'price'))).toBe('malformed artifact: segment "s": unknown attribute "price" of event "purchase"');
    expect(loadError(artifact({ stages: [stage('SAL', { after: 'MQL' })] }))).toBe('malformed artifact: stage "SAL": unknown stage "MQL"');
  });

  it('rejects cycles between names and between stages, and duplicate names', () => {
    expect(
      loadError(
        artifact({
          lead: [field('x', T.number)],
          segments: { a: E.cmp('>', E.score('s'), E.num(1)) },
          scores: [score('s', [when(1, E.cmp('==', E.grade('g'), E.str('A'), 'string'))])],
          grades: [grade('g', [['A', E.segment('a')]], 'B')],
        }),
      ),
    ).toBe('malformed artifact: cycle between names: segment a → score s → grade g → segment a');
    expect(loadError(artifact({ events: EVENTS, scores: [score('s', [per(1, q('page_view', { where: E.cmp('>', E.score('s'), E.num(0)) }))])] }))).toBe(
      'malformed artifact: cycle between names: score s → score s',
    );
    expect(loadError(artifact({ stages: [stage('A', { after: 'B' }), stage('B', { after: 'A' })] }))).toBe(
      'malformed artifact: stage "A": cycle in "after" links through "A"',
    );
    expect(loadError(artifact({ scores: [score('s', []), score('s', [])] }))).toBe('malformed artifact: duplicate score "s"');
  });
});
