// Hover: what a name under the cursor is. Fields and attributes show their type, optionality, input
// column and documentation; events their attributes; declarations their source and documentation;
// a score also its rules and the lowest and highest value it can take; a list its elements.
// Keywords, operators and durations show their meaning (word-docs.ts), numeric functions their signature.

import type { Declaration, ScoreDecl, Span } from '../syntax/ast.js';
import type { Analysis } from '../check/checker.js';
import type { SymbolDefinition } from '../check/symbols.js';
import type { FieldInfo } from '../check/types.js';
import { targetAt } from './navigation.js';
import { formatBound, ruleContribution, scoreBounds } from '../lint/lint-bounds.js';
import { declarationIndexBefore, programFile, sourceText, tokenEnd, tokensBetween, typeText } from './source.js';
import { functionSignature, mathFunction } from '../check/functions.js';
import type { TokenType } from 'chevrotain';
import * as T from '../syntax/lexer.js';
import type { Keyword } from '../syntax/lexer.js';
import { durationDoc, KEYWORD_DOCS, OPERATOR_DOCS, type WordDoc } from './word-docs.js';

export interface HoverInfo {
  /** The name the hover is about. */
  span: Span;
  /** Markdown. */
  contents: string;
}

export function hoverAt(analysis: Analysis, file: string, offset: number): HoverInfo | undefined {
  const target = targetAt(analysis, file, offset);
  if (!target) return keyMarkerHover(analysis, file, offset) ?? tokenHover(analysis, file, offset);
  // An operator inside a name's span (the `?` of `title?: string`) is about itself.
  const symbol = tokenHover(analysis, file, offset, 'operator');
  if (symbol) return symbol;
  if (target.kind === 'import') return { span: target.span, contents: `Imports \`${target.target}\`` };
  const definition = target.definition;
  if (!definition) return undefined;
  const contents = describeDefinition(analysis, definition);
  return contents ? { span: target.span, contents } : undefined;
}

export function describeDefinition(analysis: Analysis, definition: SymbolDefinition): string | undefined {
  // An enum member or grade label is text, not a declaration, even when a declaration shares its name.
  if (definition.kind === 'member') return undefined;
  if (definition.kind === 'field') return describeField(leadField(analysis, definition.key.slice('field:'.length)), 'lead field');
  if (definition.kind === 'attribute') {
    const [event, ...path] = definition.key.slice('attr:'.length).split('.');
    const info = analysis.events.get(event!)?.fields.get(path.join('.'));
    return describeField(info, `attribute of event \`${event}\``);
  }
  const decl = analysis.declarations.get(definition.name);
  return decl ? describeDeclaration(analysis, decl.decl, decl.file) : undefined;
}

/**
 * A token that names nothing declared: a numeric function's name (followed by `(`) with its
 * signature, else a keyword, operator or duration with its meaning (word-docs.ts).
 */
function tokenHover(analysis: Analysis, file: string, offset: number, only?: 'operator'): HoverInfo | undefined {
  const source = programFile(analysis, file);
  if (!source) return undefined;
  const index = declarationIndexBefore(source.ast.decls, offset);
  const start = index >= 0 ? source.ast.decls[index]!.span.start : 0;
  const tokens = tokensBetween(source.text, start, Math.min(source.text.length, offset + 64));
  // The token the cursor is in, else the one it is just after (`first_name|?`: the `?`).
  const inside = tokens.findIndex((t) => t.startOffset <= offset && offset < tokenEnd(t));
  const at = inside >= 0 ? inside : tokens.findIndex((t) => t.startOffset <= offset && offset <= tokenEnd(t));
  const token = tokens[at];
  if (!token) return undefined;
  const span = { start: token.startOffset, end: tokenEnd(token) };
  const info = !only && tokens[at + 1]?.tokenType === T.LParen ? mathFunction(token.image) : undefined;
  if (info) return { span, contents: sections(codeBlock(`${functionSignature(info)} → number`), info.doc, 'function · missing when an argument is missing') };
  const word = wordDoc(token.image, token.tokenType);
  return word && (!only || word.kind === only) ? { span, contents: sections(codeBlock(word.usage), word.doc, word.kind) } : undefined;
}

/** The documentation of a keyword, operator or duration token. */
function wordDoc(image: string, type: TokenType): (WordDoc & { kind: string }) | undefined {
  if (type === T.DurationLit) {
    const doc = durationDoc(image);
    return doc && { ...doc, kind: 'duration' };
  }
  if (Object.hasOwn(KEYWORD_DOCS, image) && type === T.keywordTokens[image as Keyword]) return { ...KEYWORD_DOCS[image as Keyword], kind: 'keyword' };
  if (Object.hasOwn(OPERATOR_DOCS, image)) return { ...OPERATOR_DOCS[image]!, kind: 'operator' };
  return undefined;
}

/** The `key` marker after a field's type: what it does, on the field it marks. */
function keyMarkerHover(analysis: Analysis, file: string, offset: number): HoverInfo | undefined {
  const field = [...(analysis.lead?.fields.values() ?? [])].find((f) => f.file === file && f.keySpan && f.keySpan.start <= offset && offset <= f.keySpan.end);
  if (!field) return undefined;
  return { span: field.keySpan!, contents: describeField(field, 'lead field')! };
}

function leadField(analysis: Analysis, path: string): FieldInfo | undefined {
  let fields = analysis.lead?.fields;
  let field: FieldInfo | undefined;
  for (const name of path.split('.')) {
    field = fields?.get(name);
    fields = field?.type.kind === 'object' ? field.type.fields : undefined;
  }
  return field;
}

function describeField(field: FieldInfo | undefined, what: string): string | undefined {
  if (!field) return undefined;
  const signature = `${field.path}${field.optional ? '?' : ''}: ${typeText(field.type)}`;
  const notes = [`${what}${field.optional ? ', optional (may be missing)' : ', required'}`];
  if (field.from) notes.push(`read from the input column \`${field.from}\``);
  if (field.keySpan) notes.push("the lead's key: its value names the lead in results, `mql eval --only` and the events join");
  if (field.placeholders?.length) notes.push(`missing when ${field.placeholders.map((p) => JSON.stringify(p)).join(', ')}`);
  return sections(codeBlock(signature), field.doc, notes.join(' · '));
}

function describeDeclaration(analysis: Analysis, decl: Declaration, file: string): string | undefined {
  const source = programFile(analysis, file);
  if (!source) return undefined;
  switch (decl.kind) {
    case 'Event': {
      const fields = [...(analysis.events.get(decl.name?.name ?? '')?.fields.values() ?? [])];
      const attributes = fields.map((f) => `${f.name}${f.optional ? '?' : ''}: ${typeText(f.type)}`).join(', ');
      return sections(codeBlock(`event ${decl.name?.name} { ${attributes}${attributes ? ' ' : ''}}`), decl.doc, 'event type · every event also has `at: date`, when it happened');
    }
    case 'List': {
      const elements = decl.elements.map((e) => source.text.slice(e.span.start, e.span.end));
      const count = `${elements.length} element${elements.length === 1 ? '' : 's'}`;
      return sections(codeBlock(`list ${decl.name?.name} = [${elements.join(', ')}]`), decl.doc, `list · ${count}`);
    }
    case 'Score':
      return describeScore(analysis, decl, sourceText(source, decl.span, 3));
    default:
      return sections(codeBlock(sourceText(source, decl.span, 20)), decl.doc);
  }
}

function describeScore(analysis: Analysis, decl: ScoreDecl, header: string): string {
  const name = decl.name?.name ?? '';
  const bounds = scoreBounds(analysis, name);
  const range = `lowest value **${formatBound(bounds.min)}**, highest value **${formatBound(bounds.max)}**`;
  const file = programFile(analysis, analysis.declarations.get(name)?.file ?? '');
  if (decl.body?.kind !== 'Rules' || !file) return sections(codeBlock(header), decl.doc, `score · ${range}`);
  const settings = [decl.body.range, decl.body.decay].flatMap((part) => (part ? [file.text.slice(part.span.start, part.span.end)] : []));
  const rules = decl.body.rules.map((rule) => {
    const text = file.text.slice((rule.points ?? rule).span.start, rule.span.end).replace(/\s+/g, ' ');
    const [low, high] = ruleContribution(rule);
    const label = rule.label ? `**${rule.label.value}**: ` : '';
    return `- ${label}\`${text}\` (adds ${formatBound(low)} to ${formatBound(high)})`;
  });
  const signature = codeBlock([`score ${name}`, ...settings.map((s) => `  ${s}`)].join('\n'));
  const ruleList = rules.length > 0 ? `Rules:\n${rules.join('\n')}` : 'No rules yet.';
  return sections(signature, decl.doc, `score · ${range}`, ruleList);
}

function codeBlock(text: string): string {
  return `\`\`\`mql\n${text}\n\`\`\``;
}

function sections(...parts: (string | undefined)[]): string {
  return parts.filter((part): part is string => !!part && part.trim() !== '').join('\n\n');
}
