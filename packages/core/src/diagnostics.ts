// Diagnostics are data: a stable code, a severity, a message made from the code's one template,
// a span, related locations and fixes whose edits carry the replacement text.
//
// Codes: 1xxx syntax, 2xxx names and types, 3xxx lints (warnings). Tests, quick fixes and docs
// refer to codes, never to message text.

import type { Span } from './syntax/ast.js';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  file: string;
  span: Span;
  message: string;
}

export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  related: RelatedLocation[];
  fixes: Fix[];
}

/** Every code with its default severity and message template; `{name}` placeholders are filled from args. */
export const DIAGNOSTIC_CODES = {
  // 1xxx: lexical and syntax errors
  MQL1001: { severity: 'error', template: 'unexpected character {text}' },
  MQL1002: { severity: 'error', template: 'unterminated string: a string must end on the line it starts' },
  MQL1003: { severity: 'error', template: 'invalid escape sequence {text} in string' },
  MQL1004: { severity: 'error', template: '{message}' },
  MQL1005: { severity: 'error', template: 'comparisons do not chain: write `a < b and b < c`' },
  MQL1006: { severity: 'error', template: 'invalid date {text}' },
  MQL1007: { severity: 'error', template: 'unterminated block comment' },
  MQL1008: { severity: 'error', template: 'nesting deeper than {limit} levels; the rest of the file was not parsed' },
  MQL1009: { severity: 'error', template: 'rule points need a sign: write `+{text}` or `-{text}`' },
  MQL1010: { severity: 'error', template: 'number {text} is too large: numbers must stay below about 1.8e308' },
  // Numbered apart from the others so branches adding codes at the same time do not collide.
  MQL1020: {
    severity: 'error',
    template: 'rule points are a signed number such as `+10`; for points computed from a value, write a formula score (`score NAME = min(x / 100, 20)`) and add it where it counts',
  },

  // 2xxx: names, imports and types
  MQL2001: { severity: 'error', template: 'unknown name `{name}`{hint}' },
  MQL2002: { severity: 'error', template: '{owner} has no field `{name}`{hint}' },
  MQL2003: { severity: 'error', template: '`{name}` is declared more than once' },
  MQL2004: { severity: 'error', template: 'field `{name}` is declared more than once in {owner}' },
  MQL2005: { severity: 'error', template: 'cannot find imported file `{path}`' },
  MQL2006: { severity: 'error', template: 'import cycle: {cycle}' },
  MQL2007: { severity: 'error', template: '{message}' },
  MQL2008: { severity: 'error', template: 'unknown type `{name}`{hint}' },
  MQL2009: { severity: 'error', template: '"{value}" is not a member of {type}{hint}' },
  MQL2010: { severity: 'error', template: '{message}' },
  MQL2011: { severity: 'error', template: 'a condition must be a boolean, but this is {type}' },
  MQL2012: { severity: 'error', template: 'unknown event type `{name}`{hint}' },
  MQL2013: { severity: 'error', template: 'event `{event}` has no attribute `{name}`{hint}' },
  MQL2014: { severity: 'error', template: '`within` needs a date, but this is {type}' },
  MQL2015: { severity: 'error', template: '`sum` needs a number attribute, but `{name}` is {type}' },
  MQL2016: { severity: 'error', template: 'cycle between declarations: {cycle}' },
  MQL2017: { severity: 'error', template: 'unknown stage `{name}`{hint}' },
  MQL2018: { severity: 'error', template: 'stages form a cycle through `after`: {cycle}' },
  MQL2019: { severity: 'error', template: 'grade `{name}` needs an `else` band: every lead must get a label' },
  MQL2020: { severity: 'error', template: 'the test lead has no field `{name}`{hint}' },
  MQL2021: { severity: 'error', template: '{path} must be {expected}, but this is {actual}' },
  MQL2022: { severity: 'error', template: 'the test {owner} is missing the required field `{name}`' },
  MQL2023: { severity: 'error', template: '{message}' },
  MQL2024: { severity: 'error', template: '`{name}` is {what} and cannot be used {where}' },
  MQL2025: { severity: 'error', template: '{message}' },
  MQL2026: { severity: 'error', template: 'range lower bound {min} is greater than upper bound {max}' },
  MQL2027: { severity: 'error', template: 'expression nested deeper than {limit} levels: split it into named segments or scores' },
  MQL2028: { severity: 'error', template: '`__proto__` cannot name {what}: JavaScript reads it as the object prototype, so results and records would lose it' },
  MQL2029: { severity: 'error', template: 'cannot read `{path}`: {reason}' },
  // Numbered apart from the others so branches adding codes at the same time do not collide.
  MQL2040: { severity: 'error', template: 'unknown function `{name}`: the functions are {functions}{hint}' },
  MQL2041: {
    severity: 'warning',
    template: '{kind} `{name}` has the same name as the lead field `{name}` and shadows it: in expressions `{name}` means the {kind}; write `lead.{name}` for the field',
  },
  MQL2050: { severity: 'error', template: '`{name}` is marked `key` too, but the lead has one key field: `{first}` is already its key' },
  MQL2051: { severity: 'error', template: '`key` marks the lead\'s id, so it goes on {expected}, but `{path}` is {actual}' },

  // 3xxx: lints (lint.ts); warnings by default, severities configurable in mql.config.json
  MQL3001: { severity: 'warning', template: '{kind} `{name}` is never used' },
  MQL3002: { severity: 'warning', template: 'grade band `{label}` can never be chosen: {reason}' },
  MQL3003: { severity: 'warning', template: '`{text}` can never hold: {reason}' },
  MQL3004: { severity: 'warning', template: '`{text}` always holds{when}: {reason}' },
  MQL3005: { severity: 'warning', template: 'stage `{name}` has no `require`: every lead{reaching} qualifies unless a `reject` holds' },
  MQL3006: { severity: 'warning', template: '`{text}` has no `max` and score `{score}` has no `range`: the score can {direction} without bound' },
  MQL3007: { severity: 'warning', template: 'no lead can reach `{text}`: {reason}' },
  MQL3008: { severity: 'warning', template: '`{path}` is read from "{column}", the outcome column of `mql backtest` (mql.config.json `backtest.outcome`): rules that read the outcome see the answer, and a backtest of them measures the leak' },
  // 4xxx: results of running the program (the editor shows failed tests where they failed).
  MQL4001: { severity: 'error', template: 'test "{test}" failed: expected {expected}, got {actual}' },
  MQL4002: { severity: 'error', template: 'test "{test}": the test lead is not a valid record: {reason}' },
} as const satisfies Record<string, { severity: Severity; template: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES | `MQL3${string}`;

export type MessageArgs = Record<string, string | number>;

/** Fills a code's template. Unknown placeholders are left visible so a missing argument shows up in tests. */
export function formatMessage(template: string, args: MessageArgs): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in args ? String(args[key]) : whole));
}

export interface DiagnosticInit {
  code: keyof typeof DIAGNOSTIC_CODES;
  file: string;
  span: Span;
  args?: MessageArgs;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

export function makeDiagnostic(init: DiagnosticInit): Diagnostic {
  const entry = DIAGNOSTIC_CODES[init.code];
  return {
    code: init.code,
    severity: entry.severity,
    message: formatMessage(entry.template, init.args ?? {}),
    file: init.file,
    span: init.span,
    related: init.related ?? [],
    fixes: init.fixes ?? [],
  };
}

/** Stable order for reporting: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      a.span.end - b.span.end ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** Diagnostics of several programs that share files, each reported once. */
export function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\0${d.span.start}\0${d.span.end}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
