// Lints: each `fixtures/lint/*.mql` (except the shared schema) is analysed and linted; the whole
// list of diagnostics (checker errors and lints, with severities) is compared with its baseline.
// Then: severities from a config, `// mql-ignore`, score bounds, and a property that lints never
// throw, whatever the program.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeProgram,
  DIAGNOSTIC_CODES,
  LINT_CODES,
  lintProgram,
  parseConfig,
  scoreBounds,
  sortDiagnostics,
  type MqlConfig,
} from '../src/index.js';
import { compareBaseline } from './baseline.js';
import { diskHost, examplesDir, fixturesDir, memoryHost, renderDetailed } from './helpers.js';

const lintDir = path.join(fixturesDir, 'lint');
const fixtures = readdirSync(lintDir).filter((f) => f.endsWith('.mql') && f !== 'schema.mql');

function lintFile(entry: string, config?: MqlConfig) {
  const analysis = analyzeProgram(entry, diskHost);
  return { analysis, lints: lintProgram(analysis, config) };
}

describe('lint baselines', () => {
  it.each(fixtures)('%s', (name) => {
    const entry = path.join(lintDir, name);
    // A fixture may come with its settings (`x.config.json` beside `x.mql`).
    const configFile = entry.replace(/\.mql$/, '.config.json');
    const config = existsSync(configFile) ? (parseConfig(JSON.parse(readFileSync(configFile, 'utf8'))) as { ok: true; config: MqlConfig }).config : undefined;
    const { analysis, lints } = lintFile(entry, config);
    compareBaseline(entry, renderDetailed(sortDiagnostics([...analysis.diagnostics, ...lints]), lintDir));
  });

  it('every lint code is in the diagnostics table as a warning and exercised by a baseline', () => {
    const baselines = readdirSync(lintDir)
      .filter((f) => f.endsWith('.baseline.txt'))
      .map((f) => readFileSync(path.join(lintDir, f), 'utf8'))
      .join('\n');
    const lintCodes = Object.keys(DIAGNOSTIC_CODES).filter((code) => code.startsWith('MQL3'));
    expect(lintCodes).toEqual(LINT_CODES);
    for (const code of LINT_CODES) expect(DIAGNOSTIC_CODES[code].severity).toBe('warning');
    expect(LINT_CODES.filter((code) => !baselines.includes(code))).toEqual([]);
  });

  it('the example program has no lint warnings', () => {
    for (const file of ['funnel.mql', 'lead.mql']) {
      expect(lintFile(path.join(examplesDir, 'b2b-funnel', file)).lints).toEqual([]);
    }
  });
});

describe('configured severities', () => {
  const entry = path.join(lintDir, 'unbounded.mql');
  const codesAndSeverities = (config?: MqlConfig) => lintFile(entry, config).lints.map((d) => `${d.code} ${d.severity}`);

  it('defaults to warnings', () => {
    expect(codesAndSeverities()).toEqual(['MQL3006 warning', 'MQL3006 warning']);
  });

  it('turns a lint off or raises it to an error, by code or by name', () => {
    expect(codesAndSeverities({ lints: { MQL3006: 'off' } })).toEqual([]);
    expect(codesAndSeverities({ lints: { 'unbounded-score': 'error' } })).toEqual(['MQL3006 error', 'MQL3006 error']);
    expect(codesAndSeverities({ lints: { 'unbounded-score': 'error', MQL3006: 'info' } })).toEqual(['MQL3006 info', 'MQL3006 info']);
  });

  it('validates the config file and names the path of each problem', () => {
    expect(parseConfig({ lints: { MQL3001: 'off', 'never-holds': 'error' } })).toEqual({
      ok: true,
      config: { lints: { MQL3001: 'off', 'never-holds': 'error' } },
    });
    const bad = parseConfig({ lints: { MQL3999: 'off', MQL3001: 'loud' }, extra: 1 });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.errors.map((e) => `${e.path}: ${e.message.slice(0, 40)}`)).toEqual([
      'lints.MQL3001: must be "off", "info", "warning" or "err',
      'lints.MQL3999: unknown lint: use a code (MQL3001, MQL30',
      'extra: unknown key: the file may only hold "lin',
    ]);
    expect(parseConfig([]).ok).toBe(false);
  });

  it('a `__proto__` key in mql.config.json is refused like `constructor`', () => {
    const paths = (text: string) => {
      const result = parseConfig(JSON.parse(text));
      return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message.slice(0, 15)}`);
    };
    expect(paths('{"lints": {"__proto__": "off", "constructor": "off"}}')).toEqual(['lints.__proto__: unknown lint: u', 'lints.constructor: unknown lint: u']);
    expect(paths('{"__proto__": {"lints": {}}}')).toEqual(['__proto__: unknown key: th']);
  });
});

describe('score bounds', () => {
  const program = (scores: string) => {
    const text = `lead { n?: number }\nevent visit { url: string }\n${scores}\n`;
    return analyzeProgram('/p/main.mql', memoryHost({ '/p/main.mql': text }));
  };
  const bounds = (scores: string, name: string) => scoreBounds(program(scores), name);

  it('adds positive points for the highest and negative points for the lowest value', () => {
    expect(bounds('score s { +15 when n > 1\n +10 when n > 2\n -30 when n < 0 }', 's')).toEqual({ min: -30, max: 25 });
  });

  it('caps when rules and per rules by max; per rules without max are unbounded', () => {
    expect(bounds('score s { +15 when n > 1 max 10\n +5 per visit max 20\n -2 per visit max 6 }', 's')).toEqual({ min: -6, max: 30 });
    expect(bounds('score s { +5 per visit }', 's')).toEqual({ min: 0, max: Number.POSITIVE_INFINITY });
    expect(bounds('score s { -5 per visit }', 's')).toEqual({ min: Number.NEGATIVE_INFINITY, max: 0 });
  });

  it('clamps to the range, and decay does not widen the bounds', () => {
    expect(bounds('score s { range 0 to 50\n decay half-life 7d\n +5 per visit\n -10 when n > 1 }', 's')).toEqual({ min: 0, max: 50 });
  });

  it('uses interval arithmetic for formulas, with 0 for a missing result', () => {
    // a is within [0, 5] (its rule), b within [0, 4] (its rule, clamped by the range).
    const scores = 'score a { range 0 to 10\n +5 when n > 1 }\nscore b { range -4 to 4\n +9 when n > 1 }';
    expect(bounds(`${scores}\nscore f = 2 * a - b`, 'f')).toEqual({ min: -4, max: 10 });
    expect(bounds(`${scores}\nscore f = a / (b + 5)`, 'f')).toEqual({ min: 0, max: 1 });
    expect(bounds(`${scores}\nscore f = a / b`, 'f')).toEqual({ min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY });
    expect(bounds(`${scores}\nscore f = a + count(visit)`, 'f')).toEqual({ min: 0, max: Number.POSITIVE_INFINITY });
    expect(bounds(`${scores}\nscore f = 10 + n`, 'f')).toEqual({ min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY });
  });

  it('gives no bounds for names that are not scores', () => {
    expect(bounds('segment s = n > 1', 's')).toEqual({ min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY });
  });
});

describe('robustness', () => {
  const checkDir = path.join(fixturesDir, 'check');
  const checkFixtures = [...readdirSync(checkDir).filter((f) => f.endsWith('.mql')).map((f) => path.join(checkDir, f)), path.join(checkDir, 'imports', 'entry.mql')];

  it('lints never throw on the checker fixtures, which are full of errors', () => {
    for (const entry of checkFixtures) expect(() => lintProgram(analyzeProgram(entry, diskHost))).not.toThrow();
  });

  it('lints never throw on mutated examples, and report only lint codes', () => {
    const dir = path.join(examplesDir, 'b2b-funnel');
    const funnel = readFileSync(path.join(dir, 'funnel.mql'), 'utf8');
    const lead = readFileSync(path.join(dir, 'lead.mql'), 'utf8');
    const pieces = ['>= 500', 'and fit < -3', ' or ', 'between 9 and 1', 'is missing', ' max 1', ' not in ["x"]', '}', '{', '(', '-', '"', 'per', '\n'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(funnel.length), fc.nat(20), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }),
        (edits) => {
          let text = funnel;
          for (const [at, remove, insert] of edits) text = text.slice(0, at) + insert + text.slice(Math.min(text.length, at + remove));
          const analysis = analyzeProgram('/p/funnel.mql', memoryHost({ '/p/funnel.mql': text, '/p/lead.mql': lead }));
          const lints = lintProgram(analysis);
          expect(lints.every((d) => d.code.startsWith('MQL3'))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
