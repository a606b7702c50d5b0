// The RULES argument of `mql eval`: a `.mql` entry file (compiled here) or a compiled `.json`
// artifact (loaded as is). Either way the result is a runtime engine, plus a way to show a rule's
// source location.

import path from 'node:path';
import type { SourceLocation } from '@mql/artifact';
import { compileProgram, type Diagnostic, type ProgramFile } from '@mql/core';
import { ArtifactError, load, type RulesEngine } from '@mql/runtime';
import { displayPath, MAX_ARTIFACT_BYTES, nodeHost, readNamedFile, toCorePath, UsageError } from './host.js';
import { withoutBom } from '@mql/data';
import { FileIndex, colors, countBySeverity, formatDiagnostics, plural } from './report.js';

export interface Rules {
  engine: RulesEngine;
  /** `examples/b2b-funnel/funnel.mql:23` for a location in the artifact. */
  where: (loc: SourceLocation) => string;
}

/** Compile errors: the diagnostics were printed (on stderr) and the command should exit 1. */
export class RulesHaveErrors extends Error {}

export function loadRules(file: string): Rules {
  const text = readNamedFile(file, 'rules file', MAX_ARTIFACT_BYTES);
  const extension = path.extname(file).toLowerCase();
  if (extension === '.mql') return compileRules(file);
  if (extension === '.json') return loadArtifact(file, text);
  throw new UsageError(`${file}: RULES must be a .mql entry file or a compiled .json artifact (from \`mql build\`)`);
}

/** loadRules, or undefined when the rules have compile errors (printed on stderr: the command exits 1). */
export function loadRulesUnlessErrors(file: string): Rules | undefined {
  try {
    return loadRules(file);
  } catch (error) {
    if (error instanceof RulesHaveErrors) return undefined;
    throw error;
  }
}

/** A location in a program compiled from `entry`: artifact paths are relative to the entry's folder. */
export function locationsBeside(entry: string): (loc: SourceLocation) => string {
  const folder = path.dirname(path.resolve(entry));
  return (loc) => `${displayPath(path.join(folder, loc.file))}:${loc.line}`;
}

function compileRules(file: string): Rules {
  const compiled = compileProgram(toCorePath(file), nodeHost);
  if (!compiled.artifact) {
    reportCompileErrors(compiled.diagnostics.filter((d) => d.severity === 'error'), compiled.analysis.files);
    throw new RulesHaveErrors(file);
  }
  return { engine: load(compiled.artifact), where: locationsBeside(file) };
}

/** Prints compile errors. Warnings are left to `mql check`, so evaluation and test output stay quiet. */
export function reportCompileErrors(
  errors: readonly Diagnostic[],
  files: readonly ProgramFile[],
  stream: NodeJS.WritableStream = process.stderr,
): void {
  const index = new FileIndex();
  index.add(files);
  stream.write(`${formatDiagnostics(errors, index)}\n\n`);
  stream.write(`${colors.red(`The rules have ${plural(countBySeverity(errors).errors, 'error')}`)}\n`);
}

function loadArtifact(file: string, text: string): Rules {
  let json: unknown;
  try {
    json = JSON.parse(withoutBom(text));
  } catch (error) {
    throw new UsageError(`${file} is not a rules artifact: invalid JSON (${(error as Error).message})`);
  }
  try {
    // The artifact does not say where its sources are now, so locations are shown as recorded.
    return { engine: load(json), where: (loc) => `${loc.file}:${loc.line}` };
  } catch (error) {
    if (error instanceof ArtifactError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}
