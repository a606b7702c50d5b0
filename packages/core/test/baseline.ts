// Baseline files for diagnostics (the TypeScript-style "expected output beside the input"):
// `foo.mql` has `foo.baseline.txt` listing every diagnostic, one per line, in order:
//
//   MQL1004 3:17-3:18 expected an expression after `==`, but found `}`
//
// Positions are 1-based line:column (UTF-16 columns) of the half-open span. The whole list is
// compared, so an extra or a missing diagnostic fails. Run with UPDATE_BASELINES=1 to rewrite
// baselines, then read the diff before committing it.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';

/** 1-based line and column of a UTF-16 offset. */
function lineColumn(lineStarts: readonly number[], offset: number): string {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return `${low + 1}:${offset - lineStarts[low]! + 1}`;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** One line per diagnostic: `CODE line:col-line:col message`; an empty string when there are none. */
export function renderDiagnosticsBaseline(text: string, diagnostics: readonly Diagnostic[]): string {
  const starts = lineStartsOf(text);
  return diagnostics
    .map((d) => `${d.code} ${lineColumn(starts, d.span.start)}-${lineColumn(starts, d.span.end)} ${d.message}\n`)
    .join('');
}

/** The baseline file that belongs to a fixture: `x.mql` → `x.baseline.txt`. */
export function baselinePathFor(fixturePath: string): string {
  return fixturePath.replace(/\.mql$/, '') + '.baseline.txt';
}

/** Compares `actualText` with the fixture's baseline, or rewrites it when UPDATE_BASELINES=1. */
export function compareBaseline(fixturePath: string, actualText: string): void {
  const baselinePath = baselinePathFor(fixturePath);
  if (process.env.UPDATE_BASELINES === '1') {
    writeFileSync(baselinePath, actualText);
    return;
  }
  if (!existsSync(baselinePath)) {
    throw new Error(`missing baseline ${baselinePath}; run the tests with UPDATE_BASELINES=1 and review it`);
  }
  expect(actualText, `diagnostics of ${fixturePath} differ from ${baselinePath}`).toBe(readFileSync(baselinePath, 'utf8'));
}
