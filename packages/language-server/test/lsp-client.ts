// A test client that talks to the built server over stdio with real JSON-RPC, like an editor:
// spawn `dist/server.js --stdio`, initialize, open documents, send requests, and wait for the
// diagnostics the server publishes. Documents are written with a `|` cursor marker.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type Diagnostic,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';

export const serverPath = path.resolve(import.meta.dirname, '..', 'dist', 'server.js');

/** A document with a `|` marker: the text without it and the marker's position. */
export function withCursor(marked: string): { text: string; position: Position; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in the document');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, position: positionAt(text, offset), offset };
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** A fresh folder with the given files (relative paths → text). */
export function workspaceFolder(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'mql-lsp-'));
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(root, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

export const uriOf = (file: string) => pathToFileURL(file).href;

export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private readonly versions = new Map<string, number>();
  stderr = '';

  private constructor(
    readonly root: string,
    server: string,
  ) {
    this.process = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (chunk) => (this.stderr += String(chunk)));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => this.onDiagnostics(params));
    this.connection.listen();
  }

  /** Starts a server (by default the built `dist/server.js`) for a workspace folder. */
  static async start(root: string, server = serverPath): Promise<LspClient> {
    const client = new LspClient(root, server);
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: 'test' }],
      capabilities: {},
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  uri(name: string): string {
    return uriOf(path.join(this.root, name));
  }

  async open(name: string, text: string): Promise<string> {
    const uri = this.uri(name);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'mql', version: 1, text },
    });
    return uri;
  }

  /** Replaces the whole text of an open document. */
  async change(name: string, text: string): Promise<number> {
    const uri = this.uri(name);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** Inserts text at a position (an incremental change, as editors send while typing). */
  async insert(name: string, position: Position, text: string): Promise<number> {
    const uri = this.uri(name);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end: position }, text }],
    });
    return version;
  }

  /** The next diagnostics published for a document that satisfy `test` (already received ones count). */
  diagnostics(name: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const uri = this.uri(name);
    const seen = this.published.get(uri)?.findLast(test);
    if (seen) return Promise.resolve(seen.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${name} within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p.diagnostics);
        },
      });
    });
  }

  /** Diagnostics of the given document version. */
  diagnosticsOfVersion(name: string, version: number): Promise<Diagnostic[]> {
    return this.diagnostics(name, (p) => p.version === version);
  }

  /** The documents that got diagnostics so far. */
  publishedUris(): string[] {
    return [...this.published.keys()];
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } finally {
      this.connection.dispose();
      this.process.kill();
    }
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    const list = this.published.get(params.uri) ?? [];
    list.push(params);
    this.published.set(params.uri, list);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (waiter.uri === params.uri && waiter.test(params)) {
        this.waiters.splice(i, 1);
        waiter.resolve(params);
      }
    }
  }
}
