// Dates at run time are epoch milliseconds (UTC). Input dates are ISO-8601 strings or epoch ms.
// `Date.parse` is too lenient for input checking (it accepts "March 7" and rolls 2026-02-30 over
// to March), so ISO strings are parsed strictly here.

/**
 * Parses `2026-11-01` (midnight UTC), `2026-11-01T08:30:00Z`, `2026-11-01T08:30+02:00`,
 * `2026-11-01 08:30:00.250Z`. A date-time without an offset is UTC (LANGUAGE.md §3: all times are
 * UTC). Returns epoch ms, or undefined when the text is not a valid ISO-8601 date. Written as a
 * small scanner over fixed positions because it runs for every event of every record.
 */
export function parseIsoDate(text: string): number | undefined {
  const n = text.length;
  if (n < 10 || text[4] !== '-' || text[7] !== '-') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offset = 0;
  if (n > 10) {
    // [T or space]HH:MM[:SS[.fraction]][Z or ±HH[:]MM]
    const separator = text[10];
    if ((separator !== 'T' && separator !== 't' && separator !== ' ') || text[13] !== ':') return undefined;
    hour = digits(text, 11, 2);
    minute = digits(text, 14, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
    let i = 16;
    if (text[i] === ':') {
      second = digits(text, i + 1, 2);
      if (second < 0 || second > 59) return undefined;
      i += 3;
      if (text[i] === '.') {
        let end = i + 1;
        while (end < n && end - i <= 9 && digits(text, end, 1) >= 0) end++;
        if (end === i + 1) return undefined;
        ms = Number(text.slice(i + 1, Math.min(end, i + 4)).padEnd(3, '0'));
        i = end;
      }
    }
    if (i < n) {
      const parsed = parseOffset(text.slice(i));
      if (parsed === undefined) return undefined;
      offset = parsed;
    }
  }
  let time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear puts them back.
  if (year < 100) time = new Date(time).setUTCFullYear(year);
  return time - offset;
}

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

const OFFSET = /^[+-](\d{2}):?(\d{2})?$/;

/** `Z` or `±HH[:MM]` → ms east of UTC; undefined when malformed or out of range. */
function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
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
