// End to end with a client we did not write: Neovim's built-in LSP client, headless, opens the
// example program with a mistake added, then reads back the diagnostics and a completion list.
// The expected diagnostics come from core's checker on the same files, so the test checks the
// whole path (server, protocol, Neovim's client) rather than the checker again.
//
// Skipped, with a message, where Neovim is not installed; `.ci/run` installs it for CI.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProgram, LineMap } from '@mql/core';
import { positionAt, serverPath } from './lsp-client.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNeovim = nvim.status === 0;
const exampleDir = path.join(import.meta.dirname, '..', '..', '..', 'examples', 'b2b-funnel');
const SKIP_REASON = 'Neovim e2e skipped: `nvim` is not installed (Debian: apt-get install neovim; .ci/run installs it)';

if (!hasNeovim) console.warn(SKIP_REASON);

describe('Neovim’s LSP client', () => {
  it.skipIf(!hasNeovim)(
    hasNeovim ? `reads diagnostics and completions from the server (${nvim.stdout.split('\n')[0]})` : SKIP_REASON,
    () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'mql-nvim-'));
      copyFileSync(path.join(exampleDir, 'lead.mql'), path.join(folder, 'lead.mql'));
      const mistake = '\nsegment nvim_check = company.industri == "software"\n';
      const funnel = readFileSync(path.join(exampleDir, 'funnel.mql'), 'utf8') + mistake;
      const file = path.join(folder, 'funnel.mql');
      writeFileSync(file, funnel);
      const completeAt = positionAt(funnel, funnel.lastIndexOf('company.') + 'company.'.length);
      const out = path.join(folder, 'result.json');

      const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${path.join(import.meta.dirname, 'nvim', 'lsp-e2e.lua')}`], {
        env: { ...process.env, MQL_SERVER: serverPath, MQL_FILE: file, MQL_OUT: out, MQL_LINE: String(completeAt.line), MQL_COL: String(completeAt.character) },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.error).toBeUndefined();
      const result = JSON.parse(readFileSync(out, 'utf8')) as {
        diagnostics: { line: number; col: number; code: string; message: string; source: string }[];
        completion: string[];
        errors: string[];
      };

      expect(result.errors).toEqual([]);
      const expected = expectedDiagnostics(file, funnel);
      expect(expected.map((d) => d.code)).toContain('MQL2002');
      expect(result.diagnostics.map(({ line, col, code, message, source }) => ({ line, col, code, message, source }))).toEqual(expected);
      expect(result.completion).toEqual(companyFields(file));
      expect(result.completion).toContain('industry');
    },
  );
});

/** The fields of the example schema's `company` object, in schema order. */
function companyFields(file: string): string[] {
  const host = { readFile: (p: string) => readFileSync(p, 'utf8') };
  const company = analyzeProgram(file.split(path.sep).join('/'), host).lead?.fields.get('company')?.type;
  return company?.kind === 'object' ? [...company.fields.keys()] : [];
}

/** What core's checker reports for the entry file, in Neovim's terms (0-based line and column). */
function expectedDiagnostics(file: string, text: string) {
  const host = { readFile: (p: string) => readFileSync(p, 'utf8') };
  const entry = file.split(path.sep).join('/');
  const lines = new LineMap(text);
  return analyzeProgram(entry, host)
    .diagnostics.filter((d) => d.file === entry)
    .map((d) => {
      const start = lines.position(d.span.start);
      return { line: start.line, col: start.column, code: d.code, message: d.message, source: 'mql' };
    });
}
