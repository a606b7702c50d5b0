// Meaning preservation and idempotence of the formatter, over the example programs, every fixture
// program that compiles, and generated programs with random white space and comments.
//
// "Meaning" is the compiled artifact. Fields that only record layout are removed before comparing:
//   - `loc` (line, column and offsets of every declaration, rule and test item);
//   - `text` (the source text of a condition or formula with white space folded: `a>b` → `a > b`,
//     and a comment inside a condition is part of it);
//   - `label` of unlabelled rules and stage clauses (`labelled: false`), which is their source text;
//   - `source.hash`, a hash of the file texts.
// Everything else — expressions, points, caps, ranges, docs, test records and expectations — must
// be equal. (FMT_RUNS=2000 runs the generated programs longer.)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProgram, formatText, type SourceHost } from '../src/index.js';
import { generatedProgram } from './format-generator.js';
import { diskHost, examplesDir, fixturesDir, memoryHost } from './helpers.js';

function stripLayout(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLayout);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    if (key === 'loc' || key === 'text' || key === 'hash') continue;
    if (key === 'label' && record.labelled === false) continue;
    out[key] = stripLayout(field);
  }
  return out;
}

/** Compiles `entry` as is and with every file of its program formatted; both meanings and the texts. */
function compileBeforeAndAfter(entry: string, host: SourceHost) {
  const before = compileProgram(entry, host);
  const formatted: Record<string, string> = {};
  for (const file of before.analysis.files) {
    const result = formatText(file.text, file.path);
    expect(result.text, `${file.path} formats`).toBeDefined();
    formatted[file.path] = result.text!;
  }
  const after = compileProgram(entry, memoryHost(formatted));
  return { before, after, formatted };
}

function assertPreserved(entry: string, host: SourceHost): void {
  const { before, after, formatted } = compileBeforeAndAfter(entry, host);
  expect(after.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(stripLayout(after.artifact)).toEqual(stripLayout(before.artifact));
  for (const [file, text] of Object.entries(formatted)) expect(formatText(text, file).text, `${file} is idempotent`).toBe(text);
}

function mqlFilesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return mqlFilesBelow(full);
    return name.endsWith('.mql') ? [full] : [];
  });
}

describe('the formatter preserves meaning and is idempotent', () => {
  it.each(['funnel.mql', 'lead.mql'])('on the example %s', (name) => {
    assertPreserved(path.join(examplesDir, 'b2b-funnel', name), diskHost);
  });

  const compiling = mqlFilesBelow(fixturesDir).filter((file) => compileProgram(file, diskHost).artifact !== undefined);

  it('on every fixture program that compiles', () => {
    expect(compiling.length).toBeGreaterThan(5);
    for (const file of compiling) assertPreserved(file, diskHost);
  });

  it('on generated programs with random white space and comments', () => {
    fc.assert(
      fc.property(generatedProgram, (text) => {
        const host = memoryHost({ '/gen/main.mql': text });
        const original = compileProgram('/gen/main.mql', host);
        // The generator only writes valid programs; a failure here is a bug in the generator.
        expect(original.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
        assertPreserved('/gen/main.mql', host);
      }),
      { numRuns: Number(process.env.FMT_RUNS ?? 120) },
    );
  });
});
