// The strict ISO-8601 reader used for record dates, CSV cells and `now`.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../src/dates.js';

describe('parseIsoDate', () => {
  it('reads dates, date-times, fractions and offsets; no offset means UTC', () => {
    const cases: [string, string][] = [
      ['2026-11-01', '2026-11-01T00:00:00.000Z'],
      ['2026-11-01T08:30', '2026-11-01T08:30:00.000Z'],
      ['2026-11-01t08:30:15z', '2026-11-01T08:30:15.000Z'],
      ['2026-11-01 08:30:15.25Z', '2026-11-01T08:30:15.250Z'],
      ['2026-11-01T08:30:15.123456789Z', '2026-11-01T08:30:15.123Z'],
      ['2026-11-01T08:30+02:00', '2026-11-01T06:30:00.000Z'],
      ['2026-11-01T08:30:00-0130', '2026-11-01T10:00:00.000Z'],
      ['2026-11-01T08:30:00+05', '2026-11-01T03:30:00.000Z'],
      ['2024-02-29', '2024-02-29T00:00:00.000Z'],
      ['0099-03-01', '0099-03-01T00:00:00.000Z'],
    ];
    expect(cases.map(([text]) => new Date(parseIsoDate(text)!).toISOString())).toEqual(cases.map(([, iso]) => iso));
  });

  it('rejects what is not a valid ISO-8601 date', () => {
    const bad = ['', 'yesterday', '2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '2026-1-01', '01/02/2026', '2026-11-01T', '2026-11-01T24:00',
      '2026-11-01T08:60', '2026-11-01T08:30:61Z', '2026-11-01T08:30:00.Z', '2026-11-01T08:30:00+2', '2026-11-01T08:30+02:', '2026-11-01T08:30 Z', '2026-11-01Z', ' 2026-11-01'];
    expect(bad.map(parseIsoDate)).toEqual(bad.map(() => undefined));
  });

  it('agrees with Date.parse on every canonical ISO string', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString();
        expect(parseIsoDate(iso)).toBe(date.getTime());
        expect(parseIsoDate(iso.slice(0, 10))).toBe(Date.parse(iso.slice(0, 10)));
      }),
    );
  });

  it('reads the common forms on its fast path exactly like the full scanner, in and out of its month table (1900-2199)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1800-01-01'), max: new Date('2300-12-31'), noInvalidDate: true }), (date) => {
        const withMs = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ, the fast path
        const seconds = withMs.replace(/\.\d{3}Z$/, 'Z'); // YYYY-MM-DDTHH:MM:SSZ, the fast path
        const offset = withMs.replace('Z', '+00:00'); // the scanner only
        expect(parseIsoDate(withMs)).toBe(date.getTime());
        expect(parseIsoDate(seconds)).toBe(parseIsoDate(seconds.replace('Z', '+00:00')));
        expect(parseIsoDate(offset)).toBe(date.getTime());
      }),
    );
    // Fixed-position look-alikes that are not valid dates fall through to the scanner and fail.
    const bad = ['2026-02-29T00:00:00Z', '2026-04-31T00:00:00.000Z', '2026-1a-01T00:00:00Z', '2026-01-01T00:0a:00Z', '2026-01-01T00:00:00.0a0Z', '+026-01-01T00:00:00Z'];
    expect(bad.map(parseIsoDate)).toEqual(bad.map(() => undefined));
  });
});
