// Lints: warnings about programs that are valid but probably not what the author meant (3xxx
// codes, documented in grammar/README.md "Lints"). Errors stay errors; lints only run where the
// checker found none, so they never pile onto a broken declaration:
//   - unused lists and segments (MQL3001) only when the whole program is error-free,
//     because a declaration with an error may hide the only reference;
//   - every other lint per declaration, skipping declarations that contain an error.
// A `// mql-ignore CODE` comment silences a lint on its line or on the next line of code below it;
// `mql.config.json` (config.ts) turns lints off or changes their severity.

import type { Declaration, ScoreDecl, Span, StageDecl } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import { lintCodeOf, lintSettings, type LintCode, type MqlConfig } from '../config.js';
import { hasErrors, makeDiagnostic, sortDiagnostics, uniqueDiagnostics, type Diagnostic } from '../diagnostics.js';
import { BoundsCalculator } from './lint-bounds.js';
import { ConditionLinter } from './lint-conditions.js';
import { outcomeReads } from './lint-outcome.js';
import type { ProgramFile } from '../check/program.js';
import { declKey, type SymbolReference } from '../check/symbols.js';

/** Messages quote source text; longer snippets are cut. */
const QUOTE_LIMIT = 60;

/** The lints of an analysed program, with `// mql-ignore` comments and the config applied; sorted. */
export function lintProgram(analysis: Analysis, config?: MqlConfig): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (!hasErrors(analysis.diagnostics)) found.push(...unusedDeclarations(analysis));
  if (config?.backtest?.outcome !== undefined) found.push(...outcomeReads(analysis, config.backtest.outcome));
  const bounds = new BoundsCalculator(analysis);
  for (const file of analysis.files) {
    const errorSpans = analysis.diagnostics.filter((d) => d.severity === 'error' && d.file === file.path).map((d) => d.span);
    for (const decl of file.ast.decls) {
      if (!isPrimary(analysis, decl) || errorSpans.some((span) => overlaps(span, decl.span))) continue;
      lintDeclaration(analysis, file, decl, bounds, found);
    }
  }
  return sortDiagnostics(applySettings(withoutIgnored(found, analysis.files), config));
}

/**
 * The lints of several programs that may share files, each reported once. A program whose entry
 * another one imports is linted as part of that one rather than on its own, so a list declared in
 * a shared file and used by its importer is not "unused"; a declaration in a file shared by several
 * programs is reported unused (MQL3001) only when none of them uses it. `configFor` gives the
 * settings of a program by its entry file (the CLI and the language server find mql.config.json).
 */
export function lintPrograms(analyses: readonly Analysis[], configFor: (entry: string) => MqlConfig | undefined = () => undefined): Diagnostic[] {
  const imported = new Set(analyses.flatMap((a) => a.files.map((f) => f.path).filter((p) => p !== a.entry)));
  const roots = analyses.filter((a) => !imported.has(a.entry));
  const programs = (roots.length > 0 ? roots : analyses).map((analysis) => ({
    files: new Set(analysis.files.map((f) => f.path)),
    lints: lintProgram(analysis, configFor(analysis.entry)),
  }));
  const key = (d: Diagnostic) => `${d.file}\0${d.span.start}\0${d.code}`;
  const unusedIn = new Map<string, number>();
  for (const program of programs) for (const d of program.lints) if (d.code === 'MQL3001') unusedIn.set(key(d), (unusedIn.get(key(d)) ?? 0) + 1);
  // An "unused" report stands only when every program that includes the file reports it.
  const usedSomewhere = (d: Diagnostic) => d.code === 'MQL3001' && unusedIn.get(key(d)) !== programs.filter((p) => p.files.has(d.file)).length;
  return uniqueDiagnostics(programs.flatMap((program) => program.lints.filter((d) => !usedSomewhere(d))));
}

function isPrimary(analysis: Analysis, decl: Declaration): boolean {
  if (!('name' in decl) || !decl.name) return decl.kind === 'Test' || decl.kind === 'Lead' || decl.kind === 'Import';
  return analysis.declarations.get(decl.name.name)?.decl === decl;
}

function overlaps(a: Span, b: Span): boolean {
  return (a.start < b.end && b.start < a.end) || (a.start === a.end && a.start >= b.start && a.start <= b.end);
}

function lintDeclaration(analysis: Analysis, file: ProgramFile, decl: Declaration, bounds: BoundsCalculator, out: Diagnostic[]): void {
  const text = (span: Span) => quote(file.text, span);
  const conditions = new ConditionLinter(analysis, file.path, text, out, bounds);
  switch (decl.kind) {
    case 'Segment':
      if (decl.expr) conditions.condition(decl.expr, 'other');
      return;
    case 'Score':
      lintScore(decl, file, conditions, out);
      return;
    case 'Grade':
      for (const band of decl.bands) if (band.condition) conditions.condition(band.condition, 'band');
      conditions.grade(decl);
      return;
    case 'Stage':
      for (const clause of decl.clauses) if (clause.condition) conditions.condition(clause.condition, 'other');
      lintStageRequirements(decl, file, out);
      return;
    default:
      return;
  }
}

function lintScore(decl: ScoreDecl, file: ProgramFile, conditions: ConditionLinter, out: Diagnostic[]): void {
  const body = decl.body;
  if (!body) return;
  if (body.kind === 'Formula') {
    if (body.expr) conditions.condition(body.expr, 'other');
    return;
  }
  for (const rule of body.rules) {
    if (rule.kind === 'WhenRule' && rule.condition) conditions.condition(rule.condition, 'other');
    if (rule.kind === 'PerRule' && rule.query?.where) conditions.condition(rule.query.where, 'other');
    // A score without `range` and a `per` rule without `max` grows with every event (MQL3006).
    if (rule.kind === 'PerRule' && !rule.max && !body.range && (rule.points?.value ?? 0) !== 0) {
      const direction = (rule.points?.value ?? 0) > 0 ? 'grow' : 'fall';
      const args = { text: quote(file.text, rule.span), score: decl.name!.name, direction };
      out.push(makeDiagnostic({ code: 'MQL3006', file: file.path, span: rule.span, args }));
    }
  }
}

function lintStageRequirements(decl: StageDecl, file: ProgramFile, out: Diagnostic[]): void {
  if (decl.clauses.some((c) => c.kind === 'require')) return;
  const reaching = decl.after ? ` that qualifies for \`${decl.after.name}\`` : '';
  out.push(makeDiagnostic({ code: 'MQL3005', file: file.path, span: decl.name!.span, args: { name: decl.name!.name, reaching } }));
}

/** MQL3001: a list or segment that no expression, stage, grade, field or test refers to. */
function unusedDeclarations(analysis: Analysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  // References grouped by key once: a program has thousands of declarations and references.
  const referencesByKey = new Map<string, SymbolReference[]>();
  for (const ref of analysis.index.references) {
    const group = referencesByKey.get(ref.key);
    if (group) group.push(ref);
    else referencesByKey.set(ref.key, [ref]);
  }
  for (const info of analysis.declarations.values()) {
    // Scores and grades are results in their own right (every one is in each lead's output), so
    // one that nothing refers to is not dead code; only lists and segments are.
    if (info.kind !== 'list' && info.kind !== 'segment') continue;
    const own = info.decl.span;
    const used = (referencesByKey.get(declKey(info.name)) ?? []).some(
      (ref) => !(ref.file === info.file && ref.span.start >= own.start && ref.span.end <= own.end),
    );
    if (!used) {
      const file = analysis.files.find((f) => f.path === info.file);
      const fixes = file ? [{ title: `Remove the unused ${info.kind} \`${info.name}\``, edits: [{ file: info.file, span: wholeLines(file.text, own), newText: '' }] }] : [];
      out.push(makeDiagnostic({ code: 'MQL3001', file: info.file, span: info.nameSpan, args: { kind: info.kind, name: info.name }, fixes }));
    }
  }
  return out;
}

/**
 * What removing a declaration removes: its whole lines, the `///` documentation lines just above
 * it, and one blank line after it when one is also before it (so no double gap is left). A line
 * it shares with other code is kept, and only the declaration's own text goes.
 */
function wholeLines(text: string, span: Span): Span {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  const lineEnd = text.indexOf('\n', span.end);
  const end = lineEnd < 0 ? text.length : lineEnd + 1;
  if (text.slice(lineStart, span.start).trim() !== '' || text.slice(span.end, end).trim() !== '') return span;
  let start = lineStart;
  for (;;) {
    const previous = text.lastIndexOf('\n', start - 2) + 1;
    if (start === 0 || !text.slice(previous, start).trimStart().startsWith('///')) break;
    start = previous;
  }
  const blankBefore = start === 0 || text.slice(text.lastIndexOf('\n', start - 2) + 1, start).trim() === '';
  const nextEnd = text.indexOf('\n', end);
  const blankAfter = end < text.length && text.slice(end, nextEnd < 0 ? text.length : nextEnd + 1).trim() === '';
  return { start, end: blankBefore && blankAfter ? (nextEnd < 0 ? text.length : nextEnd + 1) : end };
}

/** Source text of a span with white space folded, cut to a readable length. */
function quote(text: string, span: Span): string {
  const folded = text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  return folded.length > QUOTE_LIMIT ? `${folded.slice(0, QUOTE_LIMIT - 1)}…` : folded;
}

// ---------------------------------------------------------------------------------------------
// Silencing and severities

const IGNORE_DIRECTIVE = 'mql-ignore';
const ALL = '*';

/**
 * Lines silenced by `// mql-ignore [CODE|name ...]` comments: a comment after code silences its
 * own line; a comment on a line of its own silences the next line that is not a comment.
 */
export function ignoredLines(file: ProgramFile): Map<number, Set<string>> {
  const silenced = new Map<number, Set<string>>();
  const commentLines = new Set(file.comments.filter((c) => onlyWhitespaceBefore(file, c.span.start)).map((c) => file.lines.position(c.span.start).line));
  for (const comment of file.comments) {
    if (comment.kind !== 'line') continue;
    const body = comment.text.trim();
    if (body !== IGNORE_DIRECTIVE && !body.startsWith(`${IGNORE_DIRECTIVE} `)) continue;
    const words = body.slice(IGNORE_DIRECTIVE.length).split(/[\s,]+/).filter((w) => w !== '');
    const codes = words.length === 0 ? [ALL] : words.flatMap((w) => lintCodeOf(w) ?? []);
    let line = file.lines.position(comment.span.start).line;
    if (onlyWhitespaceBefore(file, comment.span.start)) {
      line++;
      while (commentLines.has(line)) line++;
    }
    const set = silenced.get(line) ?? new Set<string>();
    for (const code of codes) set.add(code);
    silenced.set(line, set);
  }
  return silenced;
}

function onlyWhitespaceBefore(file: ProgramFile, offset: number): boolean {
  const { line } = file.lines.position(offset);
  return file.text.slice(file.lines.offset(line, 0), offset).trim() === '';
}

function withoutIgnored(diagnostics: readonly Diagnostic[], files: readonly ProgramFile[]): Diagnostic[] {
  const byFile = new Map(files.map((f) => [f.path, f]));
  const cache = new Map<string, Map<number, Set<string>>>();
  return diagnostics.filter((d) => {
    const file = byFile.get(d.file);
    if (!file) return true;
    let lines = cache.get(d.file);
    if (!lines) cache.set(d.file, (lines = ignoredLines(file)));
    const codes = lines.get(file.lines.position(d.span.start).line);
    return !(codes && (codes.has(ALL) || codes.has(d.code)));
  });
}

function applySettings(diagnostics: readonly Diagnostic[], config: MqlConfig | undefined): Diagnostic[] {
  const settings = lintSettings(config);
  return diagnostics.flatMap((d) => {
    const setting = settings.get(d.code as LintCode);
    if (setting === 'off') return [];
    return setting ? [{ ...d, severity: setting }] : [d];
  });
}

