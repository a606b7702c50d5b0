// The language service answers at every position of any text, broken or not, without throwing:
// an editor asks for completion, hover and signature help wherever the cursor happens to be.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeProgram,
  codeActionsFor,
  completionsAt,
  documentSymbols,
  foldingRanges,
  hoverAt,
  prepareRename,
  programFile,
  semanticTokens,
  signatureHelpAt,
  targetAt,
  type Analysis,
} from '../src/index.js';
import { examplesDir, memoryHost } from './helpers.js';

const lead = readFileSync(path.join(examplesDir, 'b2b-funnel', 'lead.mql'), 'utf8');
const funnel = readFileSync(path.join(examplesDir, 'b2b-funnel', 'funnel.mql'), 'utf8');

function analyse(text: string): Analysis {
  return analyzeProgram('/w/funnel.mql', memoryHost({ '/w/funnel.mql': text, '/w/lead.mql': lead }));
}

const listing = { listDirectory: () => [{ name: 'lead.mql', directory: false }] };

/** Every per-position feature at `offset`; returns how many answered something. */
function askEverything(analysis: Analysis, offset: number): number {
  const file = '/w/funnel.mql';
  const answers = [
    completionsAt(analysis, file, offset, listing).items.length > 0,
    hoverAt(analysis, file, offset) !== undefined,
    signatureHelpAt(analysis, file, offset) !== undefined,
    targetAt(analysis, file, offset) !== undefined,
    prepareRename(analysis, file, offset).ok,
    codeActionsFor(analysis, file, { start: offset, end: offset }).length > 0,
  ];
  return answers.filter(Boolean).length;
}

function askWholeFile(analysis: Analysis): void {
  const source = programFile(analysis, '/w/funnel.mql')!;
  documentSymbols(source);
  foldingRanges(source);
  semanticTokens(analysis, '/w/funnel.mql');
}

describe('language service robustness', () => {
  it('answers at every position of the example program', () => {
    const analysis = analyse(funnel);
    askWholeFile(analysis);
    let answered = 0;
    for (let offset = 0; offset <= funnel.length; offset += 3) answered += askEverything(analysis, offset);
    expect(answered).toBeGreaterThan(funnel.length / 3); // most positions have something to offer
  });

  it('answers everywhere in the example cut off at any point (typing it from the top)', () => {
    for (let end = 0; end <= funnel.length; end += 97) {
      const text = funnel.slice(0, end);
      const analysis = analyse(text);
      askWholeFile(analysis);
      for (let offset = Math.max(0, end - 60); offset <= end; offset += 7) askEverything(analysis, offset);
    }
  });

  it('never throws on arbitrary text (property)', () => {
    const fragments = ['score', 'when', '{', '}', '(', ')', '[', ']', '"', '.', ',', ':', 'count(', 'where', 'in', 'lead', 'company.', 'x', ' ', '\n', '/*', '//', '+5', '30d', '2026-01-01', 'import "', '§'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), fc.nat(), (parts, at) => {
        const text = parts.join('');
        const analysis = analyse(text);
        askWholeFile(analysis);
        askEverything(analysis, text.length === 0 ? 0 : at % (text.length + 1));
      }),
      { numRuns: 300 },
    );
  });
});
