// The terminal rendering of diagnostics: file:line:col, the source line, a caret underline under
// exactly the span, related locations and fixes.

import { describe, expect, it } from 'vitest';
import { analyzeProgram, renderDiagnostic, LineMap, type ProgramFile } from '../src/index.js';
import { memoryHost } from './helpers.js';

function renderAll(files: Record<string, string>, entry: string): string {
  const analysis = analyzeProgram(entry, memoryHost(files));
  const maps = new Map(analysis.files.map((f: ProgramFile) => [f.path, f.lines]));
  return analysis.diagnostics
    .map((d) => renderDiagnostic(d, { lineMapOf: (f) => maps.get(f), displayPath: (f) => f.replace('/p/', '') }))
    .join('\n\n');
}

describe('renderDiagnostic', () => {
  it('shows the location, the source line, a caret under the span and the fix', () => {
    const text = 'lead { email: email }\nsegment s = emial.domain == "x"\n';
    expect(renderAll({ '/p/a.mql': text }, '/p/a.mql')).toBe(
      [
        'error[MQL2001]: unknown name `emial`; did you mean `email`?',
        ' --> a.mql:2:13',
        '  |',
        '2 | segment s = emial.domain == "x"',
        '  |             ^^^^^',
        '  = help: Change to `email`',
      ].join('\n'),
    );
  });

  it('shows related locations in other files', () => {
    const files = { '/p/a.mql': 'import "./b.mql"\nsegment dup = consent\n', '/p/b.mql': 'lead { consent: bool }\nsegment dup = consent\n' };
    expect(renderAll(files, '/p/a.mql')).toBe(
      [
        'error[MQL2003]: `dup` is declared more than once',
        ' --> a.mql:2:9',
        '  |',
        '2 | segment dup = consent',
        '  |         ^^^',
        '  = note: `dup` is first declared here (b.mql:2:9)',
      ].join('\n'),
    );
  });

  it('underlines to the end of the line when a span runs over several lines, and at least one column', () => {
    const lines = new LineMap('segment s = (\n  consent\n');
    const rendered = renderDiagnostic(
      { code: 'MQL1004', severity: 'error', message: 'm', file: 'f.mql', span: { start: 12, end: 24 }, related: [], fixes: [] },
      { lineMapOf: () => lines },
    );
    expect(rendered.split('\n').slice(-2)).toEqual(['1 | segment s = (', '  |             ^']);
    const empty = renderDiagnostic(
      { code: 'MQL1004', severity: 'error', message: 'm', file: 'f.mql', span: { start: 0, end: 0 }, related: [], fixes: [] },
      { lineMapOf: () => lines },
    );
    expect(empty.split('\n').slice(-1)).toEqual(['  | ^']);
  });
});
