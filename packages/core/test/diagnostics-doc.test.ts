// The diagnostics reference (docs/diagnostics.md) against core's code table: one section per code,
// no section for a code that does not exist, and each section's `mql` example really gives its
// code (compiled and linted here as `mql check` would). The editor links every diagnostic to its
// section (LSP codeDescription), so a code without one would be a dead link.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProgram, DIAGNOSTIC_CODES, lintProgram, parseConfig, type MqlConfig } from '../src/index.js';

const page = readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', 'docs', 'diagnostics.md'), 'utf8');

/** The page's sections: code, example (language and text) and whether it says how to fix. */
const sections = page
  .split(/^## /m)
  .slice(1)
  .map((section) => {
    const code = section.slice(0, section.indexOf('\n')).trim();
    const example = /```(\w+)\n([\s\S]*?)```/.exec(section);
    return { code, language: example?.[1], example: example?.[2] ?? '', fix: /^\*\*Fix:\*\* \S/m.test(section) };
  });

/** Codes whose example cannot be a short program: too deep, too large, unreadable files, test runs. */
const NOT_A_SHORT_PROGRAM = ['MQL1008', 'MQL1010', 'MQL2027', 'MQL2029', 'MQL4001', 'MQL4002'];

/** The codes an example gives: `// file: NAME` starts another file, `// config: JSON` is mql.config.json. */
function codesOf(example: string): string[] {
  const files: Record<string, string> = {};
  let name = '/doc/main.mql';
  let config: MqlConfig | undefined;
  for (const line of example.split('\n')) {
    const file = /^\/\/ file: (.+)$/.exec(line);
    const settings = /^\/\/ config: (.+)$/.exec(line);
    if (file) name = `/doc/${file[1]}`;
    else if (settings) {
      const parsed = parseConfig(JSON.parse(settings[1]!));
      if (!parsed.ok) throw new Error(`bad config in example: ${JSON.stringify(parsed.errors)}`);
      config = parsed.config;
    } else files[name] = `${files[name] ?? ''}${line}\n`;
  }
  const analysis = analyzeProgram('/doc/main.mql', { readFile: (p) => files[p] });
  return [...analysis.diagnostics, ...lintProgram(analysis, config)].map((d) => d.code);
}

describe('docs/diagnostics.md', () => {
  it('has one section per diagnostic code, in order, each with an example and a fix', () => {
    expect(sections.map((s) => s.code)).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
    expect(sections.filter((s) => !s.fix || !s.example.trim()).map((s) => s.code)).toEqual([]);
  });

  it('every example that is a program gives its code; only the listed ones are not programs', () => {
    expect(sections.filter((s) => s.language !== 'mql').map((s) => s.code)).toEqual(NOT_A_SHORT_PROGRAM);
    const wrong = sections.filter((s) => s.language === 'mql').flatMap((s) => {
      const codes = codesOf(s.example);
      return codes.includes(s.code) ? [] : [`${s.code}: the example gives ${codes.join(', ') || 'nothing'}`];
    });
    expect(wrong).toEqual([]);
  });
});
