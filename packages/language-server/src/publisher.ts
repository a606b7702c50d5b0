// Publishing diagnostics: after an edit, wait a moment (typing continues), then analyse each
// affected open document and send its diagnostics. Each document has its own timer, so an edit in
// one does not hold back another; an edit restarts the timers of the documents it affects.

import type { Connection } from 'vscode-languageserver';
import * as convert from './convert.js';
import type { Workspace } from './workspace.js';

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly uris: convert.Uris,
    private readonly delay: number,
  ) {}

  /** Publishes the diagnostics of `paths` after the delay (`now`: at once, e.g. on open). */
  schedule(paths: readonly string[], now = false): void {
    for (const path of paths) {
      clearTimeout(this.timers.get(path));
      if (now) {
        this.timers.delete(path);
        this.publish(path);
      } else {
        this.timers.set(path, setTimeout(() => this.publish(path), this.delay));
      }
    }
  }

  /** Removes the diagnostics of a closed document. */
  clear(path: string): void {
    clearTimeout(this.timers.get(path));
    this.timers.delete(path);
    void this.connection.sendDiagnostics({ uri: this.uris.toUri(path), diagnostics: [] });
  }

  private publish(path: string): void {
    this.timers.delete(path);
    const document = this.workspace.document(path);
    if (!document) return;
    try {
      const analysis = this.workspace.analysis(path);
      const linesOf: convert.LinesOf = (file) => this.workspace.lines(file);
      const own = [...analysis.diagnostics.filter((d) => d.file === path), ...this.workspace.lints(path)];
      const diagnostics = own.map((d) => convert.toDiagnostic(d, linesOf, this.uris));
      void this.connection.sendDiagnostics({ uri: this.uris.toUri(path), version: document.version, diagnostics });
    } catch (error) {
      // A bug in an analysis must not take the server down; the document keeps its last diagnostics.
      this.connection.console.error(`mql: could not check ${path}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
