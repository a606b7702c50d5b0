// The checker: from a loaded program to a typed program. It checks every declaration (lists,
// segments, scores, grades, stages, tests), finds cycles between segments, scores and grades and
// between stages, and collects every diagnostic with the parse and import diagnostics, sorted.

import type { Declaration, GradeDecl, ListDecl, ScoreDecl, StageDecl } from '../syntax/ast.js';
import { ExprChecker, didYouMean, isLiteral, replaceFix, withArticle, type ExprFacts } from './check-expr.js';
import { TestChecker } from './check-tests.js';
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { loadProgram, type LoadedProgram, type ParseCache, type ProgramFile, type SourceHost } from './program.js';
import { resolvePlaceholders } from './placeholders.js';
import { checkLeadKey } from './lead-key.js';
import { suggest } from './suggest.js';
import { collectSymbols, declKey, type ProgramSymbols } from './symbols.js';

export interface Analysis extends ProgramSymbols {
  entry: string;
  /** Files in program order (imports first). */
  files: ProgramFile[];
  /** Every diagnostic of the program: syntax, imports, names and types; sorted. */
  diagnostics: Diagnostic[];
  facts: ExprFacts;
}

export function analyzeProgram(entry: string, host: SourceHost, cache?: ParseCache): Analysis {
  return checkProgram(loadProgram(entry, host, cache));
}

export function checkProgram(program: LoadedProgram): Analysis {
  const symbols = collectSymbols(program.files);
  const diagnostics: Diagnostic[] = [...program.diagnostics, ...symbols.diagnostics];
  resolvePlaceholders(symbols, diagnostics);
  checkLeadKey(symbols, diagnostics);
  const exprs = new ExprChecker(symbols, diagnostics);
  const tests = new TestChecker(symbols, exprs, diagnostics);
  for (const file of program.files) {
    for (const decl of file.ast.decls) checkDeclaration(decl, file.path, symbols, exprs, tests, diagnostics);
  }
  requireLeadSchema(program, symbols, diagnostics);
  reportShadowedFields(symbols, diagnostics);
  reportDependencyCycles(symbols, exprs, diagnostics);
  checkStageChain(symbols, diagnostics);
  return { ...symbols, entry: program.entry, files: program.files, diagnostics: sortDiagnostics(diagnostics), facts: exprs.facts };
}

function checkDeclaration(
  decl: Declaration,
  file: string,
  symbols: ProgramSymbols,
  exprs: ExprChecker,
  tests: TestChecker,
  diagnostics: Diagnostic[],
): void {
  // A duplicate declaration is reported once and not checked further; its name resolves to the first.
  if ('name' in decl && decl.name && symbols.declarations.get(decl.name.name)?.decl !== decl) return;
  const owner = 'name' in decl ? decl.name?.name : undefined;
  const scope = { file, owner };
  switch (decl.kind) {
    case 'List':
      checkList(decl, file, diagnostics);
      return;
    case 'Segment':
      exprs.condition(decl.expr, scope);
      return;
    case 'Score':
      checkScore(decl, file, exprs, diagnostics);
      return;
    case 'Grade':
      checkGrade(decl, file, exprs, diagnostics);
      return;
    case 'Stage':
      for (const clause of decl.clauses) exprs.condition(clause.condition, scope);
      return;
    case 'Test':
      tests.check(decl, file);
      return;
    default:
      return;
  }
}

function checkList(decl: ListDecl, file: string, diagnostics: Diagnostic[]): void {
  const first = decl.elements[0];
  const kindOf = (e: (typeof decl.elements)[number]) => (e.kind === 'String' ? 'string' : 'number');
  for (const element of decl.elements) {
    const message = !isLiteral(element)
      ? 'a list holds literal strings or numbers only'
      : first && kindOf(element) !== kindOf(first)
        ? `every element of list \`${decl.name?.name}\` must be ${kindOf(first) === 'string' ? 'a string' : 'a number'}, like the first one`
        : undefined;
    if (message) diagnostics.push(makeDiagnostic({ code: 'MQL2023', file, span: element.span, args: { message } }));
  }
}

function checkScore(decl: ScoreDecl, file: string, exprs: ExprChecker, diagnostics: Diagnostic[]): void {
  const scope = { file, owner: decl.name?.name };
  const body = decl.body;
  if (!body) return;
  if (body.kind === 'Formula') {
    exprs.number(body.expr, scope, `score \`${decl.name?.name}\``);
    return;
  }
  const { min, max } = body.range ?? {};
  if (min && max && min.value > max.value) {
    diagnostics.push(makeDiagnostic({ code: 'MQL2026', file, span: body.range!.span, args: { min: min.value, max: max.value } }));
  }
  if (body.decay?.halfLife && body.decay.halfLife.ms <= 0) {
    diagnostics.push(makeDiagnostic({ code: 'MQL2025', file, span: body.decay.halfLife.span, args: { message: 'a half-life must be longer than zero' } }));
  }
  for (const rule of body.rules) {
    if (rule.max && rule.max.value < 0) {
      diagnostics.push(
        makeDiagnostic({ code: 'MQL2025', file, span: rule.max.span, args: { message: '`max` caps the size of a contribution and must not be negative' } }),
      );
    }
    if (rule.kind === 'WhenRule') exprs.condition(rule.condition, scope);
    else if (rule.query) exprs.query(rule.query, scope);
  }
}

function checkGrade(decl: GradeDecl, file: string, exprs: ExprChecker, diagnostics: Diagnostic[]): void {
  const scope = { file, owner: decl.name?.name };
  for (const band of decl.bands) exprs.condition(band.condition, scope);
  if (!decl.else && decl.name) {
    diagnostics.push(makeDiagnostic({ code: 'MQL2019', file, span: decl.name.span, args: { name: decl.name.name } }));
  }
}

/** A program that evaluates anything needs exactly one lead schema (LANGUAGE.md §4). */
function requireLeadSchema(program: LoadedProgram, symbols: ProgramSymbols, diagnostics: Diagnostic[]): void {
  if (symbols.lead) return;
  for (const file of program.files) {
    const needy = file.ast.decls.find((d) => ['Segment', 'Score', 'Grade', 'Stage', 'Test'].includes(d.kind));
    if (!needy) continue;
    const span = ('name' in needy && needy.name ? needy.name.span : undefined) ?? needy.span;
    const message = 'this program has no `lead { ... }` schema: declare one, or import the file that does';
    diagnostics.push(makeDiagnostic({ code: 'MQL2007', file: file.path, span, args: { message } }));
    return;
  }
}

/**
 * A list, segment, score or grade named like a lead field wins over the field in expressions
 * (grammar/README.md, name lookup); say so where it is declared, since the author may not know.
 */
function reportShadowedFields(symbols: ProgramSymbols, diagnostics: Diagnostic[]): void {
  const fields = symbols.lead?.fields;
  if (!fields) return;
  for (const info of symbols.declarations.values()) {
    const field = fields.get(info.name);
    if (!field || !['list', 'segment', 'score', 'grade'].includes(info.kind)) continue;
    diagnostics.push(
      makeDiagnostic({
        code: 'MQL2041',
        file: info.file,
        span: info.nameSpan,
        args: { kind: info.kind, name: info.name },
        related: [{ file: field.file, span: field.nameSpan, message: `the lead field \`${field.name}\` is declared here` }],
      }),
    );
  }
}

/** Segments, scores and grades must not depend on themselves (LANGUAGE.md §4). */
function reportDependencyCycles(symbols: ProgramSymbols, exprs: ExprChecker, diagnostics: Diagnostic[]): void {
  const edgesOf = (name: string) => exprs.dependencies.get(name)?.map((e) => e.name) ?? [];
  for (const cycle of findCycles([...exprs.dependencies.keys()], edgesOf)) {
    const first = symbols.declarations.get(cycle[0]!)!;
    const related = cycle.slice(1, -1).map((name) => {
      const info = symbols.declarations.get(name)!;
      return { file: info.file, span: info.nameSpan, message: `\`${name}\` is part of the cycle` };
    });
    diagnostics.push(
      makeDiagnostic({ code: 'MQL2016', file: first.file, span: first.nameSpan, args: { cycle: cycle.map((n) => `\`${n}\``).join(' → ') }, related }),
    );
  }
}

function checkStageChain(symbols: ProgramSymbols, diagnostics: Diagnostic[]): void {
  const stages = [...symbols.declarations.values()].filter((d) => d.kind === 'stage');
  const names = stages.map((s) => s.name);
  const afterOf = (name: string): string[] => {
    const after = (symbols.declarations.get(name)?.decl as StageDecl | undefined)?.after;
    return after && symbols.declarations.get(after.name)?.kind === 'stage' ? [after.name] : [];
  };
  for (const stage of stages) {
    const after = (stage.decl as StageDecl).after;
    if (!after) continue;
    const target = symbols.declarations.get(after.name);
    if (target?.kind === 'stage') {
      symbols.index.references.push({ key: declKey(after.name), file: stage.file, span: after.span });
      continue;
    }
    const guess = suggest(after.name, names.filter((n) => n !== stage.name));
    const hint = target ? ` (\`${after.name}\` is ${withArticle(target.kind)})${didYouMean(guess)}` : didYouMean(guess);
    diagnostics.push(
      makeDiagnostic({ code: 'MQL2017', file: stage.file, span: after.span, args: { name: after.name, hint }, fixes: replaceFix(stage.file, after.span, guess) }),
    );
  }
  for (const cycle of findCycles(names, afterOf)) {
    const first = symbols.declarations.get(cycle[0]!)!;
    const after = (first.decl as StageDecl).after!;
    diagnostics.push(makeDiagnostic({ code: 'MQL2018', file: first.file, span: after.span, args: { cycle: cycle.map((n) => `\`${n}\``).join(' → ') } }));
  }
}

/**
 * The cycles of a graph as paths that start and end with the same node, found depth first in
 * `nodes` order; cycles through nodes that are all part of an earlier cycle are left out.
 */
export function findCycles(nodes: readonly string[], edgesOf: (node: string) => readonly string[]): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of new Set(edgesOf(node))) {
      if (state.get(next) === 'active') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of nodes) if (!state.has(node)) visit(node);
  // A cycle whose every node is already in a reported one adds nothing for the author.
  const reported = new Set<string>();
  return cycles.filter((cycle) => {
    if (cycle.every((node) => reported.has(node))) return false;
    for (const node of cycle) reported.add(node);
    return true;
  });
}

