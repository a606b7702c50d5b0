// Lints for `mql check`. Each checked file is the entry of a program, but a file that another
// checked file imports is linted as part of that program rather than on its own, so a list declared
// in a shared file and used by its importer is not "unused". A declaration in a file shared by
// several programs is reported unused (MQL3001) only when none of them uses it.

import { lintProgram, type Analysis, type Diagnostic } from '@mql/core';
import { ConfigFinder } from './config.js';

export function lintCheckedPrograms(analyses: readonly Analysis[], configs = new ConfigFinder()): Diagnostic[] {
  const imported = new Set(analyses.flatMap((a) => a.files.map((f) => f.path).filter((p) => p !== a.entry)));
  const roots = analyses.filter((a) => !imported.has(a.entry));
  const programs = (roots.length > 0 ? roots : analyses).map((analysis) => ({
    files: new Set(analysis.files.map((f) => f.path)),
    lints: lintProgram(analysis, configs.forFile(analysis.entry)),
  }));
  const key = (d: Diagnostic) => `${d.file}\0${d.span.start}\0${d.code}`;
  const unusedIn = new Map<string, number>();
  for (const program of programs) for (const d of program.lints) if (d.code === 'MQL3001') unusedIn.set(key(d), (unusedIn.get(key(d)) ?? 0) + 1);
  return programs.flatMap((program) =>
    program.lints.filter((d) => d.code !== 'MQL3001' || unusedIn.get(key(d)) === programs.filter((p) => p.files.has(d.file)).length),
  );
}
