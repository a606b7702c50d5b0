// Publishing diagnostics: after an edit, wait a moment (typing continues), then analyse each
// affected open document and send its diagnostics. Each document has its own timer, so an edit in
// one does not hold back another; an edit restarts the timers of the documents it affects.
//
// Workspace-wide: after an edit (or a change on disk), the workspace .mql files that are NOT open
// and whose program includes the changed file are checked too, a little later (DEPENDENTS_DELAY,
// one timer for all), and their diagnostics published, so renaming a field in a schema shows every
// importer it breaks; once fixed, their diagnostics are cleared.

import type { Connection } from 'vscode-languageserver';
import type { Diagnostic } from '@mql/core';
import * as convert from './convert.js';
import type { Workspace } from './workspace.js';

/** Milliseconds between the last edit and checking the closed files that depend on it. */
export const DEPENDENTS_DELAY = 250;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files changed since the closed dependents were last checked. */
  private readonly changed = new Set<string>();
  private dependentsTimer: NodeJS.Timeout | undefined;
  /** Closed files whose last published diagnostics were not empty (to clear them once fixed). */
  private readonly closedShown = new Set<string>();
  /**
   * Per document, the declarations reported unused (MQL3001) when it was opened or last saved.
   * While the author types, a declaration can look unused for a moment (its only use is being
   * retyped, or was just typed with a typo); the warning would land on a correct line away from
   * the cursor. So between saves only the unused warnings already known are shown; a save
   * (or reopening) reports every one.
   */
  private readonly settledUnused = new Map<string, Set<string>>();
  /** More diagnostics of a document from elsewhere (failed tests of the last run). */
  extra: (path: string) => Diagnostic[] = () => [];

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly uris: convert.Uris,
    /** Milliseconds between the last edit and publishing (a client may set it at initialization). */
    public delay: number,
  ) {}

  /**
   * Publishes the diagnostics of `paths` after the delay (`settle`: at once, with every unused
   * declaration reported, on open and save).
   */
  schedule(paths: readonly string[], settle = false): void {
    for (const path of paths) {
      clearTimeout(this.timers.get(path));
      if (settle) {
        this.timers.delete(path);
        this.settledUnused.delete(path);
        this.publish(path);
      } else {
        this.timers.set(path, setTimeout(() => this.publish(path), this.delay));
      }
    }
  }

  /** After `path` changed: checks, a little later, the closed workspace files whose program includes it. */
  scheduleDependents(path: string): void {
    this.changed.add(path);
    clearTimeout(this.dependentsTimer);
    this.dependentsTimer = setTimeout(() => this.publishDependents(), DEPENDENTS_DELAY);
  }

  private publishDependents(): void {
    this.dependentsTimer = undefined;
    const changed = new Set(this.changed);
    this.changed.clear();
    try {
      for (const path of this.workspace.closedDependents(changed)) this.publishClosed(path);
    } catch (error) {
      this.connection.console.error(`mql: could not check the files depending on ${[...changed].join(', ')}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  /** A closed file's diagnostics as `mql check` gives them (every lint: nothing is being typed there). */
  private publishClosed(path: string): void {
    const analysis = this.workspace.analysis(path);
    const own = [...analysis.diagnostics.filter((d) => d.file === path), ...this.workspace.lints(path)];
    if (own.length === 0 && !this.closedShown.delete(path)) return; // nothing shown, nothing to say
    if (own.length > 0) this.closedShown.add(path);
    const linesOf: convert.LinesOf = (file) => this.workspace.lines(file);
    void this.connection.sendDiagnostics({ uri: this.uris.toUri(path), diagnostics: own.map((d) => convert.toDiagnostic(d, linesOf, this.uris)) });
  }

  /** Removes the diagnostics of a closed document. */
  clear(path: string): void {
    clearTimeout(this.timers.get(path));
    this.settledUnused.delete(path);
    this.timers.delete(path);
    void this.connection.sendDiagnostics({ uri: this.uris.toUri(path), diagnostics: [] });
  }

  /** The lints to show: unused warnings only for declarations already unused when settled. */
  private settled(path: string, lints: Diagnostic[], text: string): Diagnostic[] {
    const unusedName = (d: Diagnostic) => text.slice(d.span.start, d.span.end);
    const known = this.settledUnused.get(path);
    if (!known) {
      this.settledUnused.set(path, new Set(lints.filter((d) => d.code === 'MQL3001').map(unusedName)));
      return lints;
    }
    return lints.filter((d) => d.code !== 'MQL3001' || known.has(unusedName(d)));
  }

  private publish(path: string): void {
    this.timers.delete(path);
    const document = this.workspace.document(path);
    if (!document) return;
    this.closedShown.delete(path); // open now: its own publishing replaces what was shown
    try {
      const analysis = this.workspace.analysis(path);
      const linesOf: convert.LinesOf = (file) => this.workspace.lines(file);
      const own = [...analysis.diagnostics.filter((d) => d.file === path), ...this.settled(path, this.workspace.lints(path), document.text), ...this.extra(path)];
      const diagnostics = own.map((d) => convert.toDiagnostic(d, linesOf, this.uris));
      void this.connection.sendDiagnostics({ uri: this.uris.toUri(path), version: document.version, diagnostics });
    } catch (error) {
      // A bug in an analysis must not take the server down; the document keeps its last diagnostics.
      this.connection.console.error(`mql: could not check ${path}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
