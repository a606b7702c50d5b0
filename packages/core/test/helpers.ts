// Test helpers: programs read from disk or from in-memory files, and a detailed baseline rendering
// of diagnostics that includes related locations and fixes (the "did you mean" data).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineMap, type Diagnostic, type SourceHost } from '../src/index.js';

export const fixturesDir = path.join(import.meta.dirname, 'fixtures');
export const examplesDir = path.join(import.meta.dirname, '..', '..', '..', 'examples');

export const diskHost: SourceHost = {
  readFile(file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** A host over in-memory files, keyed by absolute path. */
export function memoryHost(files: Record<string, string>): SourceHost {
  return { readFile: (file) => files[file] };
}

/**
 * One block per diagnostic: `file:line:col-line:col CODE message`, then indented `related` and
 * `fix` lines. Paths are shown relative to `root`.
 */
export function renderDetailed(diagnostics: readonly Diagnostic[], root: string, host: SourceHost = diskHost): string {
  const maps = new Map<string, LineMap>();
  const where = (file: string, span: { start: number; end: number }) => {
    let map = maps.get(file);
    if (!map) {
      const text = host.readFile(file);
      maps.set(file, (map = new LineMap(typeof text === 'string' ? text : '')));
    }
    const a = map.position(span.start);
    const b = map.position(span.end);
    return `${path.relative(root, file)}:${a.line + 1}:${a.column + 1}-${b.line + 1}:${b.column + 1}`;
  };
  return diagnostics
    .map((d) => {
      const lines = [`${where(d.file, d.span)} ${d.code} ${d.severity}: ${d.message}`];
      for (const r of d.related) lines.push(`    related ${where(r.file, r.span)} ${r.message}`);
      for (const fix of d.fixes) {
        for (const edit of fix.edits) lines.push(`    fix "${fix.title}": ${where(edit.file, edit.span)} → ${JSON.stringify(edit.newText)}`);
      }
      return `${lines.join('\n')}\n`;
    })
    .join('');
}
