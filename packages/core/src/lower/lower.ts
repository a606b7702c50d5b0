// The compiler's last stage: a checked program without errors → one versioned JSON rules artifact.
// Names are resolved, lists inlined, `and`/`or` chains flattened, parentheses dropped; every rule,
// requirement and test keeps its label, doc comment and source location. The output depends only
// on the sources, so the same program always compiles to byte-identical JSON.

import { createHash } from 'node:crypto';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  type EventQuery as ArtifactQuery,
  type Expr as ArtifactExpr,
  type FieldSpec,
  type FieldType,
  type MathFunction,
  type RulesArtifact,
  type Score,
  type ScoreRule,
  type SourceLocation,
  type StageClause,
  type TestCase,
} from '@mql/artifact';
import type { CallExpr, EventQuery, Expr, GradeDecl, LiteralValue, ListDecl, ScoreDecl, Span, StageDecl, TestDecl } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import { hasErrors } from '../diagnostics.js';
import { dirname, relativePath } from '../check/paths.js';
import type { ProgramFile } from '../check/program.js';
import type { FieldInfo, Type } from '../check/types.js';
import { keyField } from '../check/lead-key.js';

/** The evaluation time of a test without `now` (LANGUAGE.md §8). */
export const DEFAULT_TEST_NOW = Date.UTC(2026, 0, 1);

export interface CompileOptions {
  /** Leave out the `tests` section (applications do not need it). */
  omitTests?: boolean;
}

/** Compiles an analysed program; undefined when the analysis has errors. */
export function compileAnalysis(analysis: Analysis, options: CompileOptions = {}): RulesArtifact | undefined {
  if (hasErrors(analysis.diagnostics) || !analysis.lead) return undefined;
  return new Lowering(analysis).artifact(options);
}

/** `lead.key`: the name of the field marked `key`, when there is one. */
function keyOf(fields: ReadonlyMap<string, FieldInfo>): { key?: string } {
  const field = keyField(fields);
  return field ? { key: field.name } : {};
}

/** Serialises an artifact the one canonical way (two-space indentation, trailing newline). */
export function serializeArtifact(artifact: RulesArtifact): string {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

class Lowering {
  private readonly entryDir: string;
  private readonly fileByPath: Map<string, ProgramFile>;

  /** Each file's path relative to the entry's folder, computed once (every location names one). */
  private readonly displayPaths: Map<string, string>;

  constructor(private readonly analysis: Analysis) {
    this.entryDir = dirname(analysis.entry);
    this.fileByPath = new Map(analysis.files.map((f) => [f.path, f]));
    this.displayPaths = new Map(analysis.files.map((f) => [f.path, relativePath(this.entryDir, f.path)]));
  }

  artifact(options: CompileOptions): RulesArtifact {
    const decls = this.analysis.files.flatMap((file) => file.ast.decls.map((decl) => ({ decl, file: file.path })));
    const own = <K extends string>(kind: K) =>
      decls.filter((d): d is { decl: Extract<typeof d.decl, { kind: K }>; file: string } => d.decl.kind === kind && this.isPrimary(d.decl));
    const lead = this.analysis.lead!;
    return {
      format: ARTIFACT_FORMAT,
      version: ARTIFACT_VERSION,
      source: this.source(),
      lead: { fields: this.fields(lead.fields), ...keyOf(lead.fields), ...docOf(lead.decl.doc) },
      events: [...this.analysis.events.values()].map((event) => ({
        name: event.name,
        fields: this.fields(event.fields),
        ...docOf(event.decl.doc),
        loc: this.loc(event.file, event.decl.span),
      })),
      lists: own('List').map(({ decl, file }) => ({
        name: decl.name!.name,
        values: listValues(decl),
        ...docOf(decl.doc),
        loc: this.loc(file, decl.span),
      })),
      segments: own('Segment').map(({ decl, file }) => ({
        name: decl.name!.name,
        expr: this.expr(decl.expr!, file),
        text: this.text(file, decl.expr!.span),
        ...docOf(decl.doc),
        loc: this.loc(file, decl.span),
      })),
      scores: own('Score').map(({ decl, file }) => this.score(decl, file)),
      grades: own('Grade').map(({ decl, file }) => this.grade(decl, file)),
      stages: own('Stage').map(({ decl, file }) => this.stage(decl, file)),
      tests: options.omitTests ? [] : own('Test').map(({ decl, file }) => this.test(decl, file)),
    };
  }

  /** Only the first of duplicate declarations is in the namespace (duplicates are errors anyway). */
  private isPrimary(decl: { kind: string; name?: { name: string } }): boolean {
    if (decl.kind === 'Test') return true;
    return this.analysis.declarations.get(decl.name?.name ?? '')?.decl === decl;
  }

  private source(): RulesArtifact['source'] {
    const hash = createHash('sha256');
    const files = this.analysis.files.map((file) => {
      const path = this.displayPaths.get(file.path)!;
      hash.update(`${path}\0${file.text}\0`);
      return path;
    });
    return { entry: relativePath(this.entryDir, this.analysis.entry), files, hash: `sha256:${hash.digest('hex')}` };
  }

  // -------------------------------------------------------------------------------------------
  // Schema

  private fields(fields: Map<string, FieldInfo>): FieldSpec[] {
    return [...fields.values()].map((field) => ({
      name: field.name,
      ...(field.from !== undefined ? { from: field.from } : {}),
      ...(field.placeholders?.length ? { placeholders: field.placeholders } : {}),
      optional: field.optional,
      type: this.fieldType(field.type),
      ...docOf(field.doc),
    }));
  }

  private fieldType(type: Type): FieldType {
    switch (type.kind) {
      case 'enum':
        return { kind: 'enum', members: type.members };
      case 'object':
        return { kind: 'object', fields: this.fields(type.fields) };
      case 'list':
        return { kind: 'list', element: this.fieldType(type.element) };
      case 'string':
      case 'email':
      case 'number':
      case 'bool':
      case 'date':
        return { kind: type.kind };
      default:
        throw new Error(`internal: field type ${type.kind} in a checked program`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Declarations

  private score(decl: ScoreDecl, file: string): Score {
    const body = decl.body!;
    const common = { name: decl.name!.name, ...docOf(decl.doc), loc: this.loc(file, decl.span) };
    if (body.kind === 'Formula') {
      return { kind: 'formula', ...common, expr: this.expr(body.expr!, file), text: this.text(file, body.expr!.span) };
    }
    const { name, ...rest } = common;
    return {
      kind: 'rules',
      name,
      ...(body.range ? { range: { min: body.range.min!.value, max: body.range.max!.value } } : {}),
      ...(body.decay ? { halfLifeMs: body.decay.halfLife!.ms } : {}),
      rules: body.rules.map((rule): ScoreRule => {
        const shared = {
          label: rule.label?.value ?? this.text(file, rule.span),
          labelled: rule.label !== undefined,
          points: rule.points!.value,
          ...(rule.max ? { max: rule.max.value } : {}),
          ...docOf(rule.doc),
          loc: this.loc(file, rule.span),
        };
        return rule.kind === 'WhenRule'
          ? { kind: 'when', ...shared, when: this.expr(rule.condition!, file) }
          : { kind: 'per', ...shared, query: this.query(rule.query!, file) };
      }),
      ...rest,
    };
  }

  private grade(decl: GradeDecl, file: string): RulesArtifact['grades'][number] {
    return {
      name: decl.name!.name,
      bands: decl.bands.map((band) => ({
        label: band.label.value,
        when: this.expr(band.condition!, file),
        text: this.text(file, band.condition!.span),
        loc: this.loc(file, band.span),
      })),
      else: decl.else!.label!.value,
      ...docOf(decl.doc),
      loc: this.loc(file, decl.span),
    };
  }

  private stage(decl: StageDecl, file: string): RulesArtifact['stages'][number] {
    const clauses = (kind: 'require' | 'reject'): StageClause[] =>
      decl.clauses
        .filter((c) => c.kind === kind)
        .map((clause) => ({
          label: clause.label?.value ?? this.text(file, clause.condition!.span),
          labelled: clause.label !== undefined,
          when: this.expr(clause.condition!, file),
          text: this.text(file, clause.condition!.span),
          ...docOf(clause.doc),
          loc: this.loc(file, clause.span),
        }));
    return {
      name: decl.name!.name,
      ...(decl.title ? { title: decl.title.value } : {}),
      ...(decl.after ? { after: decl.after.name } : {}),
      requirements: clauses('require'),
      rejections: clauses('reject'),
      ...docOf(decl.doc),
      loc: this.loc(file, decl.span),
    };
  }

  private test(decl: TestDecl, file: string): TestCase {
    const now = decl.now?.ms ?? DEFAULT_TEST_NOW;
    const lead = this.analysis.lead!;
    const record = recordFromLiteral(decl.leads[0]!, lead.fields);
    record.events = decl.events.map((event) => {
      const info = this.analysis.events.get(event.type!.name)!;
      const at = event.at!.kind === 'At' ? event.at!.date!.ms : now - event.at!.duration!.ms;
      return { type: info.name, at: new Date(at).toISOString(), ...(event.attributes ? recordFromLiteral(event.attributes, info.fields) : {}) };
    });
    return {
      description: decl.description?.value ?? '',
      now,
      record,
      expectations: decl.expects.map((expectation) =>
        expectation.kind === 'ExpectStage'
          ? { kind: 'stage' as const, stage: expectation.none ? null : expectation.stage!.name, loc: this.loc(file, expectation.span) }
          : {
              kind: 'condition' as const,
              expr: this.expr(expectation.condition!, file),
              text: this.text(file, expectation.condition!.span),
              loc: this.loc(file, expectation.span),
            },
      ),
      loc: this.loc(file, decl.span),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private query(query: EventQuery, file: string): ArtifactQuery {
    return {
      event: query.event!.name,
      ...(query.within ? { withinMs: query.within.ms } : {}),
      ...(query.where ? { where: this.expr(query.where, file) } : {}),
    };
  }

  private expr(expr: Expr, file: string): ArtifactExpr {
    switch (expr.kind) {
      case 'Number':
        return { op: 'literal', type: 'number', value: expr.value };
      case 'String':
        return { op: 'literal', type: 'string', value: expr.value };
      case 'Bool':
        return { op: 'literal', type: 'bool', value: expr.value };
      case 'Date':
        return { op: 'literal', type: 'date', value: expr.ms };
      case 'Duration':
        return { op: 'literal', type: 'duration', value: expr.ms };
      case 'Now':
        return { op: 'now' };
      case 'Path':
        return this.path(expr);
      case 'Array':
        return { op: 'list', values: expr.elements.map(literalValue) };
      case 'Paren':
        return this.expr(expr.expr!, file);
      case 'Unary':
        if (expr.op === 'not') return { op: 'not', arg: this.expr(expr.operand!, file) };
        if (expr.operand!.kind === 'Number') return { op: 'literal', type: 'number', value: -expr.operand!.value };
        return { op: 'neg', arg: this.expr(expr.operand!, file) };
      case 'Binary':
        if (expr.op === 'and' || expr.op === 'or') {
          return { op: expr.op, args: this.flatten(expr, expr.op).map((e) => this.expr(e, file)) };
        }
        return { op: 'arith', fn: expr.op, left: this.expr(expr.left, file), right: this.expr(expr.right!, file) };
      case 'Compare':
        return {
          op: 'compare',
          cmp: expr.op,
          type: this.valueType(expr.left),
          left: this.expr(expr.left, file),
          right: this.expr(expr.right!, file),
        };
      case 'In':
        return { op: 'in', negated: expr.negated, subject: this.expr(expr.subject, file), list: this.expr(expr.collection!, file) };
      case 'TextTest':
        return this.textTest(expr, file);
      case 'Between':
        return { op: 'between', subject: this.expr(expr.subject, file), low: this.expr(expr.low!, file), high: this.expr(expr.high!, file) };
      case 'IsSet':
        return { op: 'is_set', negated: expr.negated, subject: this.expr(expr.subject, file) };
      case 'Within':
        return { op: 'within', subject: this.expr(expr.subject, file), durationMs: expr.duration!.ms };
      case 'Call':
        return this.call(expr, file);
      case 'FunctionCall':
        return { op: 'math', fn: expr.name.name as MathFunction, args: expr.args.map((arg) => this.expr(arg, file)) };
    }
  }

  /**
   * `x contains any ["a", "b"]` is lowered to `x contains "a" or x contains "b"` (an empty list to
   * `false`), so the artifact needs no new expression kind and every back end already runs it.
   */
  private textTest(expr: Expr & { kind: 'TextTest' }, file: string): ArtifactExpr {
    const subject = this.expr(expr.subject, file);
    const single = (value: ArtifactExpr): ArtifactExpr => {
      if (expr.op === 'startsWith') return { op: 'starts_with', subject, value };
      if (expr.op === 'endsWith') return { op: 'ends_with', subject, value };
      const on = this.analysis.facts.types.get(expr.subject)?.kind === 'list' ? 'list' : 'text';
      return { op: 'contains', on, subject, value };
    };
    const value = this.expr(expr.value!, file);
    if (!expr.any) return single(value);
    if (value.op !== 'list') throw new Error('internal: `any` without a list in a checked program');
    const tests = value.values.map((v) => single({ op: 'literal', type: typeof v === 'number' ? 'number' : 'string', value: v }));
    if (tests.length === 0) return { op: 'literal', type: 'bool', value: false };
    return tests.length === 1 ? tests[0]! : { op: 'or', args: tests };
  }

  private call(expr: CallExpr, file: string): ArtifactExpr {
    if (expr.fn === 'days_since') {
      const dateArg = this.analysis.facts.daysSinceDates.get(expr) ?? expr.arg;
      if (dateArg) return { op: 'days_since_date', arg: this.expr(dateArg, file) };
      return { op: 'days_since_event', query: this.query(expr.query!, file) };
    }
    const query = this.query(expr.query!, file);
    if (expr.fn === 'sum') return { op: 'sum', query, attr: expr.attribute!.name };
    return { op: expr.fn, query };
  }

  private path(expr: Expr & { kind: 'Path' }): ArtifactExpr {
    const resolution = this.analysis.facts.resolutions.get(expr);
    if (!resolution) throw new Error('internal: unresolved path in a checked program');
    if (resolution.kind === 'decl') {
      if (resolution.declKind === 'list') {
        const decl = this.analysis.declarations.get(resolution.name)!.decl as ListDecl;
        return { op: 'list', values: listValues(decl) };
      }
      return { op: resolution.declKind, name: resolution.name };
    }
    const base: ArtifactExpr = resolution.kind === 'field' ? { op: 'field', path: resolution.path } : { op: 'attr', name: resolution.path[0]! };
    return resolution.emailPart ? { op: 'email_part', part: resolution.emailPart, of: base } : base;
  }

  /** `a and b and c` is one `and` with three arguments, whatever the parser's nesting. */
  private flatten(expr: Expr, op: 'and' | 'or'): Expr[] {
    const out: Expr[] = [];
    const pending: Expr[] = [expr];
    while (pending.length > 0) {
      let next = pending.pop()!;
      while (next.kind === 'Paren' && next.expr) next = next.expr;
      if (next.kind === 'Binary' && next.op === op) pending.push(next.right!, next.left);
      else out.push(next);
    }
    return out;
  }

  private valueType(expr: Expr): 'number' | 'string' | 'bool' | 'date' | 'duration' {
    const type = this.analysis.facts.types.get(expr);
    switch (type?.kind) {
      case 'number':
      case 'bool':
      case 'date':
      case 'duration':
        return type.kind;
      default:
        return 'string';
    }
  }

  // -------------------------------------------------------------------------------------------

  private loc(file: string, span: Span): SourceLocation {
    const lines = this.fileByPath.get(file)!.lines;
    const { line, column } = lines.position(span.start);
    return { file: this.displayPaths.get(file)!, line: line + 1, column: column + 1, start: span.start, end: span.end };
  }

  /** Source text of a span with runs of white space folded, for labels and explanations. */
  private text(file: string, span: Span): string {
    return this.fileByPath.get(file)!.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  }
}

function docOf(doc: string | undefined): { doc?: string } {
  return doc !== undefined ? { doc } : {};
}

function literalValue(expr: Expr): string | number {
  if (expr.kind === 'String' || expr.kind === 'Number') return expr.value;
  if (expr.kind === 'Unary' && expr.operand?.kind === 'Number') return -expr.operand.value;
  throw new Error('internal: non-literal list element in a checked program');
}

function listValues(decl: ListDecl): (string | number)[] {
  return decl.elements.map(literalValue);
}

/** A test's object literal as an input record (LANGUAGE.md §10): `from` names as keys, ISO dates. */
function recordFromLiteral(literal: LiteralValue & { kind: 'Object' }, fields: Map<string, FieldInfo>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const entry of literal.entries) {
    const field = fields.get(entry.key.name)!;
    record[field.from ?? field.name] = literalToJson(entry.value!, field.type);
  }
  return record;
}

function literalToJson(value: LiteralValue, type: Type): unknown {
  switch (value.kind) {
    case 'String':
      return type.kind === 'date' ? new Date(Date.parse(value.value)).toISOString() : value.value;
    case 'Number':
    case 'Bool':
      return value.value;
    case 'Unary':
      return -(value.operand as { value: number }).value;
    case 'Date':
      return new Date(value.ms).toISOString();
    case 'Array':
      return value.elements.map((e) => literalToJson(e as LiteralValue, type.kind === 'list' ? type.element : type));
    case 'Object':
      return recordFromLiteral(value, type.kind === 'object' ? type.fields : new Map());
  }
}
