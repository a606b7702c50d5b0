// Dates at run time are epoch milliseconds (UTC). Input dates are ISO-8601 strings or epoch ms.
// `Date.parse` is too lenient for input checking (it accepts "March 7" and rolls 2026-02-30 over
// to March), so ISO strings are parsed strictly here.

/**
 * Parses `2026-11-01` (midnight UTC), `2026-11-01T08:30:00Z`, `2026-11-01T08:30+02:00`,
 * `2026-11-01 08:30:00.250Z`. A date-time without an offset is UTC (LANGUAGE.md §3: all times are
 * UTC). Returns epoch ms, or undefined when the text is not a valid ISO-8601 date. Written as a
 * small scanner over fixed positions, with the calendar arithmetic done here rather than by
 * `Date.UTC`, because it runs for every event of every record: profiling showed date parsing as
 * the largest single cost of an evaluation.
 */
export function parseIsoDate(text: string): number | undefined {
  const time = commonIsoTime(text);
  return time === time ? time : parseAnyIso(text); // NaN: not the common form, the full parser decides
}

/**
 * The fast path: `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.sssZ` (what `toISOString`, most
 * databases and CRM exports write), read at fixed positions in one expression per field. Returns
 * NaN for anything else, valid or not, so that the full parser (parseIsoDate) decides. A number
 * either way, so that the generated event loop (records-codegen.ts) calls it directly.
 */
export function commonIsoTime(text: string): number {
  const n = text.length;
  if (
    (n !== 20 && n !== 24) ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== UPPER_T ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(n - 1) !== UPPER_Z ||
    (n === 24 && text.charCodeAt(19) !== DOT)
  ) {
    return NaN;
  }
  const y1 = text.charCodeAt(0) - 48, y2 = text.charCodeAt(1) - 48, y3 = text.charCodeAt(2) - 48, y4 = text.charCodeAt(3) - 48;
  const mo1 = text.charCodeAt(5) - 48, mo2 = text.charCodeAt(6) - 48, d1 = text.charCodeAt(8) - 48, d2 = text.charCodeAt(9) - 48;
  const h1 = text.charCodeAt(11) - 48, h2 = text.charCodeAt(12) - 48, mi1 = text.charCodeAt(14) - 48, mi2 = text.charCodeAt(15) - 48;
  const s1 = text.charCodeAt(17) - 48, s2 = text.charCodeAt(18) - 48;
  const f1 = n === 24 ? text.charCodeAt(20) - 48 : 0, f2 = n === 24 ? text.charCodeAt(21) - 48 : 0, f3 = n === 24 ? text.charCodeAt(22) - 48 : 0;
  // Every position must hold a digit: as unsigned numbers, none may exceed 9.
  if ((y1 >>> 0) > 9 || (y2 >>> 0) > 9 || (y3 >>> 0) > 9 || (y4 >>> 0) > 9 || (mo1 >>> 0) > 9 || (mo2 >>> 0) > 9 || (d1 >>> 0) > 9 || (d2 >>> 0) > 9) return NaN;
  if ((h1 >>> 0) > 9 || (h2 >>> 0) > 9 || (mi1 >>> 0) > 9 || (mi2 >>> 0) > 9 || (s1 >>> 0) > 9 || (s2 >>> 0) > 9 || (f1 >>> 0) > 9 || (f2 >>> 0) > 9 || (f3 >>> 0) > 9) return NaN;
  const year = y1 * 1000 + y2 * 100 + y3 * 10 + y4;
  const month = mo1 * 10 + mo2;
  const day = d1 * 10 + d2;
  const hour = h1 * 10 + h2;
  const minute = mi1 * 10 + mi2;
  const second = s1 * 10 + s2;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  if (day > 28 && day > daysInMonth(year, month)) return NaN;
  return (monthStart(year, month) + day - 1) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + f1 * 100 + f2 * 10 + f3;
}

/** Days from 1970-01-01 to the first of each month of the years 1900-2199, computed once. */
const MONTH_STARTS = Int32Array.from({ length: 300 * 12 }, (_, i) => daysFromCivil(1900 + Math.floor(i / 12), (i % 12) + 1, 1));

function monthStart(year: number, month: number): number {
  const i = (year - 1900) * 12 + month - 1;
  return i >= 0 && i < MONTH_STARTS.length ? MONTH_STARTS[i]! : daysFromCivil(year, month, 1);
}

/** The strict parser for every accepted form. */
function parseAnyIso(text: string): number | undefined {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let time = daysFromCivil(year, month, day) * DAY_MS;
  if (n === 10) return time;

  // [T or space]HH:MM[:SS[.fraction]][Z or ±HH[:]MM]
  const separator = text.charCodeAt(10);
  if ((separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) || text.charCodeAt(13) !== COLON) return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  time += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (text.charCodeAt(i) === COLON) {
    const second = digits(text, i + 1, 2);
    if (second < 0 || second > 59) return undefined;
    time += second * 1000;
    i += 3;
    if (text.charCodeAt(i) === DOT) {
      // Up to 9 fraction digits; milliseconds are the first three.
      let end = i + 1;
      while (end < n && end - i <= 9 && digits(text, end, 1) >= 0) end++;
      if (end === i + 1) return undefined;
      for (let k = i + 1, scale = 100; k < i + 4; k++, scale /= 10) if (k < end) time += digits(text, k, 1) * scale;
      i = end;
    }
  }
  if (i === n) return time;
  const z = text.charCodeAt(i);
  if (i === n - 1 && (z === UPPER_Z || z === LOWER_Z)) return time;
  const offset = parseOffset(text.slice(i));
  return offset === undefined ? undefined : time - offset;
}

const DASH = 45;
const DOT = 46;
const COLON = 58;
const SPACE = 32;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

/** The number written by `count` decimal digits at `start`, or -1. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48; // NaN past the end
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil): integer
 * arithmetic over 400-year eras, valid for every year the parser accepts (0000-9999).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const DAY_MS = 86_400_000;

const OFFSET = /^[+-](\d{2}):?(\d{2})?$/;

/** `±HH[:MM]` → ms east of UTC; undefined when malformed or out of range. */
function parseOffset(text: string): number | undefined {
  const m = OFFSET.exec(text);
  if (m === null || (text.includes(':') && m[2] === undefined)) return undefined;
  const hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return (text[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]!;
}

/** A JSON input date: an ISO-8601 string or a finite number of epoch ms. */
export function parseInputDate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseIsoDate(value);
  return undefined;
}

/** Epoch ms as ISO-8601 (`2026-11-01T00:00:00.000Z`), for explanations. */
export function formatDate(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
