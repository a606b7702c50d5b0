// Artifact locations are relative to the entry file's folder; the editor wants absolute paths.

import path from 'node:path';
import type { SourceLocation } from '@mql/artifact';

export interface FileSpan {
  /** Absolute, `/`-separated path (core's convention). */
  file: string;
  start: number;
  end: number;
}

export function locate(entry: string, loc: SourceLocation): FileSpan {
  return { file: path.posix.join(path.posix.dirname(entry), loc.file), start: loc.start, end: loc.end };
}
