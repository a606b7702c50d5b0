// The abstract syntax tree of one .mql file, as built from the parser's CST (build-ast.ts).
//
// Every node carries a half-open span of UTF-16 offsets into its file's text. A file with syntax
// errors still yields a tree: nodes the parser could not complete are left out of the lists that
// hold them, and required children that are missing are `undefined` (typed as optional), so the
// checker, the language server and the formatter can all work on partial input.

export interface Span {
  start: number;
  end: number;
}

/** An identifier as written, with its span (names of declarations, fields, path segments). */
export interface Identifier {
  name: string;
  span: Span;
}

/** A string literal: `value` is the decoded text, the span covers the quotes. */
export interface StringLiteral {
  kind: 'String';
  value: string;
  span: Span;
}

/** A number as written in a position that only takes literal numbers (points, caps, ranges). */
export interface SignedNumber {
  value: number;
  span: Span;
}

export interface Duration {
  kind: 'Duration';
  /** Milliseconds. */
  ms: number;
  /** As written, e.g. `30d`. */
  text: string;
  span: Span;
}

export interface DateLiteral {
  kind: 'Date';
  /** Epoch milliseconds (UTC). */
  ms: number;
  text: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Files and declarations

export interface FileNode {
  kind: 'File';
  decls: Declaration[];
  span: Span;
}

export type Declaration =
  | ImportDecl
  | LeadDecl
  | EventDecl
  | ListDecl
  | SegmentDecl
  | ScoreDecl
  | GradeDecl
  | StageDecl
  | TestDecl;

interface DeclBase {
  span: Span;
  /** Text of the `///` comment lines directly above, without the slashes; lines joined by `\n`. */
  doc?: string;
}

export interface ImportDecl extends DeclBase {
  kind: 'Import';
  path?: StringLiteral;
}

export interface LeadDecl extends DeclBase {
  kind: 'Lead';
  /** Span of the `lead` keyword, where "duplicate lead schema" points. */
  keyword: Span;
  fields: FieldDecl[];
}

export interface EventDecl extends DeclBase {
  kind: 'Event';
  name?: Identifier;
  fields: FieldDecl[];
}

export interface ListDecl extends DeclBase {
  kind: 'List';
  name?: Identifier;
  /** The literal elements; the checker verifies they are literals of one type. */
  elements: Expr[];
  /** Span of the `[...]` literal. */
  literalSpan?: Span;
}

export interface SegmentDecl extends DeclBase {
  kind: 'Segment';
  name?: Identifier;
  expr?: Expr;
}

export interface ScoreDecl extends DeclBase {
  kind: 'Score';
  name?: Identifier;
  /** `score NAME { ... }`: rules form; `score NAME = EXPR`: formula form. */
  body?: ScoreRulesBody | ScoreFormulaBody;
}

export interface ScoreRulesBody {
  kind: 'Rules';
  range?: { min?: SignedNumber; max?: SignedNumber; span: Span };
  decay?: { halfLife?: Duration; span: Span };
  rules: ScoreRule[];
  span: Span;
}

export interface ScoreFormulaBody {
  kind: 'Formula';
  expr?: Expr;
  span: Span;
}

interface ScoreRuleBase {
  label?: StringLiteral;
  /** Signed points (`+15` → 15, `-30` → -30). */
  points?: SignedNumber;
  max?: SignedNumber;
  doc?: string;
  span: Span;
}

export interface WhenRule extends ScoreRuleBase {
  kind: 'WhenRule';
  condition?: Expr;
}

export interface PerRule extends ScoreRuleBase {
  kind: 'PerRule';
  query?: EventQuery;
}

export type ScoreRule = WhenRule | PerRule;

export interface GradeDecl extends DeclBase {
  kind: 'Grade';
  name?: Identifier;
  bands: GradeBand[];
  else?: { label?: GradeLabel; span: Span };
}

/** A grade label is an identifier (`A`) or a string (`"Tier 1"`). */
export interface GradeLabel {
  value: string;
  span: Span;
  /** Written as a string rather than an identifier. */
  quoted: boolean;
}

export interface GradeBand {
  label: GradeLabel;
  condition?: Expr;
  doc?: string;
  span: Span;
}

export interface StageDecl extends DeclBase {
  kind: 'Stage';
  name?: Identifier;
  title?: StringLiteral;
  after?: Identifier;
  clauses: StageClause[];
}

export interface StageClause {
  kind: 'require' | 'reject';
  label?: StringLiteral;
  condition?: Expr;
  doc?: string;
  span: Span;
}

export interface TestDecl extends DeclBase {
  kind: 'Test';
  description?: StringLiteral;
  now?: DateLiteral;
  /** The `lead { ... }` literal; several are reported by the checker, the first is used. */
  leads: ObjectLiteral[];
  events: TestEvent[];
  expects: Expectation[];
}

export interface TestEvent {
  type?: Identifier;
  attributes?: ObjectLiteral;
  at?: { kind: 'At'; date?: DateLiteral; span: Span } | { kind: 'Ago'; duration?: Duration; span: Span };
  span: Span;
}

export type Expectation =
  | { kind: 'ExpectStage'; stage?: Identifier; none: boolean; span: Span }
  | { kind: 'ExpectCondition'; condition?: Expr; span: Span };

/** `{ key: value, ... }` in tests. Values are literals, nested objects or arrays of literals. */
export interface ObjectLiteral {
  kind: 'Object';
  entries: ObjectEntry[];
  span: Span;
}

export interface ObjectEntry {
  key: Identifier;
  value?: LiteralValue;
  span: Span;
}

export type LiteralValue =
  | StringLiteral
  | NumberLiteral
  | BoolLiteral
  | DateLiteral
  | ObjectLiteral
  | ArrayLiteral
  | UnaryExpr; // `-5`: a negated number literal

// ---------------------------------------------------------------------------------------------
// Field declarations and types

export interface FieldDecl {
  name: Identifier;
  optional: boolean;
  type?: TypeNode;
  from?: StringLiteral;
  /** `missing when [...]` / `missing when LISTNAME`: input values that mean "not given". */
  placeholders?: Placeholders;
  /** The span of the `key` marker: this field is the lead's id (grammar/README.md, "Lead key"). */
  key?: Span;
  doc?: string;
  span: Span;
}

/** The placeholder values of a field: a literal list (`values`) or the name of a `list`. */
export interface Placeholders {
  values?: LiteralValue[];
  list?: Identifier;
  span: Span;
}

export type TypeNode =
  | { kind: 'NamedType'; name: Identifier; span: Span } // string, email, number, bool, date (or unknown)
  | { kind: 'EnumType'; members: StringLiteral[]; span: Span }
  | { kind: 'ObjectType'; fields: FieldDecl[]; span: Span }
  | { kind: 'ListType'; element?: TypeNode; span: Span };

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BoolLiteral
  | DateLiteral
  | Duration
  | NowExpr
  | PathExpr
  | ArrayLiteral
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | CompareExpr
  | InExpr
  | TextTestExpr
  | BetweenExpr
  | IsSetExpr
  | WithinExpr
  | CallExpr
  | FunctionCall;

export interface NumberLiteral {
  kind: 'Number';
  value: number;
  span: Span;
}

export interface BoolLiteral {
  kind: 'Bool';
  value: boolean;
  span: Span;
}

export interface NowExpr {
  kind: 'Now';
  span: Span;
}

/**
 * A dotted name: `fit`, `company.industry`, `email.domain`, `lead.title`, an event attribute `url`
 * or `at` inside `where`. What the first segment refers to is decided by the checker.
 */
export interface PathExpr {
  kind: 'Path';
  segments: Identifier[];
  span: Span;
}

export interface ArrayLiteral {
  kind: 'Array';
  elements: Expr[];
  span: Span;
}

/** Parentheses are kept so the formatter can print them back and spans stay faithful. */
export interface ParenExpr {
  kind: 'Paren';
  expr?: Expr;
  span: Span;
}

export interface UnaryExpr {
  kind: 'Unary';
  op: 'not' | '-';
  operand?: Expr;
  span: Span;
}

export interface BinaryExpr {
  kind: 'Binary';
  op: 'or' | 'and' | '+' | '-' | '*' | '/';
  left: Expr;
  right?: Expr;
  span: Span;
}

export interface CompareExpr {
  kind: 'Compare';
  op: '==' | '!=' | '<' | '<=' | '>' | '>=';
  left: Expr;
  right?: Expr;
  /** Span of the operator token, where type errors about the comparison point. */
  opSpan: Span;
  span: Span;
}

/** `x in [..]`, `x in listname`, `x not in ...` */
export interface InExpr {
  kind: 'In';
  negated: boolean;
  subject: Expr;
  collection?: Expr;
  opSpan: Span;
  span: Span;
}

/**
 * `x contains "s"`, `x starts with "s"`, `x ends with "s"` (also `contains` on lists); with `any`
 * (`x contains any ["a", "b"]`) the value is a list and the test holds when it holds for one element.
 */
export interface TextTestExpr {
  kind: 'TextTest';
  op: 'contains' | 'startsWith' | 'endsWith';
  any: boolean;
  subject: Expr;
  value?: Expr;
  opSpan: Span;
  span: Span;
}

export interface BetweenExpr {
  kind: 'Between';
  subject: Expr;
  low?: Expr;
  high?: Expr;
  opSpan: Span;
  span: Span;
}

/** `x is set` (negated = false) or `x is missing` (negated = true). */
export interface IsSetExpr {
  kind: 'IsSet';
  negated: boolean;
  subject: Expr;
  opSpan: Span;
  span: Span;
}

export interface WithinExpr {
  kind: 'Within';
  subject: Expr;
  duration?: Duration;
  opSpan: Span;
  span: Span;
}

/** `EVENT [within DUR] [where EXPR]` */
export interface EventQuery {
  event?: Identifier;
  within?: Duration;
  where?: Expr;
  span: Span;
}

/**
 * An event function call. For `count`, `any`, `none` and `sum` the argument is a query (and `sum`
 * names an attribute). `days_since(x)` is parsed as a query when `x` is a bare name (possibly with
 * `within`/`where`); otherwise as a date expression in `arg`. The checker turns a bare name that is
 * not an event type but a date into a date argument.
 */
export interface CallExpr {
  kind: 'Call';
  fn: 'count' | 'any' | 'none' | 'sum' | 'days_since';
  fnSpan: Span;
  query?: EventQuery;
  arg?: Expr;
  /** For `sum(Q, attr)`. */
  attribute?: Identifier;
  span: Span;
}

/**
 * A numeric function call written with a name: `min(a, b)`, `max(a, b)`, `clamp(x, lo, hi)`,
 * `round(x)`, `abs(x)`. The parser accepts any name here; the checker reports an unknown one once
 * (MQL2040) with the list of functions.
 */
export interface FunctionCall {
  kind: 'FunctionCall';
  /** The name as written (a dotted path such as `a.b` is joined with dots). */
  name: Identifier;
  args: Expr[];
  span: Span;
}
