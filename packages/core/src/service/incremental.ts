// Re-parsing a file after an edit without parsing all of it again.
//
// A 5,000-line file takes a few hundred milliseconds to parse, far too slow to run on every
// keystroke. An edit usually touches one declaration, and the parser is at the top level (between
// declarations) at every declaration boundary, so only the declarations around the edit need to
// be parsed again: the region from the end of an untouched declaration on the left to the start of
// an untouched one on the right. The region is parsed with the same parser, then spliced into the
// previous tree, whose later spans are shifted by the edit's length change.
//
// Two sentinel declarations guard the splice: the region includes one untouched declaration on each
// side (two on the left, because text typed just after a declaration can extend it), and both must
// come out of the region's parse exactly as before. If they do not (an unclosed `{` swallowing the
// next declaration, an error of an outer declaration that showed up inside the region), the region
// grows; after a few tries the whole file is parsed, so the result always equals a full parse
// (a property test checks this on random edits).

import type { Declaration, FileNode, ImportDecl, Span } from '../syntax/ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseFile, type Comment } from '../syntax/parse.js';
import { resolveImport } from '../check/paths.js';
import { parseProgramFile, type ProgramFile } from '../check/program.js';
import { LineMap } from '../syntax/source-map.js';

/** The changed range: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The smallest range that differs between two texts (common prefix and suffix left out). */
export function changedRange(oldText: string, newText: string): TextChange {
  const limit = Math.min(oldText.length, newText.length);
  // Whole chunks first (native string comparison), then character by character.
  let start = 0;
  while (start + CHUNK <= limit && oldText.slice(start, start + CHUNK) === newText.slice(start, start + CHUNK)) start += CHUNK;
  while (start < limit && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let suffix = 0;
  const maxSuffix = limit - start;
  while (suffix + CHUNK <= maxSuffix && oldText.slice(oldText.length - suffix - CHUNK, oldText.length - suffix) === newText.slice(newText.length - suffix - CHUNK, newText.length - suffix)) {
    suffix += CHUNK;
  }
  while (suffix < maxSuffix && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  return { start, oldEnd: oldText.length - suffix, newEnd: newText.length - suffix };
}

const CHUNK = 256;

const MAX_GROWTH = 3;

/** Declarations `[first, last]` touch the edit; `last < first` when the edit lies between two. */
interface Touched {
  first: number;
  last: number;
}

/**
 * The file parsed from `text`, reusing `previous` (the same file before an edit). The result is
 * what `parseProgramFile(previous.path, text)` returns. `previous` must not be used afterwards:
 * the nodes it shares with the result have had their spans shifted.
 */
export function reparseProgramFile(previous: ProgramFile, text: string): ProgramFile {
  if (previous.text === text) return previous;
  const decls = previous.ast.decls;
  // The nesting guard counts brackets across the whole file; a region cannot reproduce its cut.
  if (decls.length === 0 || previous.syntaxDiagnostics.some((d) => d.code === 'MQL1008')) {
    return parseProgramFile(previous.path, text);
  }
  const change = changedRange(previous.text, text);
  const touched = touchedDeclarations(decls, change);
  // One more declaration on the left than on the right: text typed after a declaration can extend it.
  let lo = Math.max(0, touched.first - 2);
  let hi = Math.min(decls.length - 1, Math.max(touched.last, touched.first - 1) + 1);
  for (let attempt = 0; attempt <= MAX_GROWTH; attempt++) {
    const spliced = trySplice(previous, text, change, lo, hi);
    if (spliced === 'grow-left') lo = Math.max(0, lo - 2);
    else if (spliced === 'grow-right') hi = Math.min(decls.length - 1, hi + 2);
    else return spliced;
  }
  return parseProgramFile(previous.path, text);
}

function touchedDeclarations(decls: readonly Declaration[], change: TextChange): Touched {
  // Inclusive ends: typing right after a name extends it.
  let first = decls.findIndex((d) => d.span.end >= change.start);
  if (first < 0) first = decls.length;
  let last = first - 1;
  while (last + 1 < decls.length && decls[last + 1]!.span.start <= change.oldEnd) last++;
  return { first, last };
}

type Splice = ProgramFile | 'grow-left' | 'grow-right';

/**
 * Parses declarations `[lo, hi]` (with the gaps around them) from the new text and splices them
 * in. `decls[lo]` (when lo > 0) and `decls[hi]` (when not the last) are untouched sentinels.
 */
function trySplice(previous: ProgramFile, text: string, change: TextChange, lo: number, hi: number): Splice {
  const decls = previous.ast.decls;
  const delta = change.newEnd - change.oldEnd;
  const oldStart = lo > 0 ? decls[lo - 1]!.span.end : 0;
  const oldEnd = hi + 1 < decls.length ? decls[hi + 1]!.span.start : previous.text.length;
  const region = parseRegion(text.slice(oldStart, oldEnd + delta), previous.path, oldStart);
  const regionDecls = region.decls;

  const leftSentinel = lo > 0 ? decls[lo]! : undefined;
  if (leftSentinel && !sameDecl(regionDecls[0], leftSentinel, 0)) return 'grow-left';
  const rightSentinel = hi + 1 < decls.length ? decls[hi]! : undefined;
  if (rightSentinel && !sameDecl(regionDecls[regionDecls.length - 1], rightSentinel, delta)) return 'grow-right';
  // A declaration's syntax error names the token after it; cut off, the region reports the end of
  // the file there instead (an empty span): then the next declaration must come into the region.
  if (rightSentinel) {
    const sentinelEnd = rightSentinel.span.end + delta;
    if (region.diagnostics.some((d) => d.span.start === d.span.end && d.span.start >= sentinelEnd)) return 'grow-right';
  }
  // An error that an earlier declaration caused inside the left sentinel is not reproduced by a
  // parse that starts after that declaration: then the region must start earlier.
  if (leftSentinel) {
    const within = (d: Diagnostic) => d.span.start >= oldStart && d.span.start <= leftSentinel.span.end;
    const before = previous.syntaxDiagnostics.filter(within).map(diagnosticKey);
    const after = region.diagnostics.filter(within).map(diagnosticKey);
    if (before.join('\n') !== after.join('\n')) return 'grow-left';
  }

  const shift = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  const isBefore = (span: Span) => span.start < oldStart && span.end <= oldStart;
  const isAfter = (span: Span) => hi + 1 < decls.length && span.start >= oldEnd;
  const comments: Comment[] = [
    ...previous.comments.filter((c) => isBefore(c.span)),
    ...region.comments,
    ...previous.comments.filter((c) => isAfter(c.span)).map((c) => ({ ...c, span: shift(c.span) })),
  ];
  const syntaxDiagnostics = sortBySpan([
    ...previous.syntaxDiagnostics.filter((d) => isBefore(d.span)),
    ...region.diagnostics,
    ...previous.syntaxDiagnostics.filter((d) => isAfter(d.span)).map(shiftedDiagnostic(delta)),
  ]);
  // Diagnostics may share span objects with the tree, so they are copied before the tree moves.
  const keptAfter = decls.slice(hi + 1);
  for (const decl of keptAfter) shiftSpans(decl, delta);
  const ast: FileNode = { kind: 'File', decls: [...decls.slice(0, lo), ...regionDecls, ...keptAfter], span: { start: 0, end: text.length } };
  return {
    path: previous.path,
    text,
    ast,
    comments,
    lines: new LineMap(text),
    syntaxDiagnostics,
    imports: importsOf(previous.path, ast.decls),
  };
}

/** A region parsed on its own, with every offset moved to where the region starts in the file. */
function parseRegion(text: string, path: string, start: number): { decls: Declaration[]; diagnostics: Diagnostic[]; comments: Comment[] } {
  const parsed = parseFile(text, path);
  // Diagnostics may share span objects with the tree, so they are copied before the tree moves.
  const diagnostics = parsed.diagnostics.map(shiftedDiagnostic(start));
  const comments = parsed.comments.map((c) => ({ ...c, span: { start: c.span.start + start, end: c.span.end + start } }));
  for (const decl of parsed.ast.decls) shiftSpans(decl, start);
  return { decls: parsed.ast.decls, diagnostics, comments };
}

/** Same kind at the same place (shifted by `delta`): the parser took the same path through it. */
function sameDecl(candidate: Declaration | undefined, old: Declaration, delta: number): boolean {
  return (
    candidate !== undefined &&
    candidate.kind === old.kind &&
    candidate.span.start === old.span.start + delta &&
    candidate.span.end === old.span.end + delta
  );
}

function diagnosticKey(d: Diagnostic): string {
  return `${d.span.start}:${d.span.end}:${d.code}:${d.message}`;
}

function shiftedDiagnostic(delta: number): (d: Diagnostic) => Diagnostic {
  const move = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  return (d) => ({
    ...d,
    span: move(d.span),
    related: d.related.map((r) => ({ ...r, span: move(r.span) })),
    fixes: d.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, span: move(e.span) })) })),
  });
}

function sortBySpan(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

function importsOf(path: string, decls: readonly Declaration[]): ProgramFile['imports'] {
  return decls
    .filter((d): d is ImportDecl => d.kind === 'Import')
    .flatMap((decl) => (decl.path ? [{ decl, target: resolveImport(path, decl.path.value) }] : []));
}

/**
 * Moves every span in a declaration by `delta`, in place. The spans of a declaration are found
 * once (an iterative walk: expression trees can be thousands of levels deep) and remembered, so
 * the declarations after an edit, shifted on every keystroke, cost a loop over their spans.
 */
function shiftSpans(decl: Declaration, delta: number): void {
  if (delta === 0) return;
  for (const span of spansOf(decl)) {
    span.start += delta;
    span.end += delta;
  }
}

const spansByDeclaration = new WeakMap<Declaration, Span[]>();

/** Every span object in a declaration, each once. Spans are the objects with a numeric `start`. */
function spansOf(decl: Declaration): Span[] {
  const known = spansByDeclaration.get(decl);
  if (known) return known;
  const spans = new Set<Span>();
  const pending: object[] = [decl];
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.start === 'number') {
      spans.add(value as Span);
      continue;
    }
    for (const key in record) {
      const child = record[key];
      if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  const list = [...spans];
  spansByDeclaration.set(decl, list);
  return list;
}
