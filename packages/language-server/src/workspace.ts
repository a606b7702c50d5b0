// The server's model of the workspace: open documents (text and version), one analysis per entry
// file (every open document, and every .mql file of the workspace folders for cross-file
// references), and one parse cache shared by all of them.
//
// An edit re-parses only the declarations around it (core's reparseProgramFile) and drops every
// analysis whose program includes the edited file; analyses are rebuilt lazily, when a request or
// the diagnostics publisher needs them. Files that are not open are read from disk.

import {
  CONFIG_FILE,
  ConfigLookup,
  analyzeProgram,
  lintPrograms,
  reparseProgramFile,
  type Analysis,
  type Diagnostic,
  type LineMap,
  type ParseCache,
  type SourceHost,
  type SourceProblem,
} from '@mql/core';



export interface FileSystem {
  /** A file's text, undefined when there is none, or why it cannot be read (see @mql/node-host). */
  readFile(path: string): string | undefined | SourceProblem;
  /** Why the program of `entry` may not import `target` (outside the project), or undefined. */
  checkImport?(target: string, entry: string): string | undefined;
  listDirectory(path: string): { name: string; directory: boolean }[] | undefined;
  /** Every .mql file below a folder (absolute, `/`-separated paths). */
  findMqlFiles(root: string): string[];
}

export interface OpenDocument {
  path: string;
  version: number;
  text: string;
}

export class Workspace {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly parseCache: ParseCache = new Map();
  private readonly analyses = new Map<string, Analysis>();
  private roots: string[] = [];
  private workspaceFiles: string[] | undefined;
  /** Lint settings as `mql check` finds them; an unusable config file counts as none here. */
  readonly configs = new ConfigLookup({ readFile: (path) => textOrNothing(this.fs.readFile(path)), unusable: () => undefined });

  /** Core reads programs through this: open documents first, then the disk; imports follow the disk's rules. */
  readonly host: SourceHost = {
    readFile: (path) => this.documents.get(path)?.text ?? this.fs.readFile(path),
    checkImport: (target, entry) => this.fs.checkImport?.(target, entry),
  };

  constructor(readonly fs: FileSystem) {}

  setRoots(roots: string[]): void {
    this.roots = roots;
    this.workspaceFiles = undefined;
  }

  document(path: string): OpenDocument | undefined {
    return this.documents.get(path);
  }

  openPaths(): string[] {
    return [...this.documents.keys()];
  }

  /** Opens or updates a document; returns the open documents whose diagnostics may have changed. */
  update(path: string, version: number, text: string): string[] {
    const previous = this.documents.get(path);
    this.documents.set(path, { path, version, text });
    if (previous?.text === text) return [path];
    const cached = this.parseCache.get(path);
    if (cached && cached.text !== text) {
      try {
        this.parseCache.set(path, reparseProgramFile(cached, text));
      } catch {
        this.parseCache.delete(path); // the next analysis parses the whole file
      }
    }
    return [...new Set([path, ...this.invalidate(path)])];
  }

  /** Closes a document (its file is read from disk again); returns the open documents affected. */
  close(path: string): string[] {
    this.documents.delete(path);
    this.analyses.delete(path);
    return this.invalidate(path);
  }

  /** A file changed, appeared or vanished on disk; returns the open documents affected. */
  fileChangedOnDisk(path: string, createdOrDeleted: boolean): string[] {
    if (path.endsWith(`/${CONFIG_FILE}`)) {
      this.configs.clear(); // lint settings changed: every open document's lints may differ
      return this.openPaths();
    }
    if (createdOrDeleted) this.workspaceFiles = undefined;
    if (this.documents.has(path)) return [];
    return this.invalidate(path);
  }

  /** The analysis of the program whose entry is `path`, rebuilt if anything in it changed. */
  analysis(path: string): Analysis {
    let analysis = this.analyses.get(path);
    if (!analysis) {
      analysis = analyzeProgram(path, this.host, this.parseCache);
      this.analyses.set(path, analysis);
    }
    return analysis;
  }

  /**
   * Analyses of every program in the workspace, for references, rename and workspace symbols:
   * one per open document and per .mql file in the workspace folders.
   */
  allAnalyses(): Analysis[] {
    const entries = new Set([...this.documents.keys(), ...this.mqlFiles()]);
    return [...entries].map((entry) => this.analysis(entry));
  }

  /**
   * The lints (MQL3xxx) of a file, as `mql check` reports them: over every workspace program that
   * includes the file, so a declaration used only by an importer is not "unused".
   */
  lints(path: string): Diagnostic[] {
    const programs = this.allAnalyses().filter((analysis) => analysis.files.some((file) => file.path === path));
    return lintPrograms(programs, (entry) => this.configs.forFile(entry)).filter((d) => d.file === path);
  }

  /** The open documents whose program includes `path` (itself, when open, first). */
  programsIncluding(path: string): string[] {
    const including = this.openPaths().filter((entry) => entry !== path && this.analysis(entry).files.some((file) => file.path === path));
    return this.documents.has(path) ? [path, ...including] : including;
  }

  /**
   * The workspace .mql files that are not open and whose program includes one of `changed` (by
   * import, directly or not, or being one of them): what an edit of a schema can break elsewhere.
   */
  closedDependents(changed: ReadonlySet<string>): string[] {
    return this.mqlFiles().filter((entry) => !this.documents.has(entry) && this.analysis(entry).files.some((file) => changed.has(file.path)));
  }

  /** The line map of any file the server has parsed (for positions in other files). */
  lines(path: string): LineMap | undefined {
    return this.parseCache.get(path)?.lines;
  }

  private mqlFiles(): string[] {
    this.workspaceFiles ??= this.roots.flatMap((root) => this.fs.findMqlFiles(root));
    return this.workspaceFiles;
  }

  /** Drops the analyses that include `path` (or import it), and returns their open entries. */
  private invalidate(path: string): string[] {
    const affected: string[] = [];
    for (const [entry, analysis] of this.analyses) {
      const involved = analysis.files.some((file) => file.path === path || file.imports.some((i) => i.target === path));
      if (!involved) continue;
      this.analyses.delete(entry);
      if (this.documents.has(entry)) affected.push(entry);
    }
    return affected;
  }
}

/** A config file that cannot be read (a device, too large) counts as none in the editor. */
function textOrNothing(text: string | undefined | SourceProblem): string | undefined {
  return typeof text === 'string' ? text : undefined;
}
