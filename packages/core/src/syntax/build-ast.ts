// CST → AST (ast.ts). Kept apart from the grammar so parser.ts stays a plain description of the
// syntax. The CST may be partial after error recovery: a missing token or child becomes
// `undefined`, a list entry that lacks a required part is left out, and nothing here throws.
//
// Also reported here, because they need the shape of the tree rather than the token stream:
// chained comparisons (MQL1005), unsigned rule points (MQL1009) and a repeated `now` in a test.

import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import { dateMs, decodeString, durationMs, tokenSpan } from './lexer.js';

export interface BuildAstInput {
  text: string;
  file: string;
  /** `///` comment tokens in source order. */
  docComments: readonly IToken[];
}

export interface BuildAstResult {
  ast: A.FileNode;
  diagnostics: Diagnostic[];
}

export function buildAst(cst: CstNode | undefined, input: BuildAstInput): BuildAstResult {
  const builder = new AstBuilder(input);
  const ast = builder.file(cst);
  return { ast, diagnostics: builder.diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Reading the CST. Tokens inserted by Chevrotain's recovery have no text in the file (NaN offsets),
// so they count as absent.

function isRealToken(element: CstElement | undefined): element is IToken {
  return element !== undefined && 'image' in element && !element.isInsertedInRecovery && Number.isFinite(element.startOffset);
}

function isNode(element: CstElement | undefined): element is CstNode {
  return element !== undefined && 'children' in element;
}

function tokenOf(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
  const element = node?.children[key]?.[index];
  return isRealToken(element) ? element : undefined;
}

function tokensOf(node: CstNode | undefined, key: string): IToken[] {
  return (node?.children[key] ?? []).filter(isRealToken);
}

function nodeOf(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
  const element = node?.children[key]?.[index];
  return isNode(element) ? element : undefined;
}

function nodesOf(node: CstNode | undefined, key: string): CstNode[] {
  return (node?.children[key] ?? []).filter(isNode);
}

const AND: ReadonlySet<string> = new Set(['and']);
const MULTIPLICATIVE: ReadonlySet<string> = new Set(['*', '/']);

/** `left operator right`; a side lost to error recovery leaves the other (or a Binary without `right`). */
function binary(left: A.Expr | undefined, operator: IToken, right: A.Expr | undefined): A.Expr | undefined {
  if (!left) return right;
  const op = operator.image as A.BinaryExpr['op'];
  return { kind: 'Binary', op, left, right, span: cover(left.span, tokenSpan(operator), right?.span) };
}

// ---------------------------------------------------------------------------------------------
// Spans

function cover(first: A.Span, ...rest: (A.Span | undefined)[]): A.Span {
  let { start, end } = first;
  for (const span of rest) {
    if (!span) continue;
    start = Math.min(start, span.start);
    end = Math.max(end, span.end);
  }
  return { start, end };
}

function spanOfToken(token: IToken | undefined): A.Span | undefined {
  return token ? tokenSpan(token) : undefined;
}

/**
 * The span of a CST node: Chevrotain's tracked location when it is complete, otherwise (a node cut
 * short by recovery) the real tokens inside it.
 */
function spanOfNode(node: CstNode | undefined): A.Span | undefined {
  if (!node) return undefined;
  const start = node.location?.startOffset ?? Number.NaN;
  const end = node.location?.endOffset ?? Number.NaN; // inclusive
  return end >= start ? { start, end: end + 1 } : spanOfRealTokens(node); // false for NaN too
}

function spanOfRealTokens(node: CstNode): A.Span | undefined {
  let result: A.Span | undefined;
  for (const child of Object.values(node.children).flat()) {
    const span = isNode(child) ? spanOfRealTokens(child) : isRealToken(child) ? tokenSpan(child) : undefined;
    if (span) result = result ? cover(result, span) : span;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Doc comments

/**
 * Maps the offset of the first token after each run of `///` lines to the run's text. A run
 * documents whatever starts there, provided only whitespace separates them.
 */
function collectDocs(text: string, docComments: readonly IToken[]): Map<number, string> {
  const docs = new Map<number, string>();
  let run: string[] = [];
  for (let i = 0; i < docComments.length; i++) {
    const comment = docComments[i]!;
    const body = comment.image.slice(3);
    run.push(body.startsWith(' ') ? body.slice(1) : body);
    const end = comment.startOffset + comment.image.length;
    const next = docComments[i + 1];
    if (next && isBlank(text, end, next.startOffset)) continue;
    docs.set(skipWhitespace(text, end), run.join('\n'));
    run = [];
  }
  return docs;
}

function isBlank(text: string, start: number, end: number): boolean {
  return skipWhitespace(text, start) >= end;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------
// The builder: one method per grammar rule, each returning the AST node or undefined.

type Documented = { doc?: string; span: A.Span };

/**
 * The keywords of a predicate form its operator span: `not in`, `starts with`, `is missing`, but
 * only `between` of `between a and b` (the `and` sits between the bounds).
 */
const PREDICATE_KEYWORDS = ['Not', 'In', 'Contains', 'Starts', 'Ends', 'With', 'quantifier', 'Between', 'Is', 'Set', 'Missing', 'Within'];

function predicateKeywordsSpan(node: CstNode): A.Span | undefined {
  const spans = PREDICATE_KEYWORDS.flatMap((key) => spanOfToken(tokenOf(node, key)) ?? []);
  return spans[0] && cover(spans[0], ...spans);
}

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly docs: Map<number, string>;

  constructor(private readonly input: BuildAstInput) {
    this.docs = collectDocs(input.text, input.docComments);
  }

  private withDoc<T extends Documented>(node: T): T {
    const doc = this.docs.get(node.span.start);
    if (doc !== undefined) node.doc = doc;
    return node;
  }

  private report(code: 'MQL1004' | 'MQL1005' | 'MQL1009' | 'MQL1020', span: A.Span, args: Record<string, string> = {}): void {
    this.diagnostics.push(makeDiagnostic({ code, file: this.input.file, span, args }));
  }

  // --- declarations ---------------------------------------------------------------------------

  file(cst: CstNode | undefined): A.FileNode {
    const decls = nodesOf(cst, 'declaration').flatMap((node) => {
      const decl = this.declaration(node);
      return decl ? [this.withDoc(decl)] : [];
    });
    return { kind: 'File', decls, span: { start: 0, end: this.input.text.length } };
  }

  private declaration(node: CstNode): A.Declaration | undefined {
    // A declaration node has exactly one child: the node of the declaration it turned out to be.
    const child = Object.values(node.children).flat().find(isNode);
    if (!child || !spanOfNode(child)) return undefined;
    switch (child.name) {
      case 'importDecl':
        return this.importDecl(child);
      case 'leadDecl':
        return this.leadDecl(child);
      case 'eventDecl':
        return this.eventDecl(child);
      case 'listDecl':
        return this.listDecl(child);
      case 'segmentDecl':
        return this.segmentDecl(child);
      case 'scoreDecl':
        return this.scoreDecl(child);
      case 'gradeDecl':
        return this.gradeDecl(child);
      case 'stageDecl':
        return this.stageDecl(child);
      case 'testDecl':
        return this.testDecl(child);
      default:
        return undefined;
    }
  }

  private importDecl(node: CstNode): A.ImportDecl {
    return { kind: 'Import', path: this.string(tokenOf(node, 'String')), span: spanOfNode(node)! };
  }

  private leadDecl(node: CstNode): A.LeadDecl {
    const keyword = spanOfToken(tokenOf(node, 'Lead')) ?? spanOfNode(node)!;
    return { kind: 'Lead', keyword, fields: this.fields(node), span: spanOfNode(node)! };
  }

  private eventDecl(node: CstNode): A.EventDecl {
    const name = this.identifier(tokenOf(node, 'Identifier'));
    return { kind: 'Event', name, fields: this.fields(node), span: spanOfNode(node)! };
  }

  private listDecl(node: CstNode): A.ListDecl {
    const literal = nodeOf(node, 'arrayLiteral');
    return {
      kind: 'List',
      name: this.identifier(tokenOf(node, 'Identifier')),
      elements: literal ? this.arrayLiteral(literal).elements : [],
      literalSpan: spanOfNode(literal),
      span: spanOfNode(node)!,
    };
  }

  private segmentDecl(node: CstNode): A.SegmentDecl {
    return {
      kind: 'Segment',
      name: this.identifier(tokenOf(node, 'Identifier')),
      expr: this.expression(nodeOf(node, 'expression')),
      span: spanOfNode(node)!,
    };
  }

  // --- fields and types -----------------------------------------------------------------------

  private fields(node: CstNode): A.FieldDecl[] {
    return nodesOf(node, 'field').flatMap((field) => {
      const built = this.field(field);
      return built ? [this.withDoc(built)] : [];
    });
  }

  private field(node: CstNode): A.FieldDecl | undefined {
    const name = this.identifier(tokenOf(node, 'Identifier'));
    if (!name) return undefined;
    const type = this.type(nodeOf(node, 'type'));
    const from = this.string(tokenOf(node, 'String'));
    const placeholders = this.placeholders(nodeOf(node, 'placeholders'));
    const key = spanOfToken(tokenOf(node, 'key'));
    // The span stops before an optional trailing comma, which separates rather than belongs.
    const span = cover(name.span, spanOfToken(tokenOf(node, 'Colon')), type?.span, spanOfToken(tokenOf(node, 'From')), from?.span, key, placeholders?.span);
    const field: A.FieldDecl = { name, optional: tokenOf(node, 'Question') !== undefined, type, from, span };
    if (placeholders) field.placeholders = placeholders;
    if (key) field.key = key;
    return field;
  }

  private placeholders(node: CstNode | undefined): A.Placeholders | undefined {
    const span = spanOfNode(node);
    if (!node || !span) return undefined;
    const list = this.identifier(tokenOf(node, 'list'));
    if (list) return { list, span };
    const array = nodeOf(node, 'literalArray');
    return { values: array ? nodesOf(array, 'scalarLiteral').flatMap((e) => this.scalarLiteral(e) ?? []) : [], span };
  }

  private type(node: CstNode | undefined): A.TypeNode | undefined {
    const span = spanOfNode(node);
    if (!node || !span) return undefined;
    const enumType = nodeOf(node, 'enumType');
    if (enumType) {
      const members = tokensOf(enumType, 'String').map((token) => this.string(token)!);
      return { kind: 'EnumType', members, span };
    }
    const objectType = nodeOf(node, 'objectType');
    if (objectType) return { kind: 'ObjectType', fields: this.fields(objectType), span };
    const listType = nodeOf(node, 'listType');
    if (listType) return { kind: 'ListType', element: this.type(nodeOf(listType, 'type')), span };
    const name = this.identifier(tokenOf(node, 'Identifier'));
    return name ? { kind: 'NamedType', name, span } : undefined;
  }

  // --- scores ---------------------------------------------------------------------------------

  private scoreDecl(node: CstNode): A.ScoreDecl {
    const rules = nodeOf(node, 'scoreRules');
    const formula = nodeOf(node, 'scoreFormula');
    const body = rules ? this.scoreRules(rules) : formula ? this.scoreFormula(formula) : undefined;
    return { kind: 'Score', name: this.identifier(tokenOf(node, 'Identifier')), body, span: spanOfNode(node)! };
  }

  private scoreFormula(node: CstNode): A.ScoreFormulaBody | undefined {
    const span = spanOfNode(node);
    return span && { kind: 'Formula', expr: this.expression(nodeOf(node, 'expression')), span };
  }

  private scoreRules(node: CstNode): A.ScoreRulesBody | undefined {
    const span = spanOfNode(node);
    if (!span) return undefined;
    const body: A.ScoreRulesBody = { kind: 'Rules', rules: [], span };
    const range = nodeOf(node, 'rangeClause');
    if (range) {
      body.range = {
        min: this.signedNumber(nodeOf(range, 'min')),
        max: this.signedNumber(nodeOf(range, 'max')),
        span: spanOfNode(range)!,
      };
    }
    const decay = nodeOf(node, 'decayClause');
    if (decay) body.decay = { halfLife: this.duration(tokenOf(decay, 'Duration')), span: spanOfNode(decay)! };
    body.rules = nodesOf(node, 'scoreRule').flatMap((rule) => {
      const built = this.scoreRule(rule);
      return built ? [this.withDoc(built)] : [];
    });
    return body;
  }

  private scoreRule(node: CstNode): A.ScoreRule | undefined {
    const span = spanOfNode(node);
    if (!span) return undefined;
    const pointsNode = nodeOf(node, 'points');
    const base = {
      label: this.string(tokenOf(node, 'label')),
      points: this.rulePoints(pointsNode),
      max: this.signedNumber(nodeOf(node, 'max')),
      span,
    };
    if (tokenOf(node, 'When')) return { kind: 'WhenRule', ...base, condition: this.expression(nodeOf(node, 'expression')) };
    if (tokenOf(node, 'Per')) return { kind: 'PerRule', ...base, query: this.eventQuery(nodeOf(node, 'eventQuery')) };
    return undefined; // neither `when` nor `per`: the parser has reported it
  }

  /**
   * LANGUAGE.md §6: points are a sign and a literal number. `15 when x` gets MQL1009, and computed
   * points (`+(x / 100) when …`, `+min(x, 20) when …`) get MQL1020, each one precise error.
   */
  private rulePoints(points: CstNode | undefined): A.SignedNumber | undefined {
    const operand = nodeOf(points, 'unary');
    const number = tokenOf(operand, 'Number') ?? tokenOf(points, 'Number');
    const sign = tokenOf(points, 'Minus') ?? tokenOf(points, 'Plus');
    const operandSpan = spanOfNode(operand);
    if (!number || tokensOf(operand, 'Minus').length > 0) {
      if (operandSpan) this.report('MQL1020', cover(operandSpan, spanOfToken(sign)));
      return undefined;
    }
    // Without a sign the rule is still built (as positive) so tools see it; MQL1009 says what to write.
    if (!sign) this.report('MQL1009', tokenSpan(number), { text: number.image });
    const magnitude = Number(number.image);
    return { value: sign?.image === '-' ? -magnitude : magnitude, span: cover(tokenSpan(number), spanOfToken(sign)) };
  }

  private signedNumber(node: CstNode | undefined): A.SignedNumber | undefined {
    const number = tokenOf(node, 'Number');
    if (!number) return undefined;
    const minus = tokenOf(node, 'Minus');
    const sign = minus ?? tokenOf(node, 'Plus');
    const magnitude = Number(number.image);
    return { value: minus ? -magnitude : magnitude, span: cover(tokenSpan(number), spanOfToken(sign)) };
  }

  // --- grades and stages ----------------------------------------------------------------------

  private gradeDecl(node: CstNode): A.GradeDecl {
    const bands = nodesOf(node, 'gradeBand').flatMap((band) => {
      const built = this.gradeBand(band);
      return built ? [this.withDoc(built)] : [];
    });
    const grade: A.GradeDecl = {
      kind: 'Grade',
      name: this.identifier(tokenOf(node, 'Identifier')),
      bands,
      span: spanOfNode(node)!,
    };
    const elseBand = nodeOf(node, 'elseBand');
    const elseSpan = spanOfNode(elseBand);
    if (elseBand && elseSpan) grade.else = { label: this.gradeLabel(nodeOf(elseBand, 'gradeLabel')), span: elseSpan };
    return grade;
  }

  private gradeBand(node: CstNode): A.GradeBand | undefined {
    const label = this.gradeLabel(nodeOf(node, 'gradeLabel'));
    if (!label) return undefined;
    return { label, condition: this.expression(nodeOf(node, 'expression')), span: spanOfNode(node)! };
  }

  private gradeLabel(node: CstNode | undefined): A.GradeLabel | undefined {
    const name = this.identifier(tokenOf(node, 'Identifier'));
    if (name) return { value: name.name, span: name.span, quoted: false };
    const string = this.string(tokenOf(node, 'String'));
    return string && { value: string.value, span: string.span, quoted: true };
  }

  private stageDecl(node: CstNode): A.StageDecl {
    const clauses = nodesOf(node, 'stageClause').flatMap((clause) => {
      const built = this.stageClause(clause);
      return built ? [this.withDoc(built)] : [];
    });
    return {
      kind: 'Stage',
      name: this.identifier(tokenOf(node, 'name')),
      title: this.string(tokenOf(node, 'title')),
      after: this.identifier(tokenOf(node, 'after')),
      clauses,
      span: spanOfNode(node)!,
    };
  }

  private stageClause(node: CstNode): A.StageClause | undefined {
    const span = spanOfNode(node);
    if (!span) return undefined;
    return {
      kind: tokenOf(node, 'Reject') ? 'reject' : 'require',
      label: this.string(tokenOf(node, 'label')),
      condition: this.expression(nodeOf(node, 'expression')),
      span,
    };
  }

  // --- tests ----------------------------------------------------------------------------------

  private testDecl(node: CstNode): A.TestDecl {
    const test: A.TestDecl = {
      kind: 'Test',
      description: this.string(tokenOf(node, 'String')),
      leads: [],
      events: [],
      expects: [],
      span: spanOfNode(node)!,
    };
    for (const item of nodesOf(node, 'testItem')) this.testItem(test, item);
    return test;
  }

  private testItem(test: A.TestDecl, item: CstNode): void {
    const now = nodeOf(item, 'testNow');
    if (now) this.testNow(test, now);
    const lead = this.objectLiteral(nodeOf(nodeOf(item, 'testLead'), 'objectLiteral'));
    if (lead) test.leads.push(lead);
    const event = this.testEvent(nodeOf(item, 'testEvent'));
    if (event) test.events.push(event);
    const expectation = this.expectation(nodeOf(item, 'expectation'));
    if (expectation) test.expects.push(expectation);
  }

  private testNow(test: A.TestDecl, node: CstNode): void {
    const date = this.date(tokenOf(node, 'Date'));
    if (!date) return;
    if (test.now) this.report('MQL1004', spanOfNode(node)!, { message: 'a test sets `now` once; remove this second `now`' });
    else test.now = date;
  }

  private testEvent(node: CstNode | undefined): A.TestEvent | undefined {
    const span = spanOfNode(node);
    if (!node || !span) return undefined;
    const event: A.TestEvent = {
      type: this.identifier(tokenOf(node, 'Identifier')),
      attributes: this.objectLiteral(nodeOf(node, 'objectLiteral')),
      span,
    };
    const date = this.date(tokenOf(node, 'Date'));
    const duration = this.duration(tokenOf(node, 'Duration'));
    if (date) event.at = { kind: 'At', date, span: cover(date.span, spanOfToken(tokenOf(node, 'At'))) };
    else if (duration) event.at = { kind: 'Ago', duration, span: cover(duration.span, spanOfToken(tokenOf(node, 'Ago'))) };
    return event;
  }

  private expectation(node: CstNode | undefined): A.Expectation | undefined {
    const span = spanOfNode(node);
    if (!node || !span) return undefined;
    if (tokenOf(node, 'Stage')) {
      const none = tokenOf(node, 'None') !== undefined;
      return { kind: 'ExpectStage', stage: this.identifier(tokenOf(node, 'Identifier')), none, span };
    }
    return { kind: 'ExpectCondition', condition: this.expression(nodeOf(node, 'expression')), span };
  }

  private objectLiteral(node: CstNode | undefined): A.ObjectLiteral | undefined {
    const span = spanOfNode(node);
    if (!node || !span) return undefined;
    const entries = nodesOf(node, 'objectEntry').flatMap((entry) => {
      const key = this.identifier(tokenOf(entry, 'Identifier'));
      if (!key) return [];
      const value = this.literalValue(nodeOf(entry, 'literalValue'));
      return [{ key, value, span: spanOfNode(entry) ?? key.span }];
    });
    return { kind: 'Object', entries, span };
  }

  private literalValue(node: CstNode | undefined): A.LiteralValue | undefined {
    const scalar = nodeOf(node, 'scalarLiteral');
    if (scalar) return this.scalarLiteral(scalar);
    const object = nodeOf(node, 'objectLiteral');
    if (object) return this.objectLiteral(object);
    const array = nodeOf(node, 'literalArray');
    const span = spanOfNode(array);
    if (!array || !span) return undefined;
    const elements = nodesOf(array, 'scalarLiteral').flatMap((element) => this.scalarLiteral(element) ?? []);
    return { kind: 'Array', elements, span };
  }

  private scalarLiteral(node: CstNode): A.StringLiteral | A.NumberLiteral | A.UnaryExpr | A.DateLiteral | A.BoolLiteral | undefined {
    const number = this.number(tokenOf(node, 'Number'));
    const minus = tokenOf(node, 'Minus');
    if (number && minus) return { kind: 'Unary', op: '-', operand: number, span: cover(tokenSpan(minus), number.span) };
    return number ?? this.string(tokenOf(node, 'String')) ?? this.date(tokenOf(node, 'Date')) ?? this.bool(node);
  }

  // --- expressions ----------------------------------------------------------------------------

  /** Comparisons joined by `and`/`or`; `and` binds tighter (parser.ts keeps the chain flat). */
  expression(node: CstNode | undefined): A.Expr | undefined {
    return this.binaryChain(node, AND, (operand) => this.comparison(operand));
  }

  /**
   * Folds `operand (operator operand)*` with two precedence levels, each to the left: operators in
   * `tight` first, then the rest (`a - b * c / d + e` is `(a - ((b * c) / d)) + e`). Built in a
   * loop: a long flat chain must not cost stack depth here.
   */
  private binaryChain(
    node: CstNode | undefined,
    tight: ReadonlySet<string>,
    operandOf: (node: CstNode) => A.Expr | undefined,
  ): A.Expr | undefined {
    const operands = nodesOf(node, 'operand');
    const operators = tokensOf(node, 'operator');
    let term = operands[0] && operandOf(operands[0]); // the run of tight operators being folded
    let loose: A.Expr | undefined; // everything before `term`, folded
    let looseOperator: IToken | undefined; // joins `loose` and `term`
    for (let i = 0; i < operators.length; i++) {
      const operator = operators[i]!;
      const right = operands[i + 1] && operandOf(operands[i + 1]!);
      if (tight.has(operator.image)) {
        term = binary(term, operator, right);
        continue;
      }
      loose = looseOperator ? binary(loose, looseOperator, term) : term;
      looseOperator = operator;
      term = right;
    }
    return looseOperator ? binary(loose, looseOperator, term) : term;
  }

  private comparison(node: CstNode): A.Expr | undefined {
    let result = this.additive(nodeOf(node, 'additive'));
    const predicates = nodesOf(node, 'predicate');
    predicates.forEach((predicate, index) => {
      const built = result && this.predicate(result, predicate);
      if (index === 1 && built && 'opSpan' in built) this.report('MQL1005', built.opSpan);
      result = built ?? result;
    });
    return this.prefixed(tokensOf(node, 'Not'), 'not', result);
  }

  /** Wraps `operand` in one Unary per prefix token, innermost last, in a loop. */
  private prefixed(prefixes: IToken[], op: A.UnaryExpr['op'], operand: A.Expr | undefined): A.Expr | undefined {
    let result = operand;
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const span = cover(tokenSpan(prefixes[i]!), result?.span);
      result = { kind: 'Unary', op, operand: result, span };
    }
    return result;
  }

  private predicate(subject: A.Expr, node: CstNode): A.Expr | undefined {
    const span = cover(subject.span, spanOfNode(node));
    const right = this.additive(nodeOf(node, 'right'));
    const operator = tokenOf(node, 'operator'); // only comparison operators carry this label
    if (operator) {
      const op = operator.image as A.CompareExpr['op'];
      return { kind: 'Compare', op, left: subject, right, opSpan: tokenSpan(operator), span };
    }
    const opSpan = predicateKeywordsSpan(node);
    if (!opSpan) return undefined;
    if (tokenOf(node, 'In')) return { kind: 'In', negated: !!tokenOf(node, 'Not'), subject, collection: right, opSpan, span };
    const any = tokenOf(node, 'quantifier') !== undefined;
    if (tokenOf(node, 'Contains')) return { kind: 'TextTest', op: 'contains', any, subject, value: right, opSpan, span };
    if (tokenOf(node, 'Starts')) return { kind: 'TextTest', op: 'startsWith', any, subject, value: right, opSpan, span };
    if (tokenOf(node, 'Ends')) return { kind: 'TextTest', op: 'endsWith', any, subject, value: right, opSpan, span };
    if (tokenOf(node, 'Between')) {
      const low = this.additive(nodeOf(node, 'low'));
      const high = this.additive(nodeOf(node, 'high'));
      return { kind: 'Between', subject, low, high, opSpan, span };
    }
    if (tokenOf(node, 'Is')) return { kind: 'IsSet', negated: !!tokenOf(node, 'Missing'), subject, opSpan, span };
    return { kind: 'Within', subject, duration: this.duration(tokenOf(node, 'Duration')), opSpan, span };
  }

  /** Operands joined by `+ - * /`; `*` and `/` bind tighter. */
  private additive(node: CstNode | undefined): A.Expr | undefined {
    return this.binaryChain(node, MULTIPLICATIVE, (operand) => this.unary(operand));
  }

  /** Prefix minuses, then a literal, `now`, a path, a parenthesis, a list or a call. */
  private unary(node: CstNode): A.Expr | undefined {
    return this.prefixed(tokensOf(node, 'Minus'), '-', this.primary(node));
  }

  private primary(node: CstNode): A.Expr | undefined {
    const literal =
      this.number(tokenOf(node, 'Number')) ??
      this.string(tokenOf(node, 'String')) ??
      this.date(tokenOf(node, 'Date')) ??
      this.duration(tokenOf(node, 'Duration')) ??
      this.bool(node);
    if (literal) return literal;
    const now = tokenOf(node, 'Now');
    if (now) return { kind: 'Now', span: tokenSpan(now) };
    const path = nodeOf(node, 'path');
    if (path) return this.path(path);
    const paren = nodeOf(node, 'parenExpr');
    const parenSpan = spanOfNode(paren);
    if (paren && parenSpan) return { kind: 'Paren', expr: this.expression(nodeOf(paren, 'expression')), span: parenSpan };
    const array = nodeOf(node, 'arrayLiteral');
    if (array) return this.arrayLiteral(array);
    return this.call(nodeOf(node, 'call'));
  }

  private path(node: CstNode): A.PathExpr | A.FunctionCall | undefined {
    const segments = tokensOf(node, 'segment').map((token) => this.identifier(token)!);
    const span = spanOfNode(node);
    if (segments.length === 0 || !span) return undefined;
    const args = nodeOf(node, 'callArguments');
    if (!args) return { kind: 'Path', segments, span };
    const name = { name: segments.map((s) => s.name).join('.'), span: cover(segments[0]!.span, segments[segments.length - 1]!.span) };
    return this.functionCall(name, args, span);
  }

  private functionCall(name: A.Identifier, args: CstNode, span: A.Span): A.FunctionCall {
    const built = nodesOf(args, 'argument').flatMap((argument) => this.expression(argument) ?? []);
    return { kind: 'FunctionCall', name, args: built, span };
  }

  private arrayLiteral(node: CstNode): A.ArrayLiteral {
    const elements = nodesOf(node, 'element').flatMap((element) => this.expression(element) ?? []);
    return { kind: 'Array', elements, span: spanOfNode(node) ?? { start: 0, end: 0 } };
  }

  private call(node: CstNode | undefined): A.CallExpr | A.FunctionCall | undefined {
    const fnToken = tokenOf(node, 'fn');
    const span = spanOfNode(node);
    if (!node || !fnToken || !span) return undefined;
    const maxArgs = nodeOf(node, 'callArguments');
    if (maxArgs) return this.functionCall({ name: fnToken.image, span: tokenSpan(fnToken) }, maxArgs, span);
    const call: A.CallExpr = { kind: 'Call', fn: fnToken.image as A.CallExpr['fn'], fnSpan: tokenSpan(fnToken), span };
    const argument = nodeOf(node, 'daysSinceArgument');
    const query = this.eventQuery(nodeOf(argument ?? node, 'eventQuery'));
    if (query) call.query = query;
    const arg = this.expression(nodeOf(argument, 'expression'));
    if (arg) call.arg = arg;
    const attribute = this.identifier(tokenOf(node, 'attribute'));
    if (attribute) call.attribute = attribute;
    return call;
  }

  private eventQuery(node: CstNode | undefined): A.EventQuery | undefined {
    const span = spanOfNode(node);
    if (!node || !span) return undefined;
    return {
      event: this.identifier(tokenOf(node, 'Identifier')),
      within: this.duration(tokenOf(node, 'Duration')),
      where: this.expression(nodeOf(node, 'expression')),
      span,
    };
  }

  // --- tokens to leaves -----------------------------------------------------------------------

  private identifier(token: IToken | undefined): A.Identifier | undefined {
    return token && { name: token.image, span: tokenSpan(token) };
  }

  private string(token: IToken | undefined): A.StringLiteral | undefined {
    if (!token) return undefined;
    return { kind: 'String', value: decodeString(token, this.input.file).value, span: tokenSpan(token) };
  }

  private number(token: IToken | undefined): A.NumberLiteral | undefined {
    return token && { kind: 'Number', value: Number(token.image), span: tokenSpan(token) };
  }

  private bool(node: CstNode): A.BoolLiteral | undefined {
    const token = tokenOf(node, 'True') ?? tokenOf(node, 'False');
    return token && { kind: 'Bool', value: token.image === 'true', span: tokenSpan(token) };
  }

  /** An invalid calendar date keeps `ms: NaN`; the lexer has reported it (MQL1006). */
  private date(token: IToken | undefined): A.DateLiteral | undefined {
    return token && { kind: 'Date', ms: dateMs(token.image), text: token.image, span: tokenSpan(token) };
  }

  private duration(token: IToken | undefined): A.Duration | undefined {
    return token && { kind: 'Duration', ms: durationMs(token.image), text: token.image, span: tokenSpan(token) };
  }
}
