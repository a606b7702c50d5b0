// Loading a program: the entry file and every file it imports, transitively, parsed once each.
// Core does no I/O: the host hands over file texts. Import cycles and missing files are reported
// at the import that causes them; the rest of the program is still loaded and checked.

import type { FileNode, ImportDecl } from '../syntax/ast.js';
import { makeDiagnostic, type Diagnostic } from '../diagnostics.js';
import { parseFile, type Comment } from '../syntax/parse.js';
import { dirname, relativePath, resolveImport } from './paths.js';
import { LineMap } from '../syntax/source-map.js';

export interface SourceHost {
  /**
   * The text of a file, undefined when there is no such file, or why it cannot be read (a device
   * or pipe, too large, no permission): the problem becomes a diagnostic and nothing of the file
   * is ever shown.
   */
  readFile(path: string): string | undefined | SourceProblem;
  /**
   * Why the program whose entry is `entry` may not import `target` (outside its project, say), or
   * undefined when it may. Asked before the file is read; hosts without a file system leave it out.
   */
  checkImport?(target: string, entry: string): string | undefined;
}

export interface SourceProblem {
  problem: string;
}

/** The extension every imported file must have (LANGUAGE.md §9; see grammar/README.md). */
const SOURCE_EXTENSION = '.mql';

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
  // An explicit stack, not recursion: an import chain thousands of files long must not overflow.
  const stack: { file: ProgramFile; next: number }[] = [];
  const onStack = new Map<string, number>();
  const entryDir = dirname(entry);
  const display = (path: string) => relativePath(entryDir, path);
  const open = (path: string, text: string) => {
    visited.add(path);
    const file = parseProgramFile(path, text, cache);
    diagnostics.push(...file.syntaxDiagnostics);
    onStack.set(path, stack.length);
    stack.push({ file, next: 0 });
  };

  const entryText = host.readFile(entry);
  if (typeof entryText !== 'string') {
    const empty = parseProgramFile(entry, '', undefined);
    const span = { start: 0, end: 0 };
    diagnostics.push(
      entryText === undefined
        ? makeDiagnostic({ code: 'MQL2005', file: entry, span, args: { path: entry } })
        : makeDiagnostic({ code: 'MQL2029', file: entry, span, args: { path: entry, reason: entryText.problem } }),
    );
    return { entry, files: [empty], diagnostics };
  }
  open(entry, entryText);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const next = frame.file.imports[frame.next++];
    if (!next) {
      stack.pop();
      onStack.delete(frame.file.path);
      ordered.push(frame.file);
      continue;
    }
    const { decl, target } = next;
    const at = { file: frame.file.path, span: decl.path!.span };
    const cycleStart = onStack.get(target);
    if (cycleStart !== undefined) {
      const cycle = [...stack.slice(cycleStart).map((f) => f.file.path), target].map(display).join(' → ');
      diagnostics.push(makeDiagnostic({ code: 'MQL2006', ...at, args: { cycle } }));
      continue;
    }
    if (visited.has(target)) continue;
    const text = readImport(host, target, entry);
    if (typeof text === 'string') open(target, text);
    else if (text === undefined) diagnostics.push(makeDiagnostic({ code: 'MQL2005', ...at, args: { path: decl.path!.value } }));
    else diagnostics.push(makeDiagnostic({ code: 'MQL2029', ...at, args: { path: decl.path!.value, reason: text.problem } }));
  }
  return { entry, files: ordered, diagnostics };
}

/** An imported file's text, after the rules every import follows: a `.mql` file the host allows. */
function readImport(host: SourceHost, target: string, entry: string): string | undefined | SourceProblem {
  if (!target.endsWith(SOURCE_EXTENSION)) return { problem: `only ${SOURCE_EXTENSION} files can be imported` };
  const refused = host.checkImport?.(target, entry);
  return refused === undefined ? host.readFile(target) : { problem: refused };
}
