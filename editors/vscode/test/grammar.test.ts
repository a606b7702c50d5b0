// The TextMate grammar, run by the same engine VS Code uses (vscode-textmate with the Oniguruma
// regex library) on sample lines and on the example program: each kind of token gets its scope,
// and the committed grammar is exactly what the generator makes from the lexer's keywords.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { KEYWORDS, MATH_FUNCTIONS } from '@mql/core';
// @ts-expect-error: a plain .mjs script without type declarations
import { grammarJson, grammarPath } from '../../../scripts/generate-tmgrammar.mjs';

const root = path.join(import.meta.dirname, '..', '..', '..');
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.mql' ? textmate.parseRawGrammar(readFileSync(grammarPath as string, 'utf8'), grammarPath as string) : null,
  });
  grammar = (await registry.loadGrammar('source.mql'))!;
});

/**
 * The tokens of the lines as `text → innermost scope`, neighbours with the same scope joined (an
 * engine may split a string into its quotes and body) and surrounding spaces trimmed.
 */
function scopesOf(source: string): string[] {
  let state = textmate.INITIAL;
  const out: string[] = [];
  for (const line of source.split('\n')) {
    const result = grammar.tokenizeLine(line, state);
    const merged: { text: string; scope: string }[] = [];
    for (const token of result.tokens) {
      const text = line.slice(token.startIndex, token.endIndex);
      const scope = token.scopes[token.scopes.length - 1]!;
      const last = merged[merged.length - 1];
      if (last && last.scope === scope && !(scope === 'source.mql' && text.trim() && last.text.trim())) last.text += text;
      else merged.push({ text, scope });
    }
    for (const { text, scope } of merged) if (text.trim() !== '') out.push(`${text.trim()} → ${scope}`);
    state = result.ruleStack;
  }
  return out;
}

describe('TextMate grammar', () => {
  it('is the generated one: every keyword of the lexer is in it', () => {
    expect(readFileSync(grammarPath as string, 'utf8')).toBe(grammarJson([...KEYWORDS], [...MATH_FUNCTIONS]));
  });

  it('scopes declarations, names, labels, numbers, durations, operators and keywords', () => {
    expect(scopesOf('score engagement {\n  "Pricing views": +5 per page_view within 30d where url contains "/pricing" max 15\n}')).toEqual([
      'score → storage.type.declaration.mql',
      'engagement → entity.name.declaration.mql',
      '{ → punctuation.section.braces.mql',
      '"Pricing views" → entity.name.label.mql',
      ': → punctuation.separator.label.mql',
      '+ → keyword.operator.arithmetic.mql',
      '5 → constant.numeric.mql',
      'per → keyword.control.mql',
      'page_view → source.mql',
      'within → keyword.control.mql',
      '30d → constant.numeric.duration.mql',
      'where → keyword.control.mql',
      'url → source.mql',
      'contains → keyword.operator.word.mql',
      '"/pricing" → string.quoted.double.mql',
      'max → keyword.control.mql',
      '15 → constant.numeric.mql',
      '} → punctuation.section.braces.mql',
    ]);
  });

  it('scopes the `key` marker as a keyword, and a field named `key` as a name', () => {
    expect(scopesOf('  id: string from "Lead Number" key\n  key?: number key // the marker again\n')).toEqual([
      'id → source.mql',
      ': → punctuation.separator.type.mql',
      'string → support.type.primitive.mql',
      'from → keyword.control.mql',
      '"Lead Number" → string.quoted.double.mql',
      'key → keyword.other.key.mql',
      'key → source.mql',
      '?: → punctuation.separator.type.mql',
      'number → support.type.primitive.mql',
      'key → keyword.other.key.mql',
      '// the marker again → comment.line.double-slash.mql',
    ]);
  });

  it('scopes strings with escapes, invalid escapes and unterminated strings', () => {
    expect(scopesOf('segment s = title == "a\\"b\\u00e9\\q" or title == "open')).toEqual([
      'segment → storage.type.declaration.mql',
      's → entity.name.declaration.mql',
      '= → keyword.operator.assignment.mql',
      'title → source.mql',
      '== → keyword.operator.comparison.mql',
      '"a → string.quoted.double.mql',
      '\\" → constant.character.escape.mql',
      'b → string.quoted.double.mql',
      '\\u00e9 → constant.character.escape.mql',
      '\\q → invalid.illegal.escape.mql',
      '" → string.quoted.double.mql',
      'or → keyword.operator.word.mql',
      'title → source.mql',
      '== → keyword.operator.comparison.mql',
      '"open → string.quoted.double.mql',
    ]);
  });

  it('scopes `expect stage NAME` and `expect stage none` as a test expectation, not a declaration or the event function', () => {
    expect(scopesOf('  expect stage none\n  expect stage MQL\n  expect none(webinar)')).toEqual([
      'expect → keyword.control.mql',
      'stage → keyword.control.mql',
      'none → constant.language.none.mql',
      'expect → keyword.control.mql',
      'stage → keyword.control.mql',
      'MQL → variable.other.stage.mql',
      'expect → keyword.control.mql',
      'none → support.function.event.mql',
      '( → punctuation.section.parens.mql',
      'webinar → source.mql',
      ') → punctuation.section.parens.mql',
    ]);
  });

  it('scopes numeric functions by the `(` after them, and `any` after `contains`', () => {
    expect(scopesOf('score p = min(round(x), 20) + max(a, b) when max 5')).toEqual([
      'score → storage.type.declaration.mql',
      'p → entity.name.declaration.mql',
      '= → keyword.operator.assignment.mql',
      'min → support.function.math.mql',
      '( → punctuation.section.parens.mql',
      'round → support.function.math.mql',
      '( → punctuation.section.parens.mql',
      'x → source.mql',
      ') → punctuation.section.parens.mql',
      ', → punctuation.separator.comma.mql',
      '20 → constant.numeric.mql',
      ') → punctuation.section.parens.mql',
      '+ → keyword.operator.arithmetic.mql',
      'max → support.function.math.mql',
      '( → punctuation.section.parens.mql',
      'a → source.mql',
      ', → punctuation.separator.comma.mql',
      'b → source.mql',
      ') → punctuation.section.parens.mql',
      'when → keyword.control.mql',
      'max → keyword.control.mql',
      '5 → constant.numeric.mql',
    ]);
  });

  it('scopes dates, times, `now`, booleans, functions and the test keywords', () => {
    expect(scopesOf('test "t" {\n  now 2026-11-01T08:30:00+02:00\n  event webinar { attended: true } at 2026-10-31\n  expect any(webinar) and days_since(webinar) < 1.5\n}')).toEqual([
      'test → storage.type.declaration.mql',
      '"t" → string.quoted.double.mql',
      '{ → punctuation.section.braces.mql',
      'now → variable.language.now.mql',
      '2026-11-01T08:30:00+02:00 → constant.other.date.mql',
      'event → storage.type.declaration.mql',
      'webinar → entity.name.declaration.mql',
      '{ → punctuation.section.braces.mql',
      'attended → source.mql',
      ': → punctuation.separator.colon.mql',
      'true → constant.language.boolean.mql',
      '} → punctuation.section.braces.mql',
      'at → keyword.control.mql',
      '2026-10-31 → constant.other.date.mql',
      'expect → keyword.control.mql',
      'any → support.function.event.mql',
      '( → punctuation.section.parens.mql',
      'webinar → source.mql',
      ') → punctuation.section.parens.mql',
      'and → keyword.operator.word.mql',
      'days_since → support.function.event.mql',
      '( → punctuation.section.parens.mql',
      'webinar → source.mql',
      ') → punctuation.section.parens.mql',
      '< → keyword.operator.comparison.mql',
      '1.5 → constant.numeric.mql',
      '} → punctuation.section.braces.mql',
    ]);
  });

  it('scopes comments and doc comments, also across lines, and field types', () => {
    expect(scopesOf('/// Work email.\nlead { // schema\n  email?: email /* a\n  b */ count_x: number\n}')).toEqual([
      '/// Work email. → comment.line.documentation.mql',
      'lead → storage.type.declaration.mql',
      '{ → punctuation.section.braces.mql',
      '// schema → comment.line.double-slash.mql',
      'email → source.mql',
      '?: → punctuation.separator.type.mql',
      'email → support.type.primitive.mql',
      '/* a → comment.block.mql',
      'b */ → comment.block.mql',
      'count_x → source.mql',
      ': → punctuation.separator.type.mql',
      'number → support.type.primitive.mql',
      '} → punctuation.section.braces.mql',
    ]);
  });

  it('keeps `half-life` whole and keywords apart from longer names', () => {
    expect(scopesOf('decay half-life 2w\nsegment lead_source = lead.source in [1]')).toEqual([
      'decay → keyword.control.mql',
      'half-life → keyword.control.mql',
      '2w → constant.numeric.duration.mql',
      'segment → storage.type.declaration.mql',
      'lead_source → entity.name.declaration.mql',
      '= → keyword.operator.assignment.mql',
      'lead → storage.type.declaration.mql',
      '. → punctuation.accessor.mql',
      'source → source.mql',
      'in → keyword.operator.word.mql',
      '[ → punctuation.section.brackets.mql',
      '1 → constant.numeric.mql',
      '] → punctuation.section.brackets.mql',
    ]);
  });

  it('gives every keyword of the example program a keyword-like scope', () => {
    const example = ['lead.mql', 'funnel.mql'].map((f) => readFileSync(path.join(root, 'examples', 'b2b-funnel', f), 'utf8')).join('\n');
    const plain = scopesOf(example).filter((entry) => {
      const [text, scope] = entry.split(' → ');
      return (KEYWORDS as readonly string[]).includes(text!) && scope === 'source.mql';
    });
    expect(plain).toEqual([]);
  });
});
