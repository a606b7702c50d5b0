// What every keyword, operator and duration means, in one table: hover shows it (hover.ts) and
// completion attaches it to keyword items. The text follows LANGUAGE.md (§ numbers in brackets)
// and grammar/README.md; `satisfies Record<Keyword, …>` makes a keyword without an entry a
// compile error, so a new keyword cannot ship undocumented. Event and math functions that are
// keywords (`count`, `any`, `none`, `sum`, `days_since`, `max`) are here too; the other math
// functions are documented in @mql/artifact's MATH_FUNCTION_INFO.

import type { Keyword } from '../syntax/lexer.js';

export interface WordDoc {
  /** How the word is written in context, shown as code. */
  usage: string;
  /** What it means, in a sentence or two (markdown). */
  doc: string;
}

export const KEYWORD_DOCS = {
  lead: { usage: 'lead { email: email  title?: string }', doc: 'The lead schema: the fields of a lead record (one per program). In an expression, `lead.x` always means the lead field `x`, even where an event attribute or a declaration has the same name.' },
  event: { usage: 'event page_view { url: string }', doc: 'An event type and its attributes; every event also has `at`, the date it happened. In a test, `event NAME { … } at DATE` (or `3d ago`) adds an event to the test lead.' },
  list: { usage: 'list freemail = ["gmail.com", "yahoo.com"]', doc: 'A named list of strings or numbers, used with `in`: `email.domain in freemail`. As a field type, `list of T` is a list value.' },
  segment: { usage: 'segment decision_maker = seniority in ["director", "vp"]', doc: 'A named condition (true or false), reusable in scores, grades, stages and other segments.' },
  score: { usage: 'score fit { "Label": +10 when CONDITION }', doc: 'A number: the sum of its rules\' points (`+N when …`, `+N per EVENT …`), clamped to `range`; or `score NAME = EXPR`, computed from other scores. A score is never missing: no firing rule gives 0.' },
  grade: { usage: 'grade profile { A when fit >= 45  else D }', doc: 'Labels a lead by the first band whose condition holds; `else` gives the label when none does. In expressions a grade is its label: `profile == "A"`.' },
  stage: { usage: 'stage MQL "Title" after PREVIOUS { require …  reject … }', doc: 'A funnel stage. A lead qualifies when its `after` stage qualifies, every `require` holds and no `reject` holds; the lead\'s stage is the last qualifying stage in program order. In a test, `expect stage NAME` (or `none`).' },
  test: { usage: 'test "description" { lead { … }  expect stage MQL }', doc: 'An example lead with expectations, run by `mql test` and by the editor\'s ▶ Run test lens.' },
  import: { usage: 'import "./lead.mql"', doc: 'Makes the declarations of another file part of this program. The path is relative to this file and stays inside the project folder; import cycles are an error.' },
  when: { usage: '+15 when CONDITION', doc: 'In a score rule: the points count when the condition holds, else 0. In a grade band: the label applies when the condition holds.' },
  per: { usage: '+5 per page_view within 30d where url contains "/pricing" max 15', doc: 'A score rule whose points count once per matching event (decayed by the score\'s `half-life`, if any); `max` caps the total.' },
  within: { usage: 'page_view within 30d   ·   created within 7d', doc: 'Keeps the events of the last DURATION before `now` (`at` in `[now - DURATION, now]`); on a date, holds when the date lies in that window.' },
  where: { usage: 'page_view where url contains "/pricing"', doc: 'Keeps the events whose attributes satisfy the condition; inside it an attribute shadows a lead field of the same name (`lead.x` is the field).' },
  max: { usage: '+5 per download max 30   ·   max(a, b)', doc: 'After a rule: caps the absolute value of its contribution (`-10 per bounce max 30` is at least -30). Followed by `(`: the larger of its arguments.' },
  range: { usage: 'range 0 to 100', doc: 'In a score: clamps the sum of the rules to the range (no rounding).' },
  to: { usage: 'range 0 to 100', doc: 'Separates the bounds of a score\'s `range`.' },
  decay: { usage: 'decay half-life 30d', doc: 'In a score: each matching event\'s points in the `per` rules are multiplied by `0.5 ^ (age / half-life)`; the cap applies after decay. `when` rules are not decayed.' },
  'half-life': { usage: 'decay half-life 30d', doc: 'The age at which an event counts half (see `decay`).' },
  require: { usage: 'require "Label": CONDITION', doc: 'A stage condition that must hold for a lead to qualify.' },
  reject: { usage: 'reject "Label": CONDITION', doc: 'A hard disqualifier: when it holds, the lead does not qualify for the stage, whatever its points.' },
  after: { usage: 'stage SAL after MQL { … }', doc: 'The stage qualifies only for leads that qualify for the earlier stage; `after` links form chains (no cycles).' },
  else: { usage: 'else D', doc: 'The grade label for leads that no band matches; every grade needs one.' },
  and: { usage: 'A and B', doc: 'Holds when both hold (a missing operand counts as false).' },
  or: { usage: 'A or B', doc: 'Holds when either holds.' },
  not: { usage: 'not A   ·   x not in [...]', doc: 'Inverts a condition. A comparison with a missing value is false, so `not` of it is true.' },
  in: { usage: 'x in ["a", "b"]   ·   x in listname', doc: 'Holds when the value equals an element (strings compare case-insensitively); false when the value is missing. `not in` is its negation, also false for a missing value.' },
  contains: { usage: 'title contains "sales"   ·   tags contains "vip"', doc: 'On text: holds when the text includes the substring (case-insensitive). On a list: holds when it has an element equal to the value.' },
  starts: { usage: 'url starts with "/pricing"', doc: 'Holds when the text begins with the given text (case-insensitive).' },
  ends: { usage: 'email ends with ".edu"', doc: 'Holds when the text ends with the given text (case-insensitive).' },
  with: { usage: 'starts with "…"   ·   ends with "…"', doc: 'Part of `starts with` and `ends with`.' },
  between: { usage: 'company.employees between 200 and 5000', doc: 'Holds when the number or date lies between the bounds, both included; false when the value is missing.' },
  is: { usage: 'phone is set   ·   phone is missing', doc: 'Tests whether an optional value is present (`is set`) or absent or null (`is missing`).' },
  set: { usage: 'phone is set', doc: 'Holds when the value is present (not absent, not null).' },
  missing: { usage: 'phone is missing   ·   field?: string missing when ["Select", "N/A"]', doc: 'Holds when the value is absent or null. In a field declaration, `missing when [...]` names placeholder values that read as missing.' },
  true: { usage: 'true', doc: 'The boolean true.' },
  false: { usage: 'false', doc: 'The boolean false.' },
  now: { usage: 'now   ·   now 2026-11-01T00:00:00Z', doc: 'The evaluation time (a date). In a test, `now DATE` sets it (default 2026-01-01T00:00:00Z).' },
  ago: { usage: 'event page_view { url: "/pricing" } 3d ago', doc: 'In a test: the event happened DURATION before the test\'s `now`.' },
  at: { usage: 'event webinar { attended: true } at 2026-10-30   ·   at within 7d', doc: 'In a test: the date of an event. Inside a `where`, the event\'s own date attribute.' },
  expect: { usage: 'expect stage MQL   ·   expect fit == 45', doc: 'In a test: an expectation checked when the test runs; a failure shows expected and actual values on this line.' },
  any: { usage: 'any(webinar where attended)', doc: 'True when at least one event matches the query (events after `now` never count).' },
  none: { usage: 'none(demo_request within 90d)   ·   expect stage none', doc: 'True when no event matches the query. In a test, `expect stage none` expects the lead to reach no stage.' },
  count: { usage: 'count(page_view within 14d where url contains "/pricing")', doc: 'The number of events matching the query.' },
  sum: { usage: 'sum(purchase within 90d, amount)', doc: 'The sum of a number attribute over the matching events; events whose attribute is missing are skipped.' },
  days_since: { usage: 'days_since(demo_request)   ·   days_since(created)', doc: 'Days (fractional) since the latest matching event, missing when there is none; on a date, days since that date (negative for a date after `now`).' },
  from: { usage: 'source?: string from "Lead Source"', doc: 'The name the input data (a CSV header, a JSON key) uses for this field.' },
  of: { usage: 'tags?: list of string', doc: 'Part of the type `list of T`.' },
} as const satisfies Record<Keyword, WordDoc>;

/** Operators by their text. */
export const OPERATOR_DOCS: Record<string, WordDoc> = {
  '==': { usage: 'a == b', doc: 'Equal (strings and enum members case-insensitively). False when either side is missing.' },
  '!=': { usage: 'a != b', doc: 'Not equal. False when either side is missing (a missing value is neither equal nor unequal).' },
  '<': { usage: 'a < b', doc: 'Less than (numbers and dates). False when either side is missing. Comparisons do not chain.' },
  '<=': { usage: 'a <= b', doc: 'Less than or equal (numbers and dates). False when either side is missing.' },
  '>': { usage: 'a > b', doc: 'Greater than (numbers and dates). False when either side is missing.' },
  '>=': { usage: 'a >= b', doc: 'Greater than or equal (numbers and dates). False when either side is missing.' },
  '+': { usage: 'a + b   ·   +15 when …', doc: 'Addition (a date plus a duration is a date); missing when an operand is missing. Before rule points: the points are added.' },
  '-': { usage: 'a - b   ·   -30 when …', doc: 'Subtraction or negation (a date minus a duration is a date); missing when an operand is missing. Before rule points: the points are taken away.' },
  '*': { usage: 'a * b', doc: 'Multiplication; missing when an operand is missing or the result is not a finite number.' },
  '/': { usage: 'a / b', doc: 'Division; missing when an operand is missing or the divisor is 0.' },
  '=': { usage: 'segment NAME = …   ·   score NAME = …', doc: 'Gives a list, segment or computed score its definition.' },
  '?': { usage: 'title?: string', doc: 'The field is optional: it may be absent or null in a record (and reads as missing).' },
  '|': { usage: '"ic" | "manager" | "director"', doc: 'Separates the members of an enum type.' },
};

const UNITS: Record<string, [string, number]> = { h: ['hour', 1 / 24], d: ['day', 1], w: ['week', 7] };

/** A duration literal such as `30d`, `36h` or `1.5w`: what it stands for. */
export function durationDoc(text: string): WordDoc | undefined {
  const match = /^(\d+(?:\.\d+)?)([hdw])$/.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const [unit, days] = UNITS[match[2]!]!;
  const inDays = match[2] === 'd' ? '' : ` (${+(amount * days).toFixed(4)} day${amount * days === 1 ? '' : 's'})`;
  return {
    usage: text,
    doc: `A duration: ${match[1]} ${unit}${amount === 1 ? '' : 's'}${inDays}. Units: \`h\` hours, \`d\` days, \`w\` weeks; used with \`within\`, \`half-life\`, \`ago\` and date arithmetic.`,
  };
}
