// The one model every machine-readable `mql check` format is made from: diagnostics with file
// paths relative to the working directory and 1-based line/column ranges. The JSON format prints it
// as it is (its shape is documented in formats/README.md); SARIF and GitHub annotations translate it.
//
// Columns count UTF-16 code units, like the spans and like SARIF's default `columnKind`. A range's
// end is exclusive: `end.column` is the column just after the last character (SARIF's convention),
// so an empty range (an insertion point) has start == end.

import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type LineMap, type Severity, type Span } from '@mql/core';
import { displayPath } from '../host.js';
import { countBySeverity } from '../report.js';

/** Bumped only when a field changes meaning or goes away; new fields may appear in any version. */
export const CHECK_REPORT_VERSION = 1;

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ReportedDiagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  related: { file: string; range: Range; message: string }[];
  fixes: { title: string; edits: { file: string; range: Range; newText: string }[] }[];
}

export interface CheckReport {
  version: typeof CHECK_REPORT_VERSION;
  /** Every file checked as an entry, relative to the working directory. */
  files: string[];
  diagnostics: ReportedDiagnostic[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

export interface CheckReportInput {
  files: readonly string[];
  diagnostics: readonly Diagnostic[];
  lineMapOf(file: string): LineMap | undefined;
}

export function checkReport(input: CheckReportInput, showPath: (file: string) => string = displayPath): CheckReport {
  const rangeOf = (file: string, span: Span): Range => toRange(input.lineMapOf(file), span);
  const diagnostics = input.diagnostics.map(
    (d): ReportedDiagnostic => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: showPath(d.file),
      range: rangeOf(d.file, d.span),
      related: d.related.map((r) => ({ file: showPath(r.file), range: rangeOf(r.file, r.span), message: r.message })),
      fixes: d.fixes.map((fix) => ({
        title: fix.title,
        edits: fix.edits.map((e) => ({ file: showPath(e.file), range: rangeOf(e.file, e.span), newText: e.newText })),
      })),
    }),
  );
  const { errors, warnings } = countBySeverity(input.diagnostics);
  const infos = input.diagnostics.length - errors - warnings;
  return {
    version: CHECK_REPORT_VERSION,
    files: input.files.map(showPath),
    diagnostics,
    summary: { files: input.files.length, errors, warnings, infos },
  };
}

/** Without the file's text (it could not be read) a diagnostic points at its first character. */
function toRange(lines: LineMap | undefined, span: Span): Range {
  if (!lines) return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  const start = lines.position(span.start);
  const end = lines.position(span.end);
  return { start: { line: start.line + 1, column: start.column + 1 }, end: { line: end.line + 1, column: end.column + 1 } };
}

/** The code's default severity, or undefined for a code this version does not know. */
export function defaultSeverityOf(code: DiagnosticCode): Severity | undefined {
  return (DIAGNOSTIC_CODES as Record<string, { severity: Severity } | undefined>)[code]?.severity;
}

/**
 * A one-line description of a code for rule lists (SARIF `shortDescription`), from its message
 * template: placeholders become `<name>`, optional suffixes (`{hint}`, ...) are dropped, and a
 * template that is all placeholder gets its family's name.
 */
export function describeCode(code: DiagnosticCode): string {
  const template = (DIAGNOSTIC_CODES as Record<string, { template: string } | undefined>)[code]?.template;
  const family = code.startsWith('MQL1') ? 'syntax error' : code.startsWith('MQL2') ? 'name, type or declaration error' : 'lint';
  if (template === undefined || /^\{\w+\}$/.test(template)) return family;
  return template.replace(/\{(hint|when|reaching)\}/g, '').replace(/\{(\w+)\}/g, '<$1>');
}
