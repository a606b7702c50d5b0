// Posix-style path arithmetic for import resolution. Core does no I/O and may run where `node:path`
// is not available (an editor host), so the little it needs lives here. Hosts hand core absolute
// paths (or URIs' paths) with `/` separators.

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** Joins and normalises `.` and `..` segments; keeps a leading `/`. */
export function joinPath(base: string, relative: string): string {
  const absolute = relative.startsWith('/');
  const raw = absolute ? relative : `${base}/${relative}`;
  const leadingSlash = raw.startsWith('/');
  const out: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (segment === '..' && leadingSlash) continue;
    else out.push(segment);
  }
  const joined = out.join('/');
  return leadingSlash ? `/${joined}` : joined || '.';
}

/** The path of `to` relative to the folder `fromDir`, with `/` separators. */
export function relativePath(fromDir: string, to: string): string {
  const from = joinPath(fromDir, '.').split('/').filter(Boolean);
  const target = joinPath(to, '.').split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length && from[common] === target[common]) common++;
  const ups = from.slice(common).map(() => '..');
  return [...ups, ...target.slice(common)].join('/') || '.';
}

/** Resolves an import string against the importing file. */
export function resolveImport(importingFile: string, specifier: string): string {
  return joinPath(dirname(importingFile), specifier);
}

/**
 * Folders that never hold a project's rules, passed over when a host searches for `.mql` files
 * (`mql check` on a folder, the language server's workspace index).
 */
export const FOLDERS_NOT_SEARCHED: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist']);
