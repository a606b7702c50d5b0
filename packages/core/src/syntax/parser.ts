// The .mql grammar (LANGUAGE.md §4–8) as a Chevrotain CstParser. Rules are class properties so a
// misspelt SUBRULE is a compile error. One instance is shared by every parse (`mqlParser`); the
// caller resets `input` each time. Semantic actions live in build-ast.ts, not here.
//
// Every rule is also written out in grammar/mql.ebnf; keep the two in step.
//
// The alternatives of the busiest ORs (`…Alternatives` fields) are built once rather than written
// inline: an inline OR allocates its array, an object and a closure per alternative on every call,
// which was a third of the memory a large parse allocated (Chevrotain's performance guide,
// "caching arrays of alternatives"). They only refer to `this`, never to a rule's local state.

import {
  CstParser,
  EOF,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type OrMethodOpts,
  type TokenType,
} from 'chevrotain';
import * as T from './lexer.js';

// ---------------------------------------------------------------------------------------------
// Error messages. Chevrotain's defaults ("Expecting token of type --> RCurly <--") are for grammar
// authors; these say what a rule author should write, in the words of LANGUAGE.md.

const DECLARATION_KEYWORDS =
  'a declaration (`import`, `lead`, `event`, `list`, `segment`, `score`, `grade`, `stage` or `test`)';

/** Blocks whose closing token deserves a name, and what may appear inside them. */
const BLOCKS: Record<string, { items?: string; name: string }> = {
  leadDecl: { items: 'a field', name: 'the lead schema' },
  eventDecl: { items: 'a field', name: 'the event type' },
  objectType: { items: 'a field', name: 'the object type' },
  scoreRules: { items: 'a score rule such as `+10 when …`', name: 'the score block' },
  gradeDecl: { items: 'a band such as `A when …`, `else`', name: 'the grade block' },
  stageDecl: { items: '`require`, `reject`', name: 'the stage block' },
  testDecl: { items: '`now`, `lead`, `event`, `expect`', name: 'the test block' },
  objectLiteral: { items: 'a `key: value` entry', name: 'the object' },
  arrayLiteral: { items: '`,`', name: 'the list' },
  literalArray: { items: '`,`', name: 'the list' },
  parenExpr: { name: 'the parenthesis' },
  call: { name: 'the function call' },
};

const CLOSERS = new Set<TokenType>([T.RCurly, T.RBracket, T.RParen]);

/** How an expected token type reads in a message: "`}`", "a string", "the end of the file". */
export function describeTokenType(type: TokenType): string {
  if (type === EOF) return 'the end of the file';
  return type.LABEL ?? `\`${type.name}\``;
}

/** How a found token reads in a message. */
export function describeToken(token: IToken | undefined): string {
  if (!token || token.tokenType === EOF) return 'the end of the file';
  return T.quoteSnippet(token.image);
}

function isEndOfInput(token: IToken | undefined): boolean {
  return !token || token.tokenType === EOF;
}

function butFound(actual: IToken | undefined): string {
  return isEndOfInput(actual) ? 'but the file ended' : `but found ${describeToken(actual)}`;
}

function after(previous: IToken | undefined): string {
  const real = !isEndOfInput(previous) && Number.isFinite(previous?.startOffset);
  return real ? ` after ${describeToken(previous)}` : '';
}

function oneOf(descriptions: string[]): string {
  const unique = [...new Set(descriptions)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function expectedFromPaths(paths: TokenType[][]): string {
  return oneOf(paths.flatMap((path) => (path[0] ? [describeTokenType(path[0])] : [])));
}

/**
 * The messages of the current parse that say what is missing after the previous token ("expected
 * `:` after `"Hea"`"), as opposed to those about the found token itself ("expected a declaration,
 * but found `sc`"). parse.ts shows the former on the previous token when the found one is on a
 * later line. Cleared before each parse.
 */
export const blamesPreviousToken = new Set<string>();

function blamingPrevious(message: string, previous: IToken | undefined): string {
  if (after(previous)) blamesPreviousToken.add(message);
  return message;
}

/** ERR_MSG texts in the grammar name what is expected; the provider adds "after `x`" itself. */
export const syntaxErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (expected === EOF) return `expected ${DECLARATION_KEYWORDS}, ${butFound(actual)}`;
    const block = BLOCKS[ruleName];
    if (block && CLOSERS.has(expected)) {
      const closer = `${describeTokenType(expected)} to close ${block.name}`;
      const what = block.items && !isEndOfInput(actual) ? `${block.items} or ${closer}` : closer;
      const message = `expected ${what}, ${butFound(actual)}`;
      // Found the next block's `}` or the next declaration: the block ended early, where the
      // author stopped (a `]` missing after `["vp"`); anything else is itself the mistake.
      return actual && (CLOSERS.has(actual.tokenType) || startsDeclarationLine(actual)) ? blamingPrevious(message, previous) : message;
    }
    return blamingPrevious(`expected ${describeTokenType(expected)}${after(previous)}, ${butFound(actual)}`, previous);
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${DECLARATION_KEYWORDS}, ${butFound(firstRedundant)}`;
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, customUserDescription }) {
    const expected = customUserDescription ?? expectedFromPaths(expectedPathsPerAlt.flat());
    return blamingPrevious(`expected ${expected}${after(previous)}, ${butFound(actual[0])}`, previous);
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, previous, customUserDescription }) {
    const expected = customUserDescription ?? expectedFromPaths(expectedIterationPaths);
    return blamingPrevious(`expected ${expected}${after(previous)}, ${butFound(actual[0])}`, previous);
  },
};

const DECLARATION_STARTS = new Set<TokenType>([T.Import, T.Lead, T.Event, T.List, T.Segment, T.Score, T.Grade, T.Stage, T.Test]);

/** A declaration keyword at the start of a line: where the next declaration almost surely begins. */
export function startsDeclarationLine(token: IToken): boolean {
  return DECLARATION_STARTS.has(token.tokenType) && token.startColumn === 1;
}

const COMPARISON_OPERATORS: TokenType[] = [T.EqEq, T.NotEq, T.LtEq, T.GtEq, T.Lt, T.Gt];

export class MqlParser extends CstParser {
  constructor(validateGrammar = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: syntaxErrorMessages,
      // Chevrotain's grammar validations (ambiguities, left recursion) cost about a third of the
      // parser's construction, which every `mql` run and editor start pays. They depend only on
      // the grammar, so a unit test runs them once (parse.test.ts) instead of every start.
      skipValidations: !validateGrammar,
    });
    this.performSelfAnalysis();
  }

  /**
   * Recovery may skip a token the parser did not expect ("single token deletion"), but never a
   * declaration keyword at the start of a line: `segment` typed above `score fit {` must not
   * become a segment named `fit`, which breaks every correct use of the score below.
   */
  protected override canTokenTypeBeDeletedInRecovery(tokType: TokenType): boolean {
    return !startsDeclarationLine(this.LA(1)) && super.canTokenTypeBeDeletedInRecovery(tokType);
  }

  // ---------------------------------------------------------------------------------------------
  // File and declarations

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  public declaration = this.RULE('declaration', () => {
    this.OR(this.declarationAlternatives);
  });

  private readonly declarationAlternatives: OrMethodOpts<unknown> = {
    ERR_MSG: 'a declaration',
    DEF: [
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.leadDecl) },
      { ALT: () => this.SUBRULE(this.eventDecl) },
      { ALT: () => this.SUBRULE(this.listDecl) },
      { ALT: () => this.SUBRULE(this.segmentDecl) },
      { ALT: () => this.SUBRULE(this.scoreDecl) },
      { ALT: () => this.SUBRULE(this.gradeDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
      { ALT: () => this.SUBRULE(this.testDecl) },
    ],
  };

  public importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLit);
  });

  // The lead schema, event types and nested object types each spell out their `{ FIELD... }` so
  // that a missing `}` is reported with the right block name.

  public leadDecl = this.RULE('leadDecl', () => {
    this.CONSUME(T.Lead);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.field));
    this.CONSUME(T.RCurly);
  });

  public eventDecl = this.RULE('eventDecl', () => {
    this.CONSUME(T.Event);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.field));
    this.CONSUME(T.RCurly);
  });

  public listDecl = this.RULE('listDecl', () => {
    this.CONSUME(T.List);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.arrayLiteral);
  });

  public segmentDecl = this.RULE('segmentDecl', () => {
    this.CONSUME(T.Segment);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  // ---------------------------------------------------------------------------------------------
  // Fields and types

  public objectType = this.RULE('objectType', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.field));
    this.CONSUME(T.RCurly);
  });

  public field = this.RULE('field', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.Question));
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.OPTION2(() => {
      this.CONSUME(T.From);
      this.CONSUME(T.StringLit);
    });
    this.OPTION5({ GATE: this.isKeyMarker, DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'key' }) });
    this.OPTION4(() => this.SUBRULE(this.placeholders));
    this.OPTION3(() => this.CONSUME(T.Comma));
  });

  /**
   * `key` after a field's type (and `from`) marks the lead's id field. It is not reserved: a name
   * `key` followed by `:` or `?` is the next field (`key: string`), so only that case is a marker.
   */
  private readonly isKeyMarker = (): boolean => {
    const first = this.LA(1);
    if (first.tokenType !== T.Identifier || first.image !== 'key') return false;
    const next = this.LA(2).tokenType;
    return next !== T.Colon && next !== T.Question;
  };

  /** `missing when ["Select", "N/A"]` or `missing when LISTNAME`: input values that mean "not given". */
  public placeholders = this.RULE('placeholders', () => {
    this.CONSUME(T.Missing);
    this.CONSUME(T.When);
    this.OR({
      ERR_MSG: 'a list of placeholder strings such as `["Select", "N/A"]` or a `list` name',
      DEF: [{ ALT: () => this.SUBRULE(this.literalArray) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'list' }) }],
    });
  });

  public type = this.RULE('type', () => {
    this.OR({
      ERR_MSG: 'a type (`string`, `email`, `number`, `bool`, `date`, an enum such as `"a" | "b"`, `{ ... }` or `list of ...`)',
      DEF: [
        { ALT: () => this.SUBRULE(this.enumType) },
        { ALT: () => this.SUBRULE(this.objectType) },
        { ALT: () => this.SUBRULE(this.listType) },
        { ALT: () => this.CONSUME(T.Identifier) },
      ],
    });
  });

  public enumType = this.RULE('enumType', () => {
    this.CONSUME(T.StringLit);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.CONSUME2(T.StringLit);
    });
  });

  public listType = this.RULE('listType', () => {
    this.CONSUME(T.List);
    this.CONSUME(T.Of);
    this.SUBRULE(this.type);
  });

  // ---------------------------------------------------------------------------------------------
  // Scores

  public scoreDecl = this.RULE('scoreDecl', () => {
    this.CONSUME(T.Score);
    this.CONSUME(T.Identifier);
    this.OR({
      ERR_MSG: '`{` or `=`',
      DEF: [{ ALT: () => this.SUBRULE(this.scoreRules) }, { ALT: () => this.SUBRULE(this.scoreFormula) }],
    });
  });

  public scoreFormula = this.RULE('scoreFormula', () => {
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  public scoreRules = this.RULE('scoreRules', () => {
    this.CONSUME(T.LCurly);
    this.OPTION(() => this.SUBRULE(this.rangeClause));
    this.OPTION2(() => this.SUBRULE(this.decayClause));
    this.MANY(() => this.SUBRULE(this.scoreRule));
    this.CONSUME(T.RCurly);
  });

  public rangeClause = this.RULE('rangeClause', () => {
    this.CONSUME(T.Range);
    this.SUBRULE(this.signedNumber, { LABEL: 'min' });
    this.CONSUME(T.To);
    this.SUBRULE2(this.signedNumber, { LABEL: 'max' });
  });

  public decayClause = this.RULE('decayClause', () => {
    this.CONSUME(T.Decay);
    this.CONSUME(T.HalfLife);
    this.CONSUME(T.DurationLit);
  });

  /**
   * `["Label":] (+N|-N) (when EXPR | per QUERY) [max M]`. An unsigned N is accepted here so the AST
   * builder can report the precise MQL1009 ("rule points need a sign") instead of a generic error.
   */
  public scoreRule = this.RULE('scoreRule', () => {
    this.OPTION(() => {
      this.CONSUME(T.StringLit, { LABEL: 'label' });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.rulePoints, { LABEL: 'points' });
    this.OR({
      ERR_MSG: '`when` or `per`',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.When);
            this.SUBRULE(this.expression);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Per);
            this.SUBRULE(this.eventQuery);
          },
        },
      ],
    });
    this.OPTION2(() => {
      this.CONSUME(T.Max);
      this.SUBRULE2(this.signedNumber, { LABEL: 'max' });
    });
  });

  /**
   * Rule points: a sign and a number. Any other operand after the sign (`+(x / 100)`, `+min(…)`) is
   * parsed too, so the AST builder can say in one error (MQL1020) that points are a literal number
   * and where computed points go, instead of a cascade of syntax errors.
   */
  public rulePoints = this.RULE('rulePoints', () => {
    this.OR({
      ERR_MSG: 'rule points such as `+10` or `-5`',
      DEF: [
        {
          ALT: () => {
            this.OR2([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
            this.SUBRULE(this.unary);
          },
        },
        { ALT: () => this.CONSUME(T.NumberLit) }, // no sign: MQL1009
      ],
    });
  });

  /** A literal number with an optional sign: caps and range bounds. */
  public signedNumber = this.RULE('signedNumber', () => {
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]));
    this.CONSUME(T.NumberLit);
  });

  // ---------------------------------------------------------------------------------------------
  // Grades and stages

  public gradeDecl = this.RULE('gradeDecl', () => {
    this.CONSUME(T.Grade);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.gradeBand));
    this.OPTION(() => this.SUBRULE(this.elseBand));
    this.CONSUME(T.RCurly);
  });

  public gradeBand = this.RULE('gradeBand', () => {
    this.SUBRULE(this.gradeLabel);
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  public elseBand = this.RULE('elseBand', () => {
    this.CONSUME(T.Else);
    this.SUBRULE(this.gradeLabel);
  });

  public gradeLabel = this.RULE('gradeLabel', () => {
    this.OR({
      ERR_MSG: 'a grade label (a name such as `A` or a string)',
      DEF: [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.StringLit) }],
    });
  });

  public stageDecl = this.RULE('stageDecl', () => {
    this.CONSUME(T.Stage);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => this.CONSUME(T.StringLit, { LABEL: 'title' }));
    this.OPTION2(() => {
      this.CONSUME(T.After);
      this.CONSUME2(T.Identifier, { LABEL: 'after' });
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.stageClause));
    this.CONSUME(T.RCurly);
  });

  public stageClause = this.RULE('stageClause', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Require) }, { ALT: () => this.CONSUME(T.Reject) }]);
    // `require "Label": x` versus `require "abc" == x`: the colon decides (two-token look-ahead).
    this.OPTION(() => {
      this.CONSUME(T.StringLit, { LABEL: 'label' });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expression);
  });

  // ---------------------------------------------------------------------------------------------
  // Tests

  public testDecl = this.RULE('testDecl', () => {
    this.CONSUME(T.Test);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.testItem));
    this.CONSUME(T.RCurly);
  });

  public testItem = this.RULE('testItem', () => {
    this.OR({
      ERR_MSG: '`now`, `lead`, `event` or `expect`',
      DEF: [
        { ALT: () => this.SUBRULE(this.testNow) },
        { ALT: () => this.SUBRULE(this.testLead) },
        { ALT: () => this.SUBRULE(this.testEvent) },
        { ALT: () => this.SUBRULE(this.expectation) },
      ],
    });
  });

  public testNow = this.RULE('testNow', () => {
    this.CONSUME(T.Now);
    this.CONSUME(T.DateLit);
  });

  public testLead = this.RULE('testLead', () => {
    this.CONSUME(T.Lead);
    this.SUBRULE(this.objectLiteral);
  });

  public testEvent = this.RULE('testEvent', () => {
    this.CONSUME(T.Event);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.objectLiteral));
    this.OR({
      ERR_MSG: 'when the event happened (`at 2026-10-31` or `3d ago`)',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.At);
            this.CONSUME(T.DateLit);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.DurationLit);
            this.CONSUME(T.Ago);
          },
        },
      ],
    });
  });

  public expectation = this.RULE('expectation', () => {
    this.CONSUME(T.Expect);
    this.OR({
      ERR_MSG: '`stage NAME`, `stage none` or a condition',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.Stage);
            this.OR2({
              ERR_MSG: 'a stage name or `none`',
              DEF: [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.None) }],
            });
          },
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });

  /** `{ key: value, ... }`; commas are optional and a trailing comma is fine. */
  public objectLiteral = this.RULE('objectLiteral', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.objectEntry);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  public objectEntry = this.RULE('objectEntry', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.literalValue);
  });

  public literalValue = this.RULE('literalValue', () => {
    this.OR({
      ERR_MSG: 'a value (a string, number, date, `true`, `false`, `{ ... }` or `[ ... ]`)',
      DEF: [
        { ALT: () => this.SUBRULE(this.scalarLiteral) },
        { ALT: () => this.SUBRULE(this.objectLiteral) },
        { ALT: () => this.SUBRULE(this.literalArray) },
      ],
    });
  });

  public literalArray = this.RULE('literalArray', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.scalarLiteral);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.scalarLiteral);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  public scalarLiteral = this.RULE('scalarLiteral', () => {
    this.OR({
      ERR_MSG: 'a literal value (a string, number, date, `true` or `false`)',
      DEF: [
        { ALT: () => this.CONSUME(T.StringLit) },
        {
          ALT: () => {
            this.OPTION(() => this.CONSUME(T.Minus));
            this.CONSUME(T.NumberLit);
          },
        },
        { ALT: () => this.CONSUME(T.DateLit) },
        { ALT: () => this.CONSUME(T.True) },
        { ALT: () => this.CONSUME(T.False) },
      ],
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Expressions. Two flat levels instead of one rule per precedence level: `expression` joins
  // comparisons with `and`/`or`, `additive` joins operands with `+ - * /`, and the AST builder
  // applies precedence (`*` `/` before `+` `-`, `and` before `or`). A rule per level put eight CST
  // nodes above every literal and name; building and walking them was most of a cold parse.
  // Operators are labelled `operator` so the builder sees them in order.

  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.comparison, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.And, { LABEL: 'operator' }) },
        { ALT: () => this.CONSUME(T.Or, { LABEL: 'operator' }) },
      ]);
      this.SUBRULE2(this.comparison, { LABEL: 'operand' });
    });
  });

  /**
   * Prefix `not`s (a loop, not recursion, so a long run cannot exhaust the stack) apply to the
   * whole comparison. A chain such as `a < b < c` is parsed and reported by the builder (MQL1005).
   */
  public comparison = this.RULE('comparison', () => {
    this.MANY(() => this.CONSUME(T.Not));
    this.SUBRULE(this.additive);
    this.MANY2(() => this.SUBRULE(this.predicate));
  });

  private readonly comparisonOperatorAlternatives: IOrAlt<unknown>[] = COMPARISON_OPERATORS.map((op) => ({
    ALT: () => this.CONSUME(op, { LABEL: 'operator' }),
  }));

  private readonly predicateAlternatives: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.OR2(this.comparisonOperatorAlternatives);
        this.SUBRULE(this.additive, { LABEL: 'right' });
      },
    },
    {
      ALT: () => {
        this.OPTION(() => this.CONSUME(T.Not));
        this.CONSUME(T.In);
        this.SUBRULE2(this.additive, { LABEL: 'right' });
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.Contains);
        this.OPTION2({ GATE: this.anyIsQuantifier, DEF: () => this.CONSUME(T.Any, { LABEL: 'quantifier' }) });
        this.SUBRULE3(this.additive, { LABEL: 'right' });
      },
    },
    {
      ALT: () => {
        this.OR3([{ ALT: () => this.CONSUME(T.Starts) }, { ALT: () => this.CONSUME(T.Ends) }]);
        this.CONSUME(T.With);
        this.OPTION3({ GATE: this.anyIsQuantifier, DEF: () => this.CONSUME2(T.Any, { LABEL: 'quantifier' }) });
        this.SUBRULE4(this.additive, { LABEL: 'right' });
      },
    },
    {
      // The bounds are additive-level, so the `and` here is never the boolean `and`.
      ALT: () => {
        this.CONSUME(T.Between);
        this.SUBRULE5(this.additive, { LABEL: 'low' });
        this.CONSUME(T.And);
        this.SUBRULE6(this.additive, { LABEL: 'high' });
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.Is);
        this.OR4({
          ERR_MSG: '`set` or `missing`',
          DEF: [{ ALT: () => this.CONSUME(T.Set) }, { ALT: () => this.CONSUME(T.Missing) }],
        });
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.Within);
        this.CONSUME(T.DurationLit);
      },
    },
  ];

  /**
   * `contains any LIST`, `starts with any LIST`: `any` here is the quantifier unless `(` follows,
   * which makes it the event function `any(Q)` (a boolean, which `contains` then rejects).
   */
  private readonly anyIsQuantifier = (): boolean => this.LA(2).tokenType !== T.LParen;

  public predicate = this.RULE('predicate', () => {
    this.OR(this.predicateAlternatives);
  });

  private readonly arithmeticOperatorAlternatives: IOrAlt<unknown>[] = [T.Plus, T.Minus, T.Star, T.Slash].map((op) => ({
    ALT: () => this.CONSUME(op, { LABEL: 'operator' }),
  }));

  public additive = this.RULE('additive', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY({
      GATE: () => !this.startsScoreRule(),
      DEF: () => {
        this.OR(this.arithmeticOperatorAlternatives);
        this.SUBRULE2(this.unary, { LABEL: 'operand' });
      },
    });
  });

  private readonly primaryAlternatives: OrMethodOpts<unknown> = {
    ERR_MSG: 'an expression',
    DEF: [
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.DateLit) },
      { ALT: () => this.CONSUME(T.DurationLit) },
      { ALT: () => this.CONSUME(T.Now) },
      { ALT: () => this.SUBRULE(this.path) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.arrayLiteral) },
      { ALT: () => this.SUBRULE(this.call) },
    ],
  };

  /** A primary expression after prefix minuses (a loop for the same reason as `not`). */
  public unary = this.RULE('unary', () => {
    this.MANY(() => this.CONSUME(T.Minus));
    this.OR(this.primaryAlternatives);
  });

  /** `a.b.c`; the first segment may be `lead`, any segment may be `at` (an event's timestamp). */
  public path = this.RULE('path', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Lead, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.At, { LABEL: 'segment' }) },
    ]);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.OR2({
        ERR_MSG: 'a field name',
        DEF: [
          { ALT: () => this.CONSUME2(T.Identifier, { LABEL: 'segment' }) },
          { ALT: () => this.CONSUME2(T.At, { LABEL: 'segment' }) },
        ],
      });
    });
    // `min(a, b)`, `round(x)`: a name followed by `(` is a function call. A `(` can follow a name
    // nowhere else, so this costs one token test per path and no alternative in `unary`.
    this.OPTION(() => this.SUBRULE(this.callArguments));
  });

  /** `( expression { , expression } )` of a numeric function (`min`, `max`, `clamp`, `round`, `abs`). */
  public callArguments = this.RULE('callArguments', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'argument' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'argument' });
      });
    });
    this.CONSUME(T.RParen);
  });

  public parenExpr = this.RULE('parenExpr', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `[a, b, c]` with an optional trailing comma. */
  public arrayLiteral = this.RULE('arrayLiteral', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'element' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'element' });
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  /**
   * `count(Q)`, `any(Q)`, `none(Q)`, `sum(Q, attr)`, `days_since(Q or date)`, and `max(a, b)`,
   * whose name is a keyword (score rules' `max M`); the other numeric functions are names (`path`).
   */
  public call = this.RULE('call', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Max, { LABEL: 'fn' });
          this.SUBRULE(this.callArguments);
        },
      },
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Count, { LABEL: 'fn' }) },
            { ALT: () => this.CONSUME(T.Any, { LABEL: 'fn' }) },
            { ALT: () => this.CONSUME(T.None, { LABEL: 'fn' }) },
          ]);
          this.CONSUME(T.LParen);
          this.SUBRULE(this.eventQuery);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Sum, { LABEL: 'fn' });
          this.CONSUME2(T.LParen);
          this.SUBRULE2(this.eventQuery);
          this.CONSUME(T.Comma);
          this.CONSUME(T.Identifier, { LABEL: 'attribute' });
          this.CONSUME2(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.DaysSince, { LABEL: 'fn' });
          this.CONSUME3(T.LParen);
          this.SUBRULE(this.daysSinceArgument);
          this.CONSUME3(T.RParen);
        },
      },
    ]);
  });

  /**
   * A bare event name (optionally with `within`/`where`) is a query; anything else is a date
   * expression. Decided by look-ahead rather than grammar because `x` alone fits both readings.
   */
  public daysSinceArgument = this.RULE('daysSinceArgument', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.startsEventQuery(), ALT: () => this.SUBRULE(this.eventQuery) },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });

  public eventQuery = this.RULE('eventQuery', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Within);
      this.CONSUME(T.DurationLit);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression);
    });
  });

  /**
   * LANGUAGE.md §6: inside a score block, `(+|-) NUMBER (when|per)` always starts a new rule. The
   * gate is applied to every additive loop: `when`/`per` can never follow an expression anywhere
   * else, so outside score blocks it changes nothing but where an error is reported.
   */
  private startsScoreRule(): boolean {
    const sign = this.LA(1).tokenType; // checked first: this runs before every `+`/`-` loop step
    if (sign !== T.Plus && sign !== T.Minus) return false;
    const second = this.LA(2).tokenType;
    if (second === T.NumberLit) return isRuleKeyword(this.LA(3).tokenType);
    return this.startsComputedPoints(second);
  }

  /**
   * The same gate for points that are one operand other than a number, `+(x / 100) when` or
   * `+min(x, 20) when`, which are not valid (MQL1020) but must still start a new rule so that the
   * error is that one message. `when`/`per` cannot follow an expression, so this reading is the only
   * one; the operand is a parenthesis, a call or a dotted name, scanned to its end.
   */
  private startsComputedPoints(second: TokenType): boolean {
    let i = 2;
    if (second === T.Identifier || second === T.Max) {
      i++;
      while (this.LA(i).tokenType === T.Dot && this.LA(i + 1).tokenType === T.Identifier) i += 2;
      if (this.LA(i).tokenType !== T.LParen) return isRuleKeyword(this.LA(i).tokenType);
    } else if (second !== T.LParen) {
      return false;
    }
    return isRuleKeyword(this.LA(this.closingParen(i) + 1).tokenType);
  }

  /** The look-ahead index of the `)` matching the `(` at index `open` (or of the end of input). */
  private closingParen(open: number): number {
    let depth = 0;
    for (let i = open; ; i++) {
      const type = this.LA(i).tokenType;
      if (type === T.LParen) depth++;
      else if (type === T.RParen && --depth === 0) return i;
      else if (type === EOF) return i;
    }
  }

  private startsEventQuery(): boolean {
    const next = this.LA(2).tokenType;
    return this.LA(1).tokenType === T.Identifier && (next === T.RParen || next === T.Within || next === T.Where);
  }
}

function isRuleKeyword(type: TokenType): boolean {
  return type === T.When || type === T.Per;
}

/** The one parser instance; Chevrotain parsers are built once and reused by resetting `input`. */
export const mqlParser = new MqlParser();
