// Loading a program: the entry file and every file it imports, transitively, parsed once each.
// Core does no I/O: the host hands over file texts. Import cycles and missing files are reported
// at the import that causes them; the rest of the program is still loaded and checked.

import type { FileNode, ImportDecl } from '../syntax/ast.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import { parseFile, type Comment } from '../syntax/parse.js';
import { dirname, relativePath, resolveImport } from './paths.js';
import { LineMap } from '../syntax/source-map.js';

export interface SourceHost {
  /** The text of a file, or undefined when there is no such file. */
  readFile(path: string): string | undefined;
}

export interface ProgramFile {
  path: string;
  text: string;
  ast: FileNode;
  comments: Comment[];
  lines: LineMap;
  /** Syntax diagnostics of this file. */
  syntaxDiagnostics: Diagnostic[];
  /** Each import of this file with the path it resolves to. */
  imports: { decl: ImportDecl; target: string }[];
}

export interface LoadedProgram {
  entry: string;
  /** Files in program order: a file's imports (depth first) come before the file itself. */
  files: ProgramFile[];
  diagnostics: Diagnostic[];
}

/** Parsed files keyed by path; reused while a file's text is unchanged (the language server keeps one). */
export type ParseCache = Map<string, ProgramFile>;

export function parseProgramFile(path: string, text: string, cache?: ParseCache): ProgramFile {
  const cached = cache?.get(path);
  if (cached && cached.text === text) return cached;
  const parsed = parseFile(text, path);
  const imports = parsed.ast.decls
    .filter((d): d is ImportDecl => d.kind === 'Import')
    .flatMap((decl) => (decl.path ? [{ decl, target: resolveImport(path, decl.path.value) }] : []));
  const file: ProgramFile = {
    path,
    text,
    ast: parsed.ast,
    comments: parsed.comments,
    lines: new LineMap(text),
    syntaxDiagnostics: parsed.diagnostics,
    imports,
  };
  cache?.set(path, file);
  return file;
}

export function loadProgram(entry: string, host: SourceHost, cache?: ParseCache): LoadedProgram {
  const diagnostics: Diagnostic[] = [];
  const ordered: ProgramFile[] = [];
  const visited = new Set<string>();
  const onStack: string[] = [];
  const entryDir = dirname(entry);
  const display = (path: string) => relativePath(entryDir, path);

  const visit = (path: string, text: string) => {
    visited.add(path);
    onStack.push(path);
    const file = parseProgramFile(path, text, cache);
    diagnostics.push(...file.syntaxDiagnostics);
    for (const { decl, target } of file.imports) {
      const span = decl.path!.span;
      const cycleStart = onStack.indexOf(target);
      if (cycleStart >= 0) {
        const cycle = [...onStack.slice(cycleStart), target].map(display).join(' → ');
        diagnostics.push(makeDiagnostic({ code: 'MQL2006', file: path, span, args: { cycle } }));
        continue;
      }
      if (visited.has(target)) continue;
      const importedText = host.readFile(target);
      if (importedText === undefined) {
        diagnostics.push(makeDiagnostic({ code: 'MQL2005', file: path, span, args: { path: decl.path!.value } }));
        continue;
      }
      visit(target, importedText);
    }
    onStack.pop();
    ordered.push(file);
  };

  const entryText = host.readFile(entry);
  if (entryText === undefined) {
    const empty = parseProgramFile(entry, '', undefined);
    diagnostics.push(makeDiagnostic({ code: 'MQL2005', file: entry, span: { start: 0, end: 0 }, args: { path: entry } }));
    return { entry, files: [empty], diagnostics };
  }
  visit(entry, entryText);
  return { entry, files: ordered, diagnostics };
}
