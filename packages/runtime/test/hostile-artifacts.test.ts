// Hand-made or damaged artifacts: load() refuses them with an ArtifactError that names the place,
// never a RangeError, a polluted Object.prototype or a silently empty result.

import { describe, expect, it } from 'vitest';
import { ArtifactError, load } from '../src/index.js';
import { MAX_ARTIFACT_DEPTH } from '../src/verify.js';
import { artifact, E, field, optional, score, T, when } from './artifact-builder.js';
import { EVENTS, LEAD } from './helpers.js';

const loadError = (input: unknown): string => {
  try {
    load(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactError);
    return (error as Error).message;
  }
  throw new Error('load did not throw');
};

describe('load refuses hostile artifacts', () => {
  it('an expression 10,000 levels deep is an ArtifactError with the path, not a RangeError', () => {
    let expr = E.bool(true);
    for (let i = 0; i < 10_000; i++) expr = E.not(expr);
    const message = loadError(artifact({ lead: LEAD, segments: { deep: expr } }));
    expect(message).toBe(`malformed artifact at segments[0].expr.arg.arg.arg.arg.arg…: nested deeper than ${MAX_ARTIFACT_DEPTH} levels`);
  });

  it('an expression as deep as the compiler allows (500 levels) still loads', () => {
    let expr = E.bool(true);
    for (let i = 0; i < 500; i++) expr = E.and(expr, E.bool(true));
    expect(load(artifact({ lead: LEAD, segments: { deep: expr } })).segmentNames).toEqual(['deep']);
  });

  it('`__proto__` as a field name, an input key or a declaration name is refused', () => {
    expect(loadError(artifact({ lead: [...LEAD, optional('__proto__', T.object(optional('isAdmin', T.bool)))] }))).toBe(
      'malformed artifact at lead.fields[8].name: "__proto__" cannot be a name or key',
    );
    expect(loadError(artifact({ lead: [...LEAD, optional('plan', T.string, { from: '__proto__' })] }))).toBe(
      'malformed artifact at lead.fields[8].from: "__proto__" cannot be a name or key',
    );
    expect(loadError(artifact({ lead: LEAD, events: { page_view: [optional('x', T.object(field('__proto__', T.bool)))] } }))).toBe(
      'malformed artifact at events[0].fields[0].type.fields[0].name: "__proto__" cannot be a name or key',
    );
    expect(loadError(artifact({ lead: LEAD, segments: Object.fromEntries([['__proto__', E.bool(true)]]) }))).toMatch(/segments\[0\]\.name: "__proto__" cannot be/);
    expect(loadError(artifact({ lead: LEAD, scores: [score('__proto__', [])] }))).toBe(
      'malformed artifact at scores[0].name: "__proto__" cannot be a name or key',
    );
  });

  it('a score range with min greater than max is refused', () => {
    expect(loadError(artifact({ lead: LEAD, scores: [score('fit', [when(5, E.bool(true))], { range: [10, 0] })] }))).toBe(
      'malformed artifact at scores[0].range: min 10 is greater than max 0',
    );
  });
});

describe('CSV rows cannot reach Object.prototype', () => {
  it('a `constructor.prototype` field path builds a plain record and leaves Object.prototype alone', () => {
    const engine = load(
      artifact({ lead: [field('email', T.email), optional('constructor', T.object(optional('prototype', T.object(optional('isAdmin', T.bool)))))] }),
    );
    const converted = engine.fromRow({ email: 'a@b.co', 'constructor.prototype.isAdmin': 'yes' });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(JSON.parse(JSON.stringify(converted))).toEqual({ ok: true, record: { email: 'a@b.co', constructor: { prototype: { isAdmin: true } } } });
    const evaluation = engine.evaluate(converted.ok ? converted.record : null);
    expect(evaluation.ok).toBe(true);
  });
});
