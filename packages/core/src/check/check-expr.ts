// Type checking of expressions (LANGUAGE.md §5): resolves every name, gives every expression a
// type, reports each type error once (an `error` type silences follow-on errors), and records what
// the compiler and the language server need: how each path resolved, each expression's type, the
// references to declarations, fields and attributes, and the declarations each one depends on.

import type { CallExpr, CompareExpr, EventQuery, Expr, FunctionCall, Identifier, InExpr, PathExpr, Span, TextTestExpr } from '../syntax/ast.js';
import { ALL_FUNCTION_NAMES, functionSignature, mathFunction } from './functions.js';
import { makeDiagnostic, type Diagnostic, type DiagnosticInit, type Fix } from '../diagnostics.js';
import { suggest } from './suggest.js';
import { attrKey, declKey, fieldKey, gradeOwner, memberKey, type EventInfo, type ProgramSymbols } from './symbols.js';
import { exprDepth } from '../syntax/walk.js';
import { BOOL, DATE, DURATION, ERROR, NUMBER, STRING, describeType, enumHasMember, isText, type FieldInfo, type Type } from './types.js';

/** How a path expression resolved. `path` holds schema field names from the lead root or the event. */
export type Resolution =
  | { kind: 'field'; path: string[]; emailPart?: 'domain' | 'local' }
  | { kind: 'attr'; path: string[]; emailPart?: 'domain' | 'local' }
  | { kind: 'decl'; declKind: 'list' | 'segment' | 'score' | 'grade'; name: string };

export const MAX_EXPRESSION_DEPTH = 500;

/** What `.x` can name on an email value. */
const EMAIL_PARTS: ReadonlyMap<string, unknown> = new Map([
  ['domain', true],
  ['local', true],
]);

export interface ExprFacts {
  resolutions: Map<PathExpr, Resolution>;
  types: Map<Expr, Type>;
  /** `days_since(x)` calls whose bare name turned out to be a date, not an event type. */
  daysSinceDates: Map<CallExpr, PathExpr>;
}

export interface Scope {
  file: string;
  /** Inside `where`: the event whose attributes are visible. */
  event?: EventInfo;
  /** The declaration being checked, for dependency edges (cycle detection). */
  owner?: string;
}

export class ExprChecker {
  readonly facts: ExprFacts = { resolutions: new Map(), types: new Map(), daysSinceDates: new Map() };
  /** Declaration name → names of segments, scores and grades it refers to. */
  readonly dependencies = new Map<string, { name: string; span: Span; file: string }[]>();

  constructor(
    private readonly symbols: ProgramSymbols,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** Checks an expression that must be a condition. */
  condition(expr: Expr | undefined, scope: Scope): void {
    if (!expr || this.tooDeep(expr, scope)) return;
    const type = this.check(expr, scope);
    if (type.kind !== 'bool' && type.kind !== 'error') {
      this.report({ code: 'MQL2011', file: scope.file, span: expr.span, args: { type: describeType(type) } });
    }
  }

  /** Checks an expression that must be a number (formula scores). */
  number(expr: Expr | undefined, scope: Scope, what: string): void {
    if (!expr || this.tooDeep(expr, scope)) return;
    const type = this.check(expr, scope);
    if (type.kind !== 'number' && type.kind !== 'error') {
      this.mismatch(scope, expr.span, `${what} must be a number, but this is ${describeType(type)}`);
    }
  }

  /**
   * Expressions nested deeper than this are refused before any recursive walk (checker, compiler
   * and runtime all recurse over expressions), so a hostile file cannot overflow the stack.
   */
  private tooDeep(expr: Expr, scope: Scope): boolean {
    if (exprDepth(expr) <= MAX_EXPRESSION_DEPTH) return false;
    this.report({ code: 'MQL2027', file: scope.file, span: expr.span, args: { limit: MAX_EXPRESSION_DEPTH } });
    return true;
  }

  check(expr: Expr, scope: Scope): Type {
    const type = this.infer(expr, scope);
    this.facts.types.set(expr, type);
    return type;
  }

  private infer(expr: Expr, scope: Scope): Type {
    switch (expr.kind) {
      case 'Number':
        return NUMBER;
      case 'String':
        return STRING;
      case 'Bool':
        return BOOL;
      case 'Date':
      case 'Now':
        return DATE;
      case 'Duration':
        return DURATION;
      case 'Path':
        return this.path(expr, scope);
      case 'Array':
        return this.arrayLiteral(expr.elements, scope);
      case 'Paren':
        return expr.expr ? this.check(expr.expr, scope) : ERROR;
      case 'Unary':
        return this.unary(expr.op, expr.operand, expr.span, scope);
      case 'Binary':
        return expr.op === 'and' || expr.op === 'or' ? this.logical(expr.left, expr.right, scope) : this.arithmetic(expr.op, expr.left, expr.right, expr.span, scope);
      case 'Compare':
        return this.compare(expr, scope);
      case 'In':
        return this.inList(expr, scope);
      case 'TextTest':
        return this.textTest(expr, scope);
      case 'Between':
        return this.between(expr.subject, expr.low, expr.high, scope);
      case 'IsSet':
        this.check(expr.subject, scope);
        return BOOL;
      case 'Within': {
        const subject = this.check(expr.subject, scope);
        if (subject.kind !== 'date' && subject.kind !== 'error') {
          this.report({ code: 'MQL2014', file: scope.file, span: expr.subject.span, args: { type: describeType(subject) } });
        }
        return BOOL;
      }
      case 'Call':
        return this.call(expr, scope);
      case 'FunctionCall':
        return this.functionCall(expr, scope);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Names

  private path(expr: PathExpr, scope: Scope): Type {
    const [first, ...rest] = expr.segments;
    if (!first) return ERROR;
    const attribute = scope.event && (first.name === 'at' ? atField(scope.event) : scope.event.fields.get(first.name));
    if (scope.event && attribute) {
      this.reference(attrKey(scope.event.name, first.name), scope.file, first.span, first.name !== 'at');
      return this.walkFields(expr, 'attr', attribute, rest, scope, scope.event.name);
    }
    if (first.name === 'lead') {
      const [field, ...more] = rest;
      if (!field) return this.mismatch(scope, expr.span, '`lead` alone is not a value: name one of its fields, e.g. `lead.title`');
      return this.leadField(expr, field, more, scope);
    }
    const decl = this.symbols.declarations.get(first.name);
    if (decl) return this.declaration(expr, decl.kind, first, rest, scope);
    if (this.symbols.lead?.fields.has(first.name)) return this.leadField(expr, first, rest, scope);
    return this.unknownName(first, scope);
  }

  private declaration(expr: PathExpr, kind: string, name: Identifier, rest: Identifier[], scope: Scope): Type {
    this.reference(declKey(name.name), scope.file, name.span);
    if (kind === 'event' || kind === 'stage') {
      const where = kind === 'event' ? 'here: use it in `count(...)`, `any(...)` or after `per`' : 'in an expression';
      this.report({ code: 'MQL2024', file: scope.file, span: name.span, args: { name: name.name, what: withArticle(kind), where } });
      return ERROR;
    }
    if (rest[0]) return this.mismatch(scope, rest[0].span, `\`${name.name}\` is a ${kind} and has no fields`);
    const declKind = kind as 'list' | 'segment' | 'score' | 'grade';
    this.facts.resolutions.set(expr, { kind: 'decl', declKind, name: name.name });
    if (declKind !== 'list' && scope.owner) {
      const edges = this.dependencies.get(scope.owner) ?? [];
      edges.push({ name: name.name, span: name.span, file: scope.file });
      this.dependencies.set(scope.owner, edges);
    }
    return this.declarationType(declKind, name.name);
  }

  private declarationType(kind: 'list' | 'segment' | 'score' | 'grade', name: string): Type {
    const decl = this.symbols.declarations.get(name)!.decl;
    if (kind === 'segment') return BOOL;
    if (kind === 'score') return NUMBER;
    if (kind === 'grade' && decl.kind === 'Grade') {
      const members = [...decl.bands.map((b) => b.label.value), ...(decl.else?.label ? [decl.else.label.value] : [])];
      return { kind: 'enum', members, name: `\`${name}\``, owner: gradeOwner(name) };
    }
    if (decl.kind === 'List') return { kind: 'literalList', element: listElementType(decl.elements) };
    return ERROR;
  }

  private leadField(expr: PathExpr, first: Identifier, rest: Identifier[], scope: Scope): Type {
    const field = this.symbols.lead?.fields.get(first.name);
    if (!field) return this.unknownField(first, 'the lead', this.symbols.lead?.fields, scope);
    this.reference(fieldKey(field.path), scope.file, first.span);
    return this.walkFields(expr, 'field', field, rest, scope);
  }

  /** Follows `.field` segments through objects and `.domain`/`.local` of emails. */
  private walkFields(expr: PathExpr, base: 'field' | 'attr', field: FieldInfo, rest: Identifier[], scope: Scope, event?: string): Type {
    const path = [field.name];
    let current = field;
    let type = field.type;
    for (let i = 0; i < rest.length; i++) {
      const segment = rest[i]!;
      if (type.kind === 'email' && (segment.name === 'domain' || segment.name === 'local') && i === rest.length - 1) {
        this.facts.resolutions.set(expr, { kind: base, path, emailPart: segment.name });
        return STRING;
      }
      if (type.kind === 'error') return ERROR;
      if (type.kind === 'email') return this.unknownField(segment, `the email \`${current.path}\``, EMAIL_PARTS, scope);
      if (type.kind !== 'object') {
        return this.mismatch(scope, segment.span, `\`${current.path}\` is ${describeType(type)} and has no field \`${segment.name}\``);
      }
      const next = type.fields.get(segment.name);
      if (!next) return this.unknownField(segment, `\`${current.path}\``, type.fields, scope);
      this.reference(event ? attrKey(event, next.path) : fieldKey(next.path), scope.file, segment.span);
      path.push(next.name);
      current = next;
      type = next.type;
    }
    this.facts.resolutions.set(expr, { kind: base, path });
    return type;
  }

  private unknownName(name: Identifier, scope: Scope): Type {
    const candidates = [
      ...(scope.event ? [...scope.event.fields.keys(), 'at'] : []),
      ...[...this.symbols.declarations.values()].filter((d) => d.kind !== 'event' && d.kind !== 'stage').map((d) => d.name),
      ...(this.symbols.lead ? this.symbols.lead.fields.keys() : []),
    ].filter((candidate) => candidate !== scope.owner); // a declaration cannot use itself
    this.report(unknownNameDiagnostic(scope.file, name, candidates));
    return ERROR;
  }

  private unknownField(name: Identifier, owner: string, fields: ReadonlyMap<string, unknown> | undefined, scope: Scope): Type {
    const guess = fields ? suggest(name.name, fields.keys()) : undefined;
    this.report({
      code: 'MQL2002',
      file: scope.file,
      span: name.span,
      args: { owner, name: name.name, hint: didYouMean(guess) },
      fixes: replaceFix(scope.file, name.span, guess),
    });
    return ERROR;
  }

  // -------------------------------------------------------------------------------------------
  // Operators

  /** Literal strings or numbers, all of the first one's kind (as `list` declarations, MQL2023). */
  private arrayLiteral(elements: readonly Expr[], scope: Scope): Type {
    const element = listElementType(elements);
    for (const item of elements) {
      if (!isLiteral(item)) this.mismatch(scope, item.span, 'a list holds literal strings or numbers only');
      else if (this.check(item, scope).kind !== element.kind) {
        this.mismatch(scope, item.span, `every element of a list must be ${element.kind === 'string' ? 'a string' : 'a number'}, like the first one`);
      }
    }
    return { kind: 'literalList', element };
  }

  private unary(op: 'not' | '-', operand: Expr | undefined, span: Span, scope: Scope): Type {
    if (!operand) return ERROR;
    const type = this.check(operand, scope);
    if (type.kind === 'error') return op === 'not' ? BOOL : ERROR;
    if (op === 'not') {
      if (type.kind !== 'bool') this.report({ code: 'MQL2011', file: scope.file, span: operand.span, args: { type: describeType(type) } });
      return BOOL;
    }
    if (type.kind === 'number' || type.kind === 'duration') return type;
    return this.mismatch(scope, span, `cannot negate ${describeType(type)}`);
  }

  private logical(left: Expr, right: Expr | undefined, scope: Scope): Type {
    this.condition(left, scope);
    this.condition(right, scope);
    return BOOL;
  }

  private arithmetic(op: '+' | '-' | '*' | '/', left: Expr, right: Expr | undefined, span: Span, scope: Scope): Type {
    const l = this.check(left, scope);
    const r = right ? this.check(right, scope) : ERROR;
    if (l.kind === 'error' || r.kind === 'error') return ERROR;
    if (l.kind === 'number' && r.kind === 'number') return NUMBER;
    if (op === '+' || op === '-') {
      if (l.kind === 'date' && r.kind === 'duration') return DATE;
      if (op === '+' && l.kind === 'duration' && r.kind === 'date') return DATE;
      if (l.kind === 'duration' && r.kind === 'duration') return DURATION;
      if (l.kind === 'date' && r.kind === 'date' && op === '-') {
        return this.mismatch(scope, span, 'cannot subtract dates; use `days_since(...)` for the time since a date');
      }
    }
    return this.mismatch(scope, span, `cannot apply \`${op}\` to ${describeType(l)} and ${describeType(r)}`);
  }

  private compare(expr: CompareExpr, scope: Scope): Type {
    const l = this.check(expr.left, scope);
    const r = expr.right ? this.check(expr.right, scope) : ERROR;
    if (l.kind === 'error' || r.kind === 'error') return BOOL;
    if (expr.op === '==' || expr.op === '!=') {
      const comparable = (isText(l) && isText(r)) || (l.kind === r.kind && ['number', 'bool', 'date'].includes(l.kind));
      if (!comparable) {
        const hint = this.shadowHint(expr.left) ?? this.shadowHint(expr.right) ?? '';
        this.mismatch(scope, expr.opSpan, `cannot compare ${describeType(l)} with ${describeType(r)}${hint}`);
        return BOOL;
      }
      this.enumLiteral(l, expr.right, scope);
      this.enumLiteral(r, expr.left, scope);
      return BOOL;
    }
    const ordered = l.kind === r.kind && (l.kind === 'number' || l.kind === 'date');
    if (!ordered) {
      const detail = l.kind === r.kind ? `\`${expr.op}\` orders numbers and dates, not ${describeType(l)}` : `cannot compare ${describeType(l)} with ${describeType(r)}`;
      this.mismatch(scope, expr.opSpan, detail);
    }
    return BOOL;
  }

  /** A string literal compared with an enum must be one of its members (LANGUAGE.md §4). */
  private enumLiteral(type: Type, literal: Expr | undefined, scope: Scope): void {
    if (type.kind !== 'enum' || literal?.kind !== 'String') return;
    if (enumHasMember(type, literal.value)) {
      if (type.owner) this.reference(memberKey(type.owner, literal.value), scope.file, literal.span);
      return;
    }
    const guess = suggest(literal.value, type.members);
    this.report({
      code: 'MQL2009',
      file: scope.file,
      span: literal.span,
      args: { value: literal.value, type: type.name ?? `the enum ${describeType(type).replace(/^one of /, '')}`, hint: didYouMean(guess, '"') },
      fixes: replaceFix(scope.file, literal.span, guess && JSON.stringify(guess)),
    });
  }

  private inList(expr: InExpr, scope: Scope): Type {
    const subject = this.check(expr.subject, scope);
    if (!expr.collection) return BOOL;
    const collection = this.check(expr.collection, scope);
    if (collection.kind === 'error' || subject.kind === 'error') return BOOL;
    if (collection.kind !== 'literalList') {
      const hint = collection.kind === 'list' ? '; to test a list field, write `field contains value`' : '';
      this.mismatch(scope, expr.collection.span, `\`in\` needs a list literal or a \`list\` name, but this is ${describeType(collection)}${hint}`);
      return BOOL;
    }
    if (collection.element.kind === 'error') return BOOL; // empty list
    if (!(isText(subject) && isText(collection.element)) && subject.kind !== collection.element.kind) {
      const hint = this.shadowHint(expr.subject) ?? '';
      this.mismatch(scope, expr.opSpan, `cannot look for ${describeType(subject)} in a list of ${describeType(collection.element).replace(/^an? /, '')}s${hint}`);
      return BOOL;
    }
    if (subject.kind === 'enum') this.enumMembersOfCollection(subject, expr.collection, scope);
    return BOOL;
  }

  private enumMembersOfCollection(subject: Type & { kind: 'enum' }, collection: Expr, scope: Scope): void {
    if (collection.kind === 'Array') {
      for (const element of collection.elements) this.enumLiteral(subject, element, scope);
      return;
    }
    const resolution = collection.kind === 'Path' ? this.facts.resolutions.get(collection) : undefined;
    const decl = resolution?.kind === 'decl' ? this.symbols.declarations.get(resolution.name)?.decl : undefined;
    if (decl?.kind !== 'List') return;
    const listFile = this.symbols.declarations.get(resolution!.kind === 'decl' ? resolution!.name : '')?.file;
    for (const element of decl.elements) {
      if (element.kind === 'String' && subject.owner && listFile && enumHasMember(subject, element.value)) {
        this.reference(memberKey(subject.owner, element.value), listFile, element.span);
      }
      if (element.kind === 'String' && !enumHasMember(subject, element.value)) {
        const guess = suggest(element.value, subject.members);
        this.report({
          code: 'MQL2009',
          file: scope.file,
          span: collection.span,
          args: { value: element.value, type: subject.name ?? `the enum ${describeType(subject).replace(/^one of /, '')}`, hint: `${didYouMean(guess, '"')} (in list \`${resolution!.kind === 'decl' ? resolution!.name : ''}\`)` },
        });
      }
    }
  }

  private textTest(expr: TextTestExpr, scope: Scope): Type {
    if (expr.any) return this.textTestAny(expr, scope);
    const subject = this.check(expr.subject, scope);
    const value = expr.value ? this.check(expr.value, scope) : ERROR;
    if (subject.kind === 'error' || value.kind === 'error') return BOOL;
    const word = textTestWord(expr);
    if (value.kind === 'literalList') {
      return this.mismatch(scope, expr.value!.span, `\`${word}\` takes one value; to test several, write \`${word} any\` before the list`);
    }
    if (expr.op === 'contains' && subject.kind === 'list') {
      if (!(isText(value) && isText(subject.element)) && value.kind !== subject.element.kind) {
        this.mismatch(scope, expr.value!.span, `this list holds ${describeType(subject.element).replace(/^an? /, '')}s, but this is ${describeType(value)}`);
      } else this.enumLiteral(subject.element, expr.value, scope);
      return BOOL;
    }
    if (!isText(subject)) {
      const lists = expr.op === 'contains' ? ' or lists' : '';
      this.mismatch(scope, expr.opSpan, `\`${word}\` works on text${lists}, but this is ${describeType(subject)}${this.shadowHint(expr.subject) ?? ''}`);
    } else if (!isText(value)) {
      this.mismatch(scope, expr.value!.span, `\`${word}\` needs text, but this is ${describeType(value)}`);
    }
    return BOOL;
  }

  /**
   * `x contains any L`, `x starts with any L`, `x ends with any L`: L is a list literal or a `list`
   * name whose elements are what the single form would take (text; for `contains` on a list field,
   * the field's elements).
   */
  private textTestAny(expr: TextTestExpr, scope: Scope): Type {
    const subject = this.check(expr.subject, scope);
    const value = expr.value ? this.check(expr.value, scope) : ERROR;
    if (subject.kind === 'error' || value.kind === 'error') return BOOL;
    const word = `${textTestWord(expr)} any`;
    if (value.kind !== 'literalList') {
      return this.mismatch(scope, expr.value!.span, `\`${word}\` needs a list literal or a \`list\` name, but this is ${describeType(value)}`);
    }
    const element = value.element;
    if (expr.op === 'contains' && subject.kind === 'list') {
      if (element.kind !== 'error' && !sameKind(element, subject.element)) {
        this.mismatch(scope, expr.value!.span, `this list field holds ${describeType(subject.element).replace(/^an? /, '')}s, but the list holds ${describeType(element).replace(/^an? /, '')}s`);
      } else if (subject.element.kind === 'enum') this.enumMembersOfCollection(subject.element, expr.value!, scope);
      return BOOL;
    }
    if (!isText(subject)) {
      const lists = expr.op === 'contains' ? ' or lists' : '';
      return this.mismatch(scope, expr.opSpan, `\`${word}\` works on text${lists}, but this is ${describeType(subject)}${this.shadowHint(expr.subject) ?? ''}`);
    }
    if (element.kind !== 'error' && !isText(element)) {
      this.mismatch(scope, expr.value!.span, `\`${word}\` needs a list of strings, but this is a list of ${describeType(element).replace(/^an? /, '')}s`);
    }
    return BOOL;
  }

  /** `min(a, b)`, `clamp(x, lo, hi)`, …: numbers in, a number out; an unknown name is one error. */
  private functionCall(expr: FunctionCall, scope: Scope): Type {
    const info = mathFunction(expr.name.name);
    const types = expr.args.map((arg) => this.check(arg, scope));
    if (!info) {
      const guess = suggest(expr.name.name, ALL_FUNCTION_NAMES);
      const functions = ALL_FUNCTION_NAMES.map((name) => `\`${name}\``).join(', ');
      this.report({
        code: 'MQL2040',
        file: scope.file,
        span: expr.name.span,
        args: { name: expr.name.name, hint: didYouMean(guess), functions },
        fixes: replaceFix(scope.file, expr.name.span, guess),
      });
      return ERROR;
    }
    const count = expr.args.length;
    const arityOk = info.variadic ? count >= info.params.length : count === info.params.length;
    if (!arityOk) {
      const wanted = info.variadic ? `${info.params.length} or more arguments` : `${info.params.length} argument${info.params.length === 1 ? '' : 's'}`;
      return this.mismatch(scope, expr.span, `\`${functionSignature(info)}\` takes ${wanted}, but this call has ${count}`);
    }
    let ok = true;
    types.forEach((type, i) => {
      if (type.kind === 'number') return;
      ok = false;
      if (type.kind !== 'error') this.mismatch(scope, expr.args[i]!.span, `\`${info.name}\` needs numbers, but this is ${describeType(type)}`);
    });
    return ok ? NUMBER : ERROR;
  }

  private between(subject: Expr, low: Expr | undefined, high: Expr | undefined, scope: Scope): Type {
    const s = this.check(subject, scope);
    for (const bound of [low, high]) {
      if (!bound) continue;
      const b = this.check(bound, scope);
      if (s.kind === 'error' || b.kind === 'error') continue;
      if ((s.kind !== 'number' && s.kind !== 'date') || b.kind !== s.kind) {
        this.mismatch(scope, bound.span, `\`between\` needs numbers or dates on both sides, but compares ${describeType(s)} with ${describeType(b)}`);
      }
    }
    return BOOL;
  }

  // -------------------------------------------------------------------------------------------
  // Event functions

  private call(expr: CallExpr, scope: Scope): Type {
    if (expr.fn === 'days_since') return this.daysSince(expr, scope);
    const event = expr.query ? this.query(expr.query, scope) : undefined;
    if (expr.fn === 'count') return NUMBER;
    if (expr.fn === 'any' || expr.fn === 'none') return BOOL;
    // sum(Q, attr)
    if (!expr.attribute || !event) return NUMBER;
    const attribute = expr.attribute.name === 'at' ? atField(event) : event.fields.get(expr.attribute.name);
    if (!attribute) {
      const guess = suggest(expr.attribute.name, event.fields.keys());
      this.report({
        code: 'MQL2013',
        file: scope.file,
        span: expr.attribute.span,
        args: { event: event.name, name: expr.attribute.name, hint: didYouMean(guess) },
        fixes: replaceFix(scope.file, expr.attribute.span, guess),
      });
    } else {
      this.reference(attrKey(event.name, attribute.name), scope.file, expr.attribute.span, expr.attribute.name !== 'at');
      if (attribute.type.kind !== 'number' && attribute.type.kind !== 'error') {
        this.report({ code: 'MQL2015', file: scope.file, span: expr.attribute.span, args: { name: attribute.name, type: describeType(attribute.type) } });
      }
    }
    return NUMBER;
  }

  private daysSince(expr: CallExpr, scope: Scope): Type {
    const query = expr.query;
    const bareName = query?.event && !query.within && !query.where && !this.symbols.events.has(query.event.name) ? query.event : undefined;
    let arg: Expr | undefined = expr.arg;
    if (bareName) {
      const path: PathExpr = { kind: 'Path', segments: [bareName], span: bareName.span };
      this.facts.daysSinceDates.set(expr, path);
      arg = path;
    } else if (query) {
      this.query(query, scope);
      return NUMBER;
    }
    if (!arg) return NUMBER;
    const type = this.check(arg, scope);
    if (type.kind !== 'date' && type.kind !== 'error') {
      this.mismatch(scope, arg.span, `\`days_since\` takes an event type or a date, but this is ${describeType(type)}`);
    }
    return NUMBER;
  }

  /** Checks `EVENT [within DUR] [where EXPR]`; returns the event when it is known. */
  query(query: EventQuery, scope: Scope): EventInfo | undefined {
    if (!query.event) return undefined;
    const event = this.symbols.events.get(query.event.name);
    if (!event) {
      const declared = this.symbols.declarations.get(query.event.name);
      if (declared) {
        this.reference(declKey(declared.name), scope.file, query.event.span);
        const args = { name: declared.name, what: withArticle(declared.kind), where: 'as an event type' };
        this.report({ code: 'MQL2024', file: scope.file, span: query.event.span, args });
        return undefined;
      }
      const guess = suggest(query.event.name, this.symbols.events.keys());
      this.report({
        code: 'MQL2012',
        file: scope.file,
        span: query.event.span,
        args: { name: query.event.name, hint: didYouMean(guess) },
        fixes: replaceFix(scope.file, query.event.span, guess),
      });
      if (query.where) this.condition(query.where, { ...scope, event: undefined });
      return undefined;
    }
    this.reference(declKey(event.name), scope.file, query.event.span);
    if (query.where) this.condition(query.where, { ...scope, event });
    return event;
  }

  /**
   * When a bare name resolved to a declaration that shadows a lead field of the same name, a type
   * error on it is most likely meant for the field: say how to reach the field (MQL2041 explains).
   */
  private shadowHint(expr: Expr | undefined): string | undefined {
    if (expr?.kind !== 'Path' || expr.segments.length !== 1) return undefined;
    const resolution = this.facts.resolutions.get(expr);
    if (resolution?.kind !== 'decl' || !this.symbols.lead?.fields.has(resolution.name)) return undefined;
    return ` (\`${resolution.name}\` here is the ${resolution.declKind}, which shadows the lead field; write \`lead.${resolution.name}\` for the field)`;
  }

  // -------------------------------------------------------------------------------------------

  private reference(key: string, file: string, span: Span, record = true): void {
    if (record) this.symbols.index.references.push({ key, file, span });
  }

  private mismatch(scope: Scope, span: Span, message: string): Type {
    this.report({ code: 'MQL2010', file: scope.file, span, args: { message } });
    return ERROR;
  }

  private report(init: DiagnosticInit): void {
    this.diagnostics.push(makeDiagnostic(init));
  }
}

// ---------------------------------------------------------------------------------------------

/** MQL2001 for a name that is not declared, with the closest of `candidates` as "did you mean" and its fix. */
export function unknownNameDiagnostic(file: string, name: Identifier, candidates: Iterable<string>): DiagnosticInit {
  const guess = suggest(name.name, candidates);
  return { code: 'MQL2001', file, span: name.span, args: { name: name.name, hint: didYouMean(guess) }, fixes: replaceFix(file, name.span, guess) };
}

export function didYouMean(guess: string | undefined, quote = '`'): string {
  return guess ? `; did you mean ${quote}${guess}${quote}?` : '';
}

export function replaceFix(file: string, span: Span, replacement: string | undefined): Fix[] {
  if (!replacement) return [];
  return [{ title: `Change to ${replacement.startsWith('"') ? replacement : `\`${replacement}\``}`, edits: [{ file, span, newText: replacement }] }];
}

export function isLiteral(expr: Expr): boolean {
  return expr.kind === 'String' || expr.kind === 'Number' || (expr.kind === 'Unary' && expr.op === '-' && expr.operand?.kind === 'Number');
}

/** The element type of a list of literals; `error` for an empty list (matches anything). */
export function listElementType(elements: readonly Expr[]): Type {
  const first = elements[0];
  if (!first) return ERROR;
  return first.kind === 'String' ? STRING : NUMBER;
}

function textTestWord(expr: TextTestExpr): string {
  return expr.op === 'contains' ? 'contains' : expr.op === 'startsWith' ? 'starts with' : 'ends with';
}

function sameKind(a: Type, b: Type): boolean {
  return (isText(a) && isText(b)) || a.kind === b.kind;
}

export function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** The implicit `at` attribute every event has. */
function atField(event: EventInfo): FieldInfo {
  return { name: 'at', optional: false, type: DATE, file: event.file, span: event.decl.span, nameSpan: event.decl.name!.span, path: 'at' };
}

