// Completion. The grammar says what may come next (completion-context.ts); the analysis says which
// names exist and what type a path has. Works while typing: the file may be unfinished at the
// cursor and broken elsewhere.
//
// Offered where they fit: keywords and block snippets at the start of a declaration, rule, clause
// or test item; names in expressions (the where-event's attributes first, lead fields, lists,
// segments, scores, grades); fields after `.`; enum members for a string compared with an enum
// (also inside `[...]` after `in`, and as values in a test's lead); event types in queries, after
// `per` and in test events; stage names after `after` and `expect stage`; attributes in `sum`;
// keys of a test's lead; types in a schema; file paths in `import`.

import type { IToken, TokenType } from 'chevrotain';
import type { PathExpr, Span } from '../syntax/ast.js';
import { ExprChecker } from '../check/check-expr.js';
import { MATH_FUNCTION_INFO, type FunctionInfo } from '../check/functions.js';
import type { Analysis } from '../check/checker.js';
import type { ProgramFile } from '../check/program.js';
import * as T from '../syntax/lexer.js';
import { dirname, joinPath, relativePath } from '../check/paths.js';
import { PRIMITIVE_TYPE_NAMES, type FieldInfo, type Type } from '../check/types.js';
import {
  cursorContext,
  enclosingOpener,
  expects,
  identifierRules,
  lastToken,
  pathBeforeDot,
  pathEndingAt,
  queryEventBefore,
  type CursorContext,
} from './completion-context.js';
import { BLOCK_SNIPPETS, type Snippet } from './snippets.js';
import { declarationIndexBefore, programFile, shortTypeText, tokenEnd } from './source.js';
import { KEYWORD_DOCS, OPERATOR_DOCS } from './word-docs.js';

export type CompletionKind =
  | 'keyword'
  | 'snippet'
  | 'field'
  | 'attribute'
  | 'event'
  | 'list'
  | 'segment'
  | 'score'
  | 'grade'
  | 'stage'
  | 'enumMember'
  | 'value'
  | 'type'
  | 'file'
  | 'folder'
  | 'function';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What to insert instead of the label; LSP snippet syntax (`${1:name}`) when `snippet` is set. */
  insertText?: string;
  snippet?: boolean;
  /** The text typed so far is matched against this (for items that replace a whole string). */
  filterText?: string;
  sortText?: string;
}

export interface CompletionList {
  items: CompletionItem[];
  /** The text every item replaces: the word or string at the cursor (empty at a fresh position). */
  replace: Span;
}

/** File-system access for import paths; core does no I/O itself. */
export interface CompletionHost {
  /** Entries of a folder (absolute, `/`-separated path), or undefined when there is none. */
  listDirectory?(path: string): { name: string; directory: boolean }[] | undefined;
}

const EMPTY: CompletionList = { items: [], replace: { start: 0, end: 0 } };

export function completionsAt(analysis: Analysis, file: string, offset: number, host: CompletionHost = {}): CompletionList {
  const source = programFile(analysis, file);
  const context = source && cursorContext(source, offset);
  if (!context) return { ...EMPTY, replace: { start: offset, end: offset } };
  const items = atLineStart(source, context) ? startOfLineOrder(new Completer(analysis, file, context, host).items()) : new Completer(analysis, file, context, host).items();
  // Stable sort: groups by sortText (values, fields, names, functions, keywords, snippets), each in
  // the order it was made (schema order, declaration order, grammar order).
  const ordered = dedupe(items).sort((a, b) => ((a.sortText ?? '9') < (b.sortText ?? '9') ? -1 : (a.sortText ?? '9') > (b.sortText ?? '9') ? 1 : 0));
  return { items: ordered, replace: context.replace };
}

/** Nothing but indentation before the word at the cursor: a new rule, clause or item starts here. */
function atLineStart(source: ProgramFile, context: CursorContext): boolean {
  const lineStart = source.text.lastIndexOf('\n', context.replace.start - 1) + 1;
  return !context.inString && source.text.slice(lineStart, context.replace.start).trim() === '';
}

/** Words that continue the previous line's expression: at the start of a line they are unlikely. */
const CONTINUATIONS = new Set(['and', 'or', 'not in', 'between', 'in', 'contains', 'starts with', 'ends with', 'is', 'is set', 'is missing', 'max', 'within', 'where', 'when', 'per', '>=', '>', '<=', '<', '==', '!=']);

/** At the start of a line the snippets of what may start there come first, continuations last. */
function startOfLineOrder(items: CompletionItem[]): CompletionItem[] {
  return items.map((item) =>
    item.kind === 'snippet' ? { ...item, sortText: '0' } : item.kind === 'keyword' && CONTINUATIONS.has(item.label) ? { ...item, sortText: '8' } : item,
  );
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}:${item.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Keywords that read as one with the next: offered together.
const PHRASES: Partial<Record<string, string>> = {
  starts: 'starts with',
  ends: 'ends with',
  decay: 'decay half-life',
};

const FUNCTIONS: Record<string, { snippet: string; detail: string }> = {
  count: { snippet: 'count(${1:event})', detail: 'number of matching events' },
  any: { snippet: 'any(${1:event})', detail: 'true when some event matches' },
  none: { snippet: 'none(${1:event})', detail: 'true when no event matches' },
  sum: { snippet: 'sum(${1:event}, ${2:attribute})', detail: 'sum of a number attribute over matching events' },
  days_since: { snippet: 'days_since(${1:event})', detail: 'days since the latest matching event (or a date)' },
  max: { snippet: mathSnippet(MATH_FUNCTION_INFO.max), detail: MATH_FUNCTION_INFO.max.doc },
};

class Completer {
  private readonly checker: ExprChecker;

  constructor(
    private readonly analysis: Analysis,
    private readonly file: string,
    private readonly context: CursorContext,
    private readonly host: CompletionHost,
  ) {
    // A private copy of the index: checking a path for completion must not add references.
    const symbols = { ...analysis, index: { definitions: analysis.index.definitions, references: [] }, diagnostics: [] };
    this.checker = new ExprChecker(symbols, []);
  }

  items(): CompletionItem[] {
    const context = this.context;
    if (context.inString) return [...this.stringItems(), ...this.labelledSnippets()];
    const dotted = pathBeforeDot(context.before);
    if (dotted) return this.memberItems(dotted);
    return [...this.identifierItems(), ...this.stringItems(), ...this.keywordItems(), ...this.snippetItems()];
  }

  // --- names ----------------------------------------------------------------------------------

  private identifierItems(): CompletionItem[] {
    const items: CompletionItem[] = [];
    const previous = lastToken(this.context);
    for (const stack of identifierRules(this.context)) {
      const rule = stack[stack.length - 1];
      if (rule === 'path') items.push(...this.namesInScope(stack));
      else if (rule === 'eventQuery' || rule === 'testEvent') items.push(...this.eventItems());
      else if ((rule === 'stageDecl' && previous?.tokenType === T.After) || rule === 'expectation') items.push(...this.stageItems());
      else if (rule === 'call') items.push(...this.sumAttributeItems());
      else if (rule === 'objectEntry' || rule === 'objectLiteral') items.push(...this.objectKeyItems());
      else if (rule === 'type') items.push(...this.typeItems());
    }
    return items;
  }

  private namesInScope(stack: string[]): CompletionItem[] {
    const afterIn = lastToken(this.context)?.tokenType === T.In;
    // Inside `[ … ]` only literals are allowed; enum members are offered by stringItems.
    if (enclosingOpener(this.context.before, [T.LBracket]) >= 0) return [];
    const items: CompletionItem[] = [];
    if (!afterIn && stack.includes('eventQuery')) {
      const event = this.analysis.events.get(queryEventBefore(this.context.before) ?? '');
      if (event) {
        for (const field of event.fields.values()) items.push(fieldItem(field, 'attribute', `attribute of ${event.name}`, '0'));
        items.push({ label: 'at', kind: 'attribute', detail: `date · when the ${event.name} happened`, sortText: '0' });
      }
    }
    const owner = this.context.owner?.name;
    const dependents = owner !== undefined ? dependentsOf(this.analysis, owner) : new Set<string>();
    for (const decl of this.analysis.declarations.values()) {
      // Nothing that would make a cycle: the owner itself, or a name whose value depends on it.
      if (decl.kind === 'event' || decl.kind === 'stage' || decl.name === owner || dependents.has(decl.name)) continue;
      if (afterIn && decl.kind !== 'list') continue;
      items.push(this.declarationItem(decl.name, decl.kind));
    }
    if (!afterIn) {
      for (const field of this.analysis.lead?.fields.values() ?? []) items.push(fieldItem(field, 'field', 'lead field', '1'));
      items.push(...mathFunctionItems());
    }
    return items;
  }

  private declarationItem(name: string, kind: 'list' | 'segment' | 'score' | 'grade' | 'event' | 'stage'): CompletionItem {
    const definition = this.analysis.index.definitions.get(`decl:${name}`);
    const details: Record<typeof kind, string> = {
      list: 'list',
      segment: 'segment · true or false',
      score: 'score · a number',
      grade: 'grade · a label',
      event: 'event type',
      stage: 'stage',
    };
    return { label: name, kind, detail: details[kind], documentation: definition?.doc, sortText: '2' };
  }

  private eventItems(): CompletionItem[] {
    return [...this.analysis.events.values()].map((event) => this.declarationItem(event.name, 'event'));
  }

  private stageItems(): CompletionItem[] {
    const own = this.context.owner?.keyword === T.Stage ? this.context.owner.name : undefined;
    return [...this.analysis.declarations.values()]
      .filter((decl) => decl.kind === 'stage' && decl.name !== own)
      .map((decl) => this.declarationItem(decl.name, 'stage'));
  }

  /** `sum(EVENT …, |)`: the event's number attributes. */
  private sumAttributeItems(): CompletionItem[] {
    const before = this.context.before;
    const open = enclosingOpener(before, [T.LParen]);
    if (open < 1 || before[open - 1]!.tokenType !== T.Sum || lastToken(this.context)?.tokenType !== T.Comma) return [];
    const event = this.analysis.events.get(before[open + 1]?.image ?? '');
    return [...(event?.fields.values() ?? [])]
      .filter((field) => field.type.kind === 'number')
      .map((field) => fieldItem(field, 'attribute', `attribute of ${event!.name}`, '0'));
  }

  private typeItems(): CompletionItem[] {
    const primitives = PRIMITIVE_TYPE_NAMES.map((name): CompletionItem => ({ label: name, kind: 'type', detail: 'type', sortText: '1' }));
    const shapes: CompletionItem[] = [
      { label: 'list of …', kind: 'snippet', insertText: 'list of ${1:string}', snippet: true, detail: 'a list of strings, numbers or enum members', sortText: '1' },
      { label: '"a" | "b"', kind: 'snippet', insertText: '"${1:a}" | "${2:b}"', snippet: true, detail: 'an enum: one of the listed strings', sortText: '1' },
      { label: '{ … }', kind: 'snippet', insertText: '{\n\t${1:name}: ${2:string}\n}', snippet: true, detail: 'a nested object', sortText: '1' },
    ];
    return [...primitives, ...shapes];
  }

  // --- after `.` ------------------------------------------------------------------------------

  private memberItems(segments: IToken[]): CompletionItem[] {
    if (segments.length === 1 && segments[0]!.tokenType === T.Lead) {
      return [...(this.analysis.lead?.fields.values() ?? [])].map((field) => fieldItem(field, 'field', 'lead field', '1'));
    }
    const type = this.typeOfPath(segments);
    if (type?.kind === 'object') return [...type.fields.values()].map((field) => fieldItem(field, 'field', `field of ${type.name}`, '1'));
    if (type?.kind === 'email') {
      return [
        { label: 'domain', kind: 'field', detail: 'string · after the last `@`, lower-cased' },
        { label: 'local', kind: 'field', detail: 'string · before the last `@`' },
      ];
    }
    return [];
  }

  /** The type of a path, checked exactly as the checker would in this place. */
  private typeOfPath(segments: IToken[]): Type | undefined {
    const identifiers = segments.map((t) => ({ name: t.image, span: { start: t.startOffset, end: tokenEnd(t) } }));
    const path: PathExpr = { kind: 'Path', segments: identifiers, span: { start: identifiers[0]!.span.start, end: identifiers[identifiers.length - 1]!.span.end } };
    const inQuery = this.context.next.some((s) => s.ruleStack.includes('eventQuery'));
    const event = inQuery ? this.analysis.events.get(queryEventBefore(this.context.before) ?? '') : undefined;
    const type = this.checker.check(path, { file: this.file, event });
    return type.kind === 'error' ? undefined : type;
  }

  // --- strings and values ---------------------------------------------------------------------

  /** Strings that fit at the cursor: an import path, or a member of the enum the value is compared with. */
  private stringItems(): CompletionItem[] {
    if (lastToken(this.context)?.tokenType === T.Import) return this.importItems();
    if (!expects(this.context, T.StringLit)) return [];
    return this.enumValueItems();
  }

  private enumValueItems(): CompletionItem[] {
    const type = this.expectedValueType();
    if (type?.kind !== 'enum') return [];
    return type.members.map((member) => {
      const text = JSON.stringify(member);
      return { label: text, kind: 'enumMember', detail: type.name ? `label of ${type.name}` : 'enum member', insertText: text, filterText: text, sortText: '0' };
    });
  }

  /**
   * The type a value at the cursor is compared with: the other side of `==`/`!=`, the subject of
   * `in [ … ]`, the list of `contains`, or the field of a test literal's `key:`.
   */
  private expectedValueType(): Type | undefined {
    const before = this.context.before;
    const previous = lastToken(this.context);
    if (previous?.tokenType === T.EqEq || previous?.tokenType === T.NotEq) return this.typeOfTokens(pathEndingAt(before, before.length - 1));
    if (previous?.tokenType === T.Contains) {
      const type = this.typeOfTokens(pathEndingAt(before, before.length - 1));
      return type?.kind === 'list' ? type.element : undefined;
    }
    if (previous?.tokenType === T.Colon) {
      const field = this.objectFields()?.get(before[before.length - 2]?.image ?? '');
      return field?.type.kind === 'list' ? field.type.element : field?.type;
    }
    const bracket = enclosingOpener(before, [T.LBracket]);
    if (bracket >= 1 && before[bracket - 1]!.tokenType === T.In) {
      const subjectEnd = before[bracket - 2]?.tokenType === T.Not ? bracket - 2 : bracket - 1;
      return this.typeOfTokens(pathEndingAt(before, subjectEnd));
    }
    if (bracket >= 1 && before[bracket - 1]!.tokenType === T.Colon) {
      const field = this.objectFields(before.slice(0, bracket))?.get(before[bracket - 2]?.image ?? '');
      return field?.type.kind === 'list' ? field.type.element : undefined;
    }
    return undefined;
  }

  private typeOfTokens(segments: IToken[] | undefined): Type | undefined {
    return segments ? this.typeOfPath(segments) : undefined;
  }

  private importItems(): CompletionItem[] {
    const listing = this.host.listDirectory;
    if (!listing) return [];
    const typed = this.context.inString ? this.context.typed.slice(1) : '';
    const folderPart = typed.includes('/') ? typed.slice(0, typed.lastIndexOf('/') + 1) : './';
    const folder = joinPath(dirname(this.file), folderPart);
    const entries = listing(folder) ?? [];
    const prefix = folderPart.startsWith('.') || folderPart.startsWith('/') ? folderPart : `./${folderPart}`;
    return entries
      .filter((entry) => (entry.directory ? !entry.name.startsWith('.') && entry.name !== 'node_modules' : entry.name.endsWith('.mql')))
      .filter((entry) => joinPath(folder, entry.name) !== this.file)
      .map((entry): CompletionItem => {
        const path = `${prefix}${entry.name}`;
        if (entry.directory) {
          return { label: `${entry.name}/`, kind: 'folder', insertText: `"${path}/$0"`, snippet: true, filterText: `"${path}/`, sortText: '1' };
        }
        const text = JSON.stringify(path);
        const shown = relativePath(dirname(this.file), joinPath(folder, entry.name));
        return { label: entry.name, kind: 'file', detail: shown, insertText: text, filterText: text, sortText: '0' };
      });
  }

  // --- test literals --------------------------------------------------------------------------

  private objectKeyItems(): CompletionItem[] {
    const fields = this.objectFields();
    if (!fields) return [];
    const written = this.keysWrittenInObject();
    return [...fields.values()]
      .filter((field) => !written.has(field.name))
      .map((field) => ({
        ...fieldItem(field, 'field', field.optional ? 'optional' : 'required', field.optional ? '1' : '0'),
        insertText: `${field.name}: `,
      }));
  }

  /** The fields an object literal at the end of `tokens` may hold: the lead's, an event's, a nested object's. */
  private objectFields(tokens: readonly IToken[] = this.context.before): Map<string, FieldInfo> | undefined {
    const keys: string[] = [];
    let end = tokens.length;
    for (;;) {
      const open = enclosingOpener(tokens.slice(0, end), [T.LCurly]);
      if (open < 1) return undefined;
      const owner = tokens[open - 1]!;
      if (owner.tokenType === T.Lead) return descend(this.analysis.lead?.fields, keys);
      if (owner.tokenType === T.Identifier && tokens[open - 2]?.tokenType === T.Event) {
        return descend(this.analysis.events.get(owner.image)?.fields, keys);
      }
      if (owner.tokenType !== T.Colon || tokens[open - 2]?.tokenType !== T.Identifier) return undefined;
      keys.unshift(tokens[open - 2]!.image);
      end = open - 2;
    }
  }

  private keysWrittenInObject(): Set<string> {
    const before = this.context.before;
    const open = enclosingOpener(before, [T.LCurly]);
    const written = new Set<string>();
    let depth = 0;
    for (let i = open + 1; i < before.length; i++) {
      const type = before[i]!.tokenType;
      if (type === T.LCurly || type === T.LBracket) depth++;
      else if (type === T.RCurly || type === T.RBracket) depth--;
      else if (depth === 0 && type === T.Identifier && before[i + 1]?.tokenType === T.Colon) written.add(before[i]!.image);
    }
    return written;
  }

  // --- keywords and snippets ------------------------------------------------------------------

  private keywordItems(): CompletionItem[] {
    // A list literal holds literal strings and numbers only.
    if (enclosingOpener(this.context.before, [T.LBracket]) >= 0) return [];
    const items: CompletionItem[] = [];
    // After an operand (where a predicate may follow), only the operators its type has
    // (LANGUAGE.md §4), the symbols `>=` and `==` included.
    const operators = this.context.next.some((s) => s.nextTokenType === T.Between) ? operatorsFor(this.operandType()) : undefined;
    if (operators) {
      for (const symbol of SYMBOL_OPERATORS) {
        if (operators.has(symbol)) items.push({ label: symbol, kind: 'keyword', detail: 'operator', documentation: OPERATOR_DOCS[symbol]?.doc, sortText: '3' });
      }
    }
    if (this.afterFieldType()) items.push({ label: 'key', kind: 'keyword', detail: "marks the lead's id field", sortText: '4' });
    for (const suggestion of this.context.next) {
      const word = keywordOf(suggestion.nextTokenType);
      if (!word) continue;
      if (operators && OPERATOR_WORDS.has(word) && !operators.has(PHRASES[word] ?? word)) continue;
      const fn = FUNCTIONS[word];
      if (fn && suggestion.ruleStack[suggestion.ruleStack.length - 1] === 'call') {
        items.push({ label: word, kind: 'function', detail: fn.detail, insertText: fn.snippet, snippet: true, sortText: '3' });
        continue;
      }
      const phrase = PHRASES[word] ?? word;
      items.push({ label: phrase, kind: 'keyword', documentation: KEYWORD_DOCS[word as T.Keyword].doc, sortText: '4' });
      if (word === 'is') items.push({ label: 'is set', kind: 'keyword', sortText: '4' }, { label: 'is missing', kind: 'keyword', sortText: '4' });
      if (word === 'not' && suggestion.ruleStack[suggestion.ruleStack.length - 1] === 'predicate' && (!operators || operators.has('not in'))) {
        items.push({ label: 'not in', kind: 'keyword', sortText: '4' });
      }
    }
    return items;
  }

  /**
   * After a field's type (or its `from "…"`), where the `key` marker may go: the parser offers
   * `missing when` there. `key` is not a keyword token, so content assist cannot name it itself.
   */
  private afterFieldType(): boolean {
    const previous = lastToken(this.context);
    const inField = this.context.next.some((s) => s.nextTokenType === T.Missing && s.ruleStack.includes('field'));
    return inField && !(previous?.tokenType === T.Identifier && previous.image === 'key' && lastToken(this.context, 2)?.tokenType !== T.Colon);
  }

  /** The type of the operand that ends at the cursor: a path, a literal or a function call. */
  private operandType(): Type['kind'] | undefined {
    const before = this.context.before;
    const previous = before[before.length - 1];
    if (!previous) return undefined;
    if (previous.tokenType === T.NumberLit) return 'number';
    if (previous.tokenType === T.StringLit) return 'string';
    if (previous.tokenType === T.DateLit || previous.tokenType === T.Now) return 'date';
    if (previous.tokenType === T.True || previous.tokenType === T.False) return 'bool';
    if (previous.tokenType === T.RParen) {
      const open = matchingOpen(before, before.length - 1);
      const fn = open > 0 ? keywordOf(before[open - 1]!.tokenType) : undefined;
      return fn === 'any' || fn === 'none' ? 'bool' : fn === 'count' || fn === 'sum' || fn === 'days_since' ? 'number' : undefined;
    }
    if (previous.tokenType === T.Identifier) return this.typeOfTokens(pathEndingAt(before, before.length))?.kind;
    return undefined;
  }

  /** `"…": +N when …` and `"…": +N per …` when a rule starts with its label (`"` typed). */
  private labelledSnippets(): CompletionItem[] {
    const string = this.context.inString;
    if (!string || lastToken(this.context) === undefined) return [];
    const source = programFile(this.analysis, this.file);
    const lineStart = source ? source.text.lastIndexOf('\n', string.startOffset - 1) + 1 : 0;
    if (!source || source.text.slice(lineStart, string.startOffset).trim() !== '') return [];
    const start = string.startOffset;
    return this.snippetItems()
      .filter((item) => item.insertText?.startsWith('"'))
      .map((item) => ({ ...item, filterText: source.text.slice(start, this.context.offset), sortText: '0' }));
  }

  private snippetItems(): CompletionItem[] {
    const fits = (snippet: Snippet) =>
      this.context.next.some((s) => s.nextTokenType === snippet.startsWith && s.ruleStack[s.ruleStack.length - 1] === snippet.rule);
    return BLOCK_SNIPPETS.filter(fits).map((snippet) => ({
      label: snippet.label,
      kind: 'snippet',
      detail: snippet.detail,
      insertText: snippet.body,
      snippet: true,
      sortText: '5',
    }));
  }
}

const SYMBOL_OPERATORS = ['>=', '>', '<=', '<', '==', '!='];
/** Keywords that are operators after an operand; the others (`and`, `or`, `within`…) stay. */
const OPERATOR_WORDS = new Set(['contains', 'starts', 'ends', 'between', 'in', 'is', 'within']);

/** The operators a type has (LANGUAGE.md §4), or undefined when the type is unknown. */
function operatorsFor(kind: Type['kind'] | undefined): Set<string> | undefined {
  const presence = ['is', 'is set', 'is missing'];
  switch (kind) {
    case 'number':
      return new Set(['>=', '>', '<=', '<', '==', '!=', 'between', 'in', 'not in', ...presence]);
    case 'date':
      return new Set(['within', '>=', '>', '<=', '<', '==', '!=', 'between', ...presence]);
    case 'string':
    case 'email':
    case 'enum':
      return new Set(['==', '!=', 'in', 'not in', 'contains', 'starts with', 'ends with', ...presence]);
    case 'bool':
      return new Set(['==', '!=', ...presence]);
    case 'list':
      return new Set(['contains', ...presence]);
    default:
      return undefined;
  }
}

/** The index of the `(` that the `)` at `close` closes, or -1. */
function matchingOpen(tokens: readonly IToken[], close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (tokens[i]!.tokenType === T.RParen) depth++;
    else if (tokens[i]!.tokenType === T.LParen && --depth === 0) return i;
  }
  return -1;
}

/** The declarations whose value depends on `name`, directly or through others (a cycle if used in it). */
function dependentsOf(analysis: Analysis, name: string): Set<string> {
  const usersOf = new Map<string, Set<string>>();
  for (const reference of analysis.index.references) {
    if (!reference.key.startsWith('decl:')) continue;
    const used = reference.key.slice('decl:'.length);
    const decls = programFile(analysis, reference.file)?.ast.decls ?? [];
    const user = decls[declarationIndexBefore(decls, reference.span.start)];
    const userName = user && 'name' in user ? user.name?.name : undefined;
    if (userName === undefined || userName === used) continue;
    (usersOf.get(used) ?? usersOf.set(used, new Set()).get(used)!).add(userName);
  }
  const found = new Set<string>();
  const pending = [name];
  while (pending.length > 0) {
    for (const user of usersOf.get(pending.pop()!) ?? []) {
      if (found.has(user)) continue;
      found.add(user);
      pending.push(user);
    }
  }
  return found;
}

/** `min`, `clamp`, …: names followed by `(` (`max`, a keyword, comes through FUNCTIONS). */
function mathFunctionItems(): CompletionItem[] {
  return Object.values(MATH_FUNCTION_INFO)
    .filter((info) => info.name !== 'max')
    .map((info) => ({ label: info.name, kind: 'function' as const, detail: info.doc, insertText: mathSnippet(info), snippet: true, sortText: '3' }));
}

function mathSnippet(info: FunctionInfo): string {
  return `${info.name}(${info.params.map((p, i) => `\${${i + 1}:${p}}`).join(', ')})`;
}

function keywordOf(type: TokenType): string | undefined {
  return (T.KEYWORDS as readonly string[]).find((word) => T.keywordTokens[word as T.Keyword] === type);
}

function fieldItem(field: FieldInfo, kind: 'field' | 'attribute', what: string, sortText: string): CompletionItem {
  return {
    label: field.name,
    kind,
    detail: `${shortTypeText(field.type)}${field.optional ? ' (optional)' : ''} · ${what}`,
    documentation: field.doc,
    sortText,
  };
}

function descend(fields: Map<string, FieldInfo> | undefined, keys: readonly string[]): Map<string, FieldInfo> | undefined {
  let current = fields;
  for (const key of keys) {
    const type = current?.get(key)?.type;
    current = type?.kind === 'object' ? type.fields : undefined;
  }
  return current;
}
