// Checks of `test` blocks (LANGUAGE.md §8): the lead literal and every event literal against the
// schema (unknown field, wrong type, missing required field, enum membership, each with the usual
// suggestions and fixes), stage names in `expect stage`, and conditions in `expect`.

import type { LiteralValue, ObjectLiteral, Span, TestDecl } from '../syntax/ast.js';
import { didYouMean, replaceFix, type ExprChecker } from './check-expr.js';
import { makeDiagnostic, type Diagnostic, type DiagnosticInit, type Fix } from '../diagnostics.js';
import { suggest } from './suggest.js';
import { attrKey, declKey, fieldKey, memberKey, type ProgramSymbols, type SymbolKey } from './symbols.js';
import { describeType, enumHasMember, type FieldInfo, type Type } from './types.js';

interface LiteralOwner {
  /** "lead" or "event `webinar`", for messages. */
  label: string;
  keyOf: (path: string) => SymbolKey;
  unknown: (name: string, hint: string) => Pick<DiagnosticInit, 'code' | 'args'>;
}

export class TestChecker {
  constructor(
    private readonly symbols: ProgramSymbols,
    private readonly exprs: ExprChecker,
    private readonly diagnostics: Diagnostic[],
  ) {}

  check(test: TestDecl, file: string): void {
    this.leadLiteral(test, file);
    for (const event of test.events) {
      if (!event.type) continue;
      const info = this.symbols.events.get(event.type.name);
      if (!info) {
        const guess = suggest(event.type.name, this.symbols.events.keys());
        this.report({
          code: 'MQL2012',
          file,
          span: event.type.span,
          args: { name: event.type.name, hint: didYouMean(guess) },
          fixes: replaceFix(file, event.type.span, guess),
        });
        continue;
      }
      this.symbols.index.references.push({ key: declKey(info.name), file, span: event.type.span });
      const owner: LiteralOwner = {
        label: `event \`${info.name}\``,
        keyOf: (path) => attrKey(info.name, path),
        unknown: (name, hint) => ({ code: 'MQL2013', args: { event: info.name, name, hint } }),
      };
      // An event written without `{...}` is checked as an empty literal; errors point at its name.
      const literal = event.attributes ?? { kind: 'Object' as const, entries: [], span: event.type.span };
      this.object(literal, info.fields, owner, '', file, !event.attributes);
    }
    for (const expectation of test.expects) {
      if (expectation.kind === 'ExpectCondition') this.exprs.condition(expectation.condition, { file });
      else if (expectation.stage) this.expectedStage(expectation.stage.name, expectation.stage.span, file);
    }
  }

  private leadLiteral(test: TestDecl, file: string): void {
    const [lead, ...extra] = test.leads;
    for (const other of extra) {
      this.report({ code: 'MQL2025', file, span: other.span, args: { message: 'a test has one `lead { ... }` literal; this is a second one' } });
    }
    if (!lead) {
      const span = test.description?.span ?? test.span;
      this.report({ code: 'MQL2025', file, span, args: { message: 'this test has no `lead { ... }` literal' } });
      return;
    }
    if (!this.symbols.lead) return;
    const owner: LiteralOwner = {
      label: 'lead',
      keyOf: fieldKey,
      unknown: (name, hint) => ({ code: 'MQL2020', args: { name, hint } }),
    };
    this.object(lead, this.symbols.lead.fields, owner, '', file, false);
  }

  private expectedStage(name: string, span: Span, file: string): void {
    const decl = this.symbols.declarations.get(name);
    if (decl?.kind === 'stage') {
      this.symbols.index.references.push({ key: declKey(name), file, span });
      return;
    }
    const stages = [...this.symbols.declarations.values()].filter((d) => d.kind === 'stage').map((d) => d.name);
    const guess = suggest(name, [...stages, 'none']);
    this.report({ code: 'MQL2017', file, span, args: { name, hint: didYouMean(guess) }, fixes: replaceFix(file, span, guess) });
  }

  /** Checks an object literal's entries against fields; `implicit` marks an event written without `{...}`. */
  private object(
    literal: ObjectLiteral,
    fields: Map<string, FieldInfo>,
    owner: LiteralOwner,
    prefix: string,
    file: string,
    implicit: boolean,
  ): void {
    const given = new Set<string>();
    for (const entry of literal.entries) {
      const name = entry.key.name;
      const path = prefix ? `${prefix}.${name}` : name;
      const field = fields.get(name);
      if (!field) {
        const guess = suggest(name, [...fields.keys()].filter((k) => !literal.entries.some((e) => e.key.name === k)));
        const unknown = owner.unknown(path, didYouMean(guess));
        this.report({ ...unknown, file, span: entry.key.span, fixes: replaceFix(file, entry.key.span, guess) });
        continue;
      }
      if (given.has(name)) {
        this.report({ code: 'MQL2025', file, span: entry.key.span, args: { message: `\`${path}\` is given twice` } });
        continue;
      }
      given.add(name);
      this.symbols.index.references.push({ key: owner.keyOf(field.path), file, span: entry.key.span });
      // A placeholder (`missing when [...]`) is a value the data may hold; it is read as missing.
      const placeholder = entry.value?.kind === 'String' && isPlaceholder(field, entry.value.value);
      if (entry.value && !placeholder) this.value(entry.value, field.type, path, owner, file);
    }
    for (const field of fields.values()) {
      if (field.optional || given.has(field.name)) continue;
      const path = prefix ? `${prefix}.${field.name}` : field.name;
      const ownerText = prefix ? `${owner.label}'s \`${prefix}\`` : owner.label;
      const span = { start: literal.span.start, end: Math.min(literal.span.start + 1, literal.span.end) };
      this.report({
        code: 'MQL2022',
        file,
        span: implicit ? literal.span : span,
        args: { owner: ownerText, name: path },
        fixes: implicit ? [] : [addFieldFix(file, literal, field)],
      });
    }
  }

  private value(value: LiteralValue, type: Type, path: string, owner: LiteralOwner, file: string): void {
    const wrong = (actual: string) =>
      this.report({ code: 'MQL2021', file, span: value.span, args: { path: `\`${path}\``, expected: describeType(type), actual } });
    switch (type.kind) {
      case 'error':
        return;
      case 'string':
      case 'email':
        if (value.kind !== 'String') wrong(describeLiteral(value));
        return;
      case 'enum':
        if (value.kind !== 'String') wrong(describeLiteral(value));
        else if (!enumHasMember(type, value.value)) this.enumMember(value.value, value.span, type, file);
        else if (type.owner) this.symbols.index.references.push({ key: memberKey(type.owner, value.value), file, span: value.span });
        return;
      case 'number':
        if (!(value.kind === 'Number' || (value.kind === 'Unary' && value.op === '-' && value.operand?.kind === 'Number'))) wrong(describeLiteral(value));
        return;
      case 'bool':
        if (value.kind !== 'Bool') wrong(describeLiteral(value));
        return;
      case 'date':
        if (value.kind !== 'Date' && !(value.kind === 'String' && isIsoDate(value.value))) wrong(describeLiteral(value));
        return;
      case 'object':
        if (value.kind !== 'Object') wrong(describeLiteral(value));
        else this.object(value, type.fields, owner, path, file, false);
        return;
      case 'list':
        if (value.kind !== 'Array') wrong(describeLiteral(value));
        else value.elements.forEach((element, i) => this.value(element as LiteralValue, type.element, `${path}[${i}]`, owner, file));
        return;
      default:
        wrong(describeLiteral(value));
    }
  }

  private enumMember(value: string, span: Span, type: Type & { kind: 'enum' }, file: string): void {
    const guess = suggest(value, type.members);
    this.report({
      code: 'MQL2009',
      file,
      span,
      args: { value, type: `the enum ${describeType(type).replace(/^one of /, '')}`, hint: didYouMean(guess, '"') },
      fixes: replaceFix(file, span, guess && JSON.stringify(guess)),
    });
  }

  private report(init: DiagnosticInit): void {
    this.diagnostics.push(makeDiagnostic(init));
  }
}

function describeLiteral(value: LiteralValue): string {
  switch (value.kind) {
    case 'String':
      return 'text';
    case 'Number':
    case 'Unary':
      return 'a number';
    case 'Bool':
      return 'a boolean';
    case 'Date':
      return 'a date';
    case 'Object':
      return 'an object';
    case 'Array':
      return 'a list';
  }
}

function isPlaceholder(field: FieldInfo, value: string): boolean {
  const folded = value.trim().toLowerCase();
  return field.placeholders?.some((p) => p.trim().toLowerCase() === folded) ?? false;
}

export function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text));
}

/** A quick fix that inserts `name: <placeholder>,` right after the literal's `{`. */
function addFieldFix(file: string, literal: ObjectLiteral, field: FieldInfo): Fix {
  const at = literal.span.start + 1;
  return {
    title: `Add the required field \`${field.name}\``,
    edits: [{ file, span: { start: at, end: at }, newText: ` ${field.name}: ${placeholder(field.type)},` }],
  };
}

function placeholder(type: Type): string {
  switch (type.kind) {
    case 'number':
      return '0';
    case 'bool':
      return 'false';
    case 'date':
      return '2026-01-01';
    case 'email':
      return '"someone@example.com"';
    case 'enum':
      return JSON.stringify(type.members[0] ?? '');
    case 'object':
      return '{}';
    case 'list':
      return '[]';
    default:
      return '""';
  }
}
