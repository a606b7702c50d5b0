// No input key can change Object.prototype: random rows, event rows and JSON records whose keys
// are drawn from the names JavaScript treats specially, against a schema whose fields are named
// `constructor`, `prototype` and `toString`, and the result never reaches the host's objects.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { artifact, field, optional, T } from './artifact-builder.js';

const SPECIAL = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isAdmin', 'polluted'];
const keyArb = fc.constantFrom(...SPECIAL);
const pathArb = fc.array(keyArb, { minLength: 1, maxLength: 4 }).map((keys) => keys.join('.'));
const cellArb = fc.constantFrom('yes', 'true', '1', 'x', '{}', '', '2026-01-01');

/** JSON text with special keys at any depth; JSON.parse makes `__proto__` an own key, as a real file would. */
const jsonArb: fc.Arbitrary<string> = fc
  .letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(true, 'yes', 1, null), tie('object'), fc.array(tie('value'), { maxLength: 2 })),
    object: fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }),
  }))
  .object.map((entries) => `{${(entries as [string, unknown][]).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);

const engine = load(
  artifact({
    lead: [
      field('email', T.email),
      optional('isAdmin', T.bool),
      optional('constructor', T.object(optional('prototype', T.object(optional('isAdmin', T.bool), optional('polluted', T.string))))),
      optional('prototype', T.object(optional('toString', T.bool))),
      optional('toString', T.list(T.string), { from: 'valueOf' }),
    ],
    events: { constructor: [optional('prototype', T.object(optional('polluted', T.bool)))] },
  }),
);

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeKeys();

function expectPrototypeUntouched(): void {
  expect(prototypeKeys()).toEqual(before);
  const probe: Record<string, unknown> = {};
  expect([probe.isAdmin, probe.polluted, Object.getPrototypeOf(probe)]).toEqual([undefined, undefined, Object.prototype]);
}

describe('no input key can change Object.prototype', () => {
  afterEach(() => {
    // Leave the process clean for the other tests even when an assertion failed.
    for (const key of prototypeKeys()) if (!before.includes(key)) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it('CSV rows (lead and event) with special headers at any depth', () => {
    fc.assert(
      fc.property(fc.dictionary(pathArb, cellArb), fc.dictionary(pathArb, cellArb), (lead, event) => {
        const row = Object.assign(Object.create(null) as Record<string, string>, { email: 'a@b.co' }, lead);
        const converted = engine.fromRow(row);
        if (converted.ok) engine.evaluate(converted.record);
        engine.eventFromRow(Object.assign(Object.create(null) as Record<string, string>, event, { type: 'constructor', at: '2026-01-01' }));
        expectPrototypeUntouched();
      }),
      { numRuns: 400, seed: 15 },
    );
  });

  it('JSON records with special keys at any depth', () => {
    fc.assert(
      fc.property(jsonArb, jsonArb, (leadText, eventText) => {
        const record = JSON.parse(leadText) as Record<string, unknown>;
        record.email = 'a@b.co';
        record.events = [{ ...(JSON.parse(eventText) as object), type: 'constructor', at: '2026-01-01' }];
        const evaluation = engine.evaluate(record, { now: '2026-02-01' });
        if (evaluation.ok) JSON.stringify(evaluation.result);
        engine.validate(record);
        expectPrototypeUntouched();
      }),
      { numRuns: 400, seed: 15 },
    );
  });
});
