// The server under random editing over the real protocol (stdio, JSON-RPC): seeded random edits
// and requests, a bounded count so it runs in seconds. Asserts that the server never crashes,
// answers every request, and keeps the same text as the client (checked through formatting, whose
// result depends on every character). MQL_LSP_SOAK=N runs N steps instead (a longer soak).
// Also: input that breaks the protocol's framing makes the server say so and exit, not hang.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { formatText } from '@mql/core';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { afterAll, describe, expect, it } from 'vitest';
import { DidChangeTextDocumentNotification, type TextEdit } from 'vscode-languageserver-protocol';
import { MAX_HEADER_BYTES, MAX_MESSAGE_BYTES } from '../src/framing.js';
import { RULES, SCHEMA } from './fixtures.js';
import { LspClient, positionAt, serverPath, workspaceFolder } from './lsp-client.js';

const STEPS = Number(process.env.MQL_LSP_SOAK ?? 160);
const FRAGMENTS = ['score', 'segment x = ', 'when', '{', '}', '(', ')', '[', ']', '"', '.', ',', ':', 'count(', 'where', ' in ', 'lead', 'company.', 'x', ' ', '\n', '/*', '*/', '//', '+5', '30d', '2026-01-01', 'import "', '§', 'and', 'not ', '==', '>', '1e9', 'stage S {\n', 'test "t" {', '\t'];

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let lsp: LspClient | undefined;
afterAll(async () => lsp?.stop());

describe('language server fuzz', () => {
  it(`survives ${STEPS} random edits and requests, answers every request and stays in sync`, { timeout: Math.max(120_000, STEPS * 500) }, async () => {
    const next = random(15);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    lsp = await LspClient.start(workspaceFolder({ 'schema.mql': SCHEMA, 'rules.mql': RULES }));
    const client = lsp;
    const uri = await client.open('rules.mql', RULES);
    let text = RULES;
    let version = 1;

    const edit = async (start: number, end: number, insert: string) => {
      const range = { start: positionAt(text, start), end: positionAt(text, end) };
      text = text.slice(0, start) + insert + text.slice(end);
      version++;
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ range, text: insert }],
      });
    };
    const answered = <R>(method: string, params: unknown): Promise<R> =>
      Promise.race([
        client.request<R>(method, params),
        new Promise<R>((_, reject) => setTimeout(() => reject(new Error(`${method} not answered within 20 s (version ${version})`)), 20_000)),
      ]);
    const formatted = async (): Promise<string> => {
      const edits = await answered<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      return TextDocument.applyEdits(TextDocument.create(uri, 'mql', version, text), edits ?? []);
    };
    const inSync = async () => expect(await formatted()).toBe(formatText(text, 'rules.mql').text ?? text);

    const requests = [
      'textDocument/hover', 'textDocument/completion', 'textDocument/signatureHelp', 'textDocument/definition', 'textDocument/references',
      'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/semanticTokens/full', 'textDocument/codeAction', 'textDocument/documentHighlight',
    ];
    for (let step = 1; step <= STEPS; step++) {
      const at = Math.floor(next() * (text.length + 1));
      const roll = next();
      if (roll < 0.5) await edit(at, at, pick(FRAGMENTS));
      else if (roll < 0.75) await edit(at, Math.min(text.length, at + Math.floor(next() * 12)), '');
      else await edit(at, Math.min(text.length, at + Math.floor(next() * 6)), pick(FRAGMENTS));
      if (next() < 0.5) {
        const position = positionAt(text, Math.floor(next() * (text.length + 1)));
        const method = pick(requests);
        const params = {
          textDocument: { uri },
          position,
          range: { start: position, end: position },
          context: { diagnostics: [], includeDeclaration: true },
        };
        await answered(method, params);
      }
      if (step % 40 === 0) {
        await inSync();
        // Back to a formattable text through a ranged edit computed on the client's text: any drift
        // on the server would leave characters behind and change what formatting returns.
        await edit(0, text.length, next() < 0.5 ? RULES : RULES.replace(/ = /g, '=').replace(/\n\n/g, '\n'));
        await inSync();
      }
    }
    await inSync();
    expect(client.stderr).not.toMatch(/RangeError|TypeError|Maximum call stack|\n\s+at /);
  });
});

describe('broken framing', () => {
  it.each([
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}', 'Content-Length "abc" is not a number of bytes'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}', 'Content-Length "-5" is not a number of bytes'],
    ['a Content-Length with trailing garbage', 'Content-Length: 12abc\r\n\r\n{}', 'Content-Length "12abc" is not a number of bytes'],
    ['a huge Content-Length', 'Content-Length: 999999999999\r\n\r\n{', `Content-Length 999999999999 is above the limit of ${MAX_MESSAGE_BYTES} bytes (64 MiB)`],
    ['a Content-Length just above the limit', `Content-Length: ${MAX_MESSAGE_BYTES + 1}\r\n\r\n{`, `Content-Length ${MAX_MESSAGE_BYTES + 1} is above the limit of ${MAX_MESSAGE_BYTES} bytes (64 MiB)`],
    ['a header without Content-Length', 'Content-Type: application/vscode-jsonrpc\r\n\r\n{}', 'a message header without Content-Length'],
    ['a header that never ends', 'X'.repeat(MAX_HEADER_BYTES + 1), `a message header longer than ${MAX_HEADER_BYTES} bytes`],
    ['a header line without a colon', 'garbage\r\n\r\n', `a message header line without ':': "garbage"`],
    ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{"a":', 'Unexpected end of JSON input'],
    ['a second message with a huge Content-Length', `${frame({ jsonrpc: '2.0', method: 'initialized', params: {} })}Content-Length: 70000000\r\n\r\n`, `Content-Length 70000000 is above the limit of ${MAX_MESSAGE_BYTES} bytes (64 MiB)`],
  ])('%s: the server logs why and exits while its input is still open', async (_name, input, reason) => {
    const server = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += String(chunk)));
    server.stdin.write(input); // and the pipe stays open
    const timer = setTimeout(() => server.kill(), 15_000);
    const [code] = await once(server, 'exit');
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe(`mql-language-server: unreadable input from the client, exiting: ${reason}`);
  });

  it('messages cut into pieces of a few bytes, and several in one piece, are still read', async () => {
    const server = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    server.stdout.on('data', (chunk) => (stdout += String(chunk)));
    const initialize = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const bytes = Buffer.from(initialize + frame({ jsonrpc: '2.0', method: 'initialized', params: {} }) + frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
    for (let i = 0; i < bytes.length; i += 1 + (i % 7)) server.stdin.write(bytes.subarray(i, i + 1 + (i % 7)));
    const timer = setTimeout(() => server.kill(), 15_000);
    while (!stdout.includes('"id":2,')) await once(server.stdout, 'data');
    server.stdin.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    const [code] = await once(server, 'exit');
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(stdout).toMatch(/"id":1,"result":\{"capabilities"/);
    expect(stdout).toMatch(/"id":2,"result":null/);
  });
});

/** One LSP message with its header; the length counts UTF-8 bytes. */
function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
