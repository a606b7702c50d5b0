// Built-in documentation through the protocol: hover on every keyword, operator and duration of the
// example program shows its entry of core's table (word-docs.ts), completion items carry it, and every diagnostic's code links
// to its section of docs/diagnostics.md (codeDescription).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hover } from 'vscode-languageserver-protocol';
import { durationDoc, KEYWORD_DOCS, OPERATOR_DOCS, tokenize, type Keyword } from '@mql/core';
import { LspClient, positionAt, workspaceFolder } from './lsp-client.js';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const LEAD = readFileSync(path.join(repo, 'examples', 'b2b-funnel', 'lead.mql'), 'utf8');
const FUNNEL = readFileSync(path.join(repo, 'examples', 'b2b-funnel', 'funnel.mql'), 'utf8');

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

describe('hover documentation', () => {
  it('every keyword, operator and duration of the example shows its documentation', async () => {
    client = await LspClient.start(workspaceFolder({ 'lead.mql': LEAD, 'funnel.mql': FUNNEL }));
    const lsp = client;
    const missing: string[] = [];
    let hovered = 0;
    for (const [name, text] of [['lead.mql', LEAD], ['funnel.mql', FUNNEL]] as const) {
      await lsp.open(name, text);
      const tokens = tokenize(text, name).tokens;
      for (const [i, token] of tokens.entries()) {
        const word = token.image;
        const expected = Object.hasOwn(KEYWORD_DOCS, word) && /^[a-z_-]+$/.test(word) && token.tokenType.name !== 'Identifier'
          ? KEYWORD_DOCS[word as Keyword].doc
          : Object.hasOwn(OPERATOR_DOCS, word) ? OPERATOR_DOCS[word]!.doc
          : token.tokenType.name === 'Duration' ? durationDoc(word)!.doc
          : undefined;
        if (expected === undefined) continue;
        // `max(` is the function, and `lead` in `lead.x` a path: they have hovers of their own.
        if (tokens[i + 1]?.image === '(' && word === 'max') continue;
        const hover = await lsp.request<Hover | null>('textDocument/hover', { textDocument: { uri: lsp.uri(name) }, position: positionAt(text, token.startOffset) });
        hovered++;
        const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
        if (!value.includes(expected)) missing.push(`${name}:${positionAt(text, token.startOffset).line + 1} ${word}: ${value.slice(0, 60) || 'no hover'}`);
      }
    }
    expect(missing).toEqual([]);
    expect(hovered).toBeGreaterThan(150);
  });

  it('a hover on a keyword, an operator and a duration, whole', async () => {
    const text = 'lead { visits?: number }\nevent page_view { url: string }\nsegment busy = count(page_view within 36h) >= 3\n';
    client = await LspClient.start(workspaceFolder({ 'a.mql': text }));
    await client.open('a.mql', text);
    const at = (needle: string) => ({ textDocument: { uri: client!.uri('a.mql') }, position: positionAt(text, text.indexOf(needle)) });
    expect(await client.request('textDocument/hover', at('within'))).toEqual({
      contents: { kind: 'markdown', value: `\`\`\`mql\n${KEYWORD_DOCS.within.usage}\n\`\`\`\n\n${KEYWORD_DOCS.within.doc}\n\nkeyword` },
      range: { start: { line: 2, character: 31 }, end: { line: 2, character: 37 } },
    });
    expect(await client.request('textDocument/hover', at('36h'))).toEqual({
      contents: {
        kind: 'markdown',
        value: '```mql\n36h\n```\n\nA duration: 36 hours (1.5 days). Units: `h` hours, `d` days, `w` weeks; used with `within`, `half-life`, `ago` and date arithmetic.\n\nduration',
      },
      range: { start: { line: 2, character: 38 }, end: { line: 2, character: 41 } },
    });
    expect(await client.request('textDocument/hover', at('>='))).toEqual({
      contents: { kind: 'markdown', value: `\`\`\`mql\na >= b\n\`\`\`\n\n${OPERATOR_DOCS['>=']!.doc}\n\noperator` },
      range: { start: { line: 2, character: 43 }, end: { line: 2, character: 45 } },
    });
  });
});

describe('completion documentation', () => {
  it('keyword and operator items carry the same text as their hover', async () => {
    const text = 'lead { n?: number }\nsegment s = n ';
    client = await LspClient.start(workspaceFolder({ 'a.mql': text }));
    await client.open('a.mql', text);
    const list = await client.request<{ items: { label: string; documentation?: { value: string } }[] }>('textDocument/completion', {
      textDocument: { uri: client.uri('a.mql') },
      position: positionAt(text, text.length),
    });
    const doc = (label: string) => list.items.find((i) => i.label === label)?.documentation?.value;
    expect([doc('between'), doc('>=')]).toEqual([KEYWORD_DOCS.between.doc, OPERATOR_DOCS['>=']!.doc]);
  });
});

describe('diagnostic codes link to the reference', () => {
  it('codeDescription.href points at the code\'s section of the diagnostics page beside the server', async () => {
    const text = 'lead { seniority?: string }\nsegment s = senority == "vp"\n';
    const lint = 'lead { seniority?: string }\nlist unused = ["a"]\nsegment s = seniority == "vp"\n';
    client = await LspClient.start(workspaceFolder({ 'a.mql': text, 'b.mql': lint }));
    await client.open('a.mql', text);
    await client.open('b.mql', lint);
    const page = path.resolve(import.meta.dirname, '..', 'dist', 'diagnostics.md');
    const diagnostics = await client.diagnosticsOfVersion('a.mql', 1);
    expect(diagnostics.map((d) => [d.code, d.codeDescription?.href])).toEqual([['MQL2001', `file://${page}#mql2001`]]);
    expect((await client.diagnosticsOfVersion('b.mql', 1)).map((d) => [d.code, d.codeDescription?.href])).toEqual([
      ['MQL3001', `file://${page}#mql3001`],
      ['MQL3001', `file://${page}#mql3001`],
    ]);
    // The link's target exists and has the section, the same text as docs/diagnostics.md.
    const linked = fileURLToPath(diagnostics[0]!.codeDescription!.href);
    expect(existsSync(linked)).toBe(true);
    expect(readFileSync(linked, 'utf8')).toBe(readFileSync(path.join(repo, 'docs', 'diagnostics.md'), 'utf8'));
    expect(readFileSync(linked, 'utf8')).toContain('\n## MQL2001\n');
  });
});
