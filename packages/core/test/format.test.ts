// The formatter: golden files (`fixtures/format/x.mql` → `x.formatted.mql`, rewritten with
// UPDATE_BASELINES=1), idempotence, the example programs are canonical, and files with syntax
// errors are never formatted.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatText } from '../src/index.js';
import { examplesDir, fixturesDir } from './helpers.js';

const formatDir = path.join(fixturesDir, 'format');
const inputs = readdirSync(formatDir).filter((f) => f.endsWith('.mql') && !f.endsWith('.formatted.mql'));

function format(text: string, file = '/p/x.mql'): string {
  const result = formatText(text, file);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.text!;
}

describe('golden files', () => {
  it.each(inputs)('%s', (name) => {
    const input = readFileSync(path.join(formatDir, name), 'utf8');
    const expectedPath = path.join(formatDir, name.replace(/\.mql$/, '.formatted.mql'));
    const actual = format(input);
    if (process.env.UPDATE_BASELINES === '1') writeFileSync(expectedPath, actual);
    if (!existsSync(expectedPath)) throw new Error(`missing ${expectedPath}; run with UPDATE_BASELINES=1 and review it`);
    expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
    expect(format(actual), 'formatting the formatted file changes nothing').toBe(actual);
  });
});

describe('the example programs', () => {
  it.each(['b2b-funnel/funnel.mql', 'b2b-funnel/lead.mql', 'crm-export/crm.mql'])('%s is already canonical', (name) => {
    const text = readFileSync(path.join(examplesDir, name), 'utf8');
    expect(format(text)).toBe(text);
  });
});

describe('layout rules', () => {
  it('aligns labels, points and keywords of score rules', () => {
    const text = 'lead { n?: number }\nevent v {}\nscore s { "A": +5 when n > 1 "Longer": -10 per v max 20 }\n';
    expect(format(text)).toBe(
      'lead {\n  n?: number\n}\n\nevent v {}\n\nscore s {\n  "A":      +5  when n > 1\n  "Longer": -10 per v max 20\n}\n',
    );
  });

  it('pads require/reject and label colons so conditions align', () => {
    const text = 'stage S { require "Fit": a reject "Free mail": b require c }';
    expect(format(text)).toBe('stage S {\n  require "Fit":       a\n  reject  "Free mail": b\n  require c\n}\n');
  });

  it('keeps adjacent one-line declarations adjacent, separates everything else by one blank line', () => {
    const text = 'list a = [1]\nlist b = [2]\n\n\n\nsegment c = x\nscore d = 1\ngrade g { A when x else B }\nlist e = [3]\n';
    expect(format(text)).toBe('list a = [1]\nlist b = [2]\n\nsegment c = x\nscore d = 1\n\ngrade g {\n  A when x\n  else B\n}\n\nlist e = [3]\n');
  });

  it('keeps literals as written and the author\'s parentheses', () => {
    const text = 'segment s = (x>1.50)and not(y=="\\u00e9\\"")or z between -2 and 2026-01-01T00:00:00Z';
    expect(format(text)).toBe('segment s = (x > 1.50) and not (y == "\\u00e9\\"") or z between -2 and 2026-01-01T00:00:00Z\n');
  });

  it('puts events with more than three attributes, or with comments, on several lines', () => {
    expect(format('event e { a: string, b: number, c: bool }')).toBe('event e { a: string, b: number, c: bool }\n');
    expect(format('event e { a: string b: number c: bool d: date }')).toBe('event e {\n  a: string\n  b: number\n  c: bool\n  d: date\n}\n');
    expect(format('event e { a: string // why\n}')).toBe('event e {\n  a: string // why\n}\n');
  });

  it('keeps a comma that a comment precedes, so a doc comment cannot move to the next field', () => {
    const text = 'lead {\n  a: string /// documents nothing\n  , b: string\n}\n';
    const formatted = format(text);
    expect(formatted).toBe('lead {\n  a: string /// documents nothing\n      ,\n  b: string\n}\n');
    expect(format(formatted)).toBe(formatted);
  });

  it('formats an empty file and a file of comments', () => {
    expect(format('')).toBe('');
    expect(format('\n\n  \n')).toBe('');
    expect(format('  // a\n\n\n/* b */  \n')).toBe('// a\n\n/* b */\n');
  });

  it('handles long and-chains without deep recursion', () => {
    const text = `lead { n?: number }\nsegment s = ${Array.from({ length: 5000 }, (_, i) => `n > ${i}`).join(' and ')}\n`;
    expect(format(text)).toBe(text.replace('lead { n?: number }', 'lead {\n  n?: number\n}\n'));
  });
});

describe('files with syntax errors', () => {
  it('are not formatted: no text, only the syntax diagnostics', () => {
    const result = formatText('segment s = (x > \nlist l = [1', '/p/bad.mql');
    expect(result.text).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MQL1004', 'MQL1004']);
  });

  it('unterminated strings and comments count as syntax errors', () => {
    expect(formatText('segment s = x == "abc\n', '/p/a.mql').text).toBeUndefined();
    expect(formatText('segment s = x /* never closed', '/p/a.mql').text).toBeUndefined();
  });
});
