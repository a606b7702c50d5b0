// The two rule versions `mql diff` compares, each a `.mql` entry (compiled here) or a `.json`
// artifact, read from the working tree or, for the base with --base REV, from a git revision
// (git-host.ts): both through a SourceHost, so the two cases share one path. A version that does
// not compile prints its errors on stderr, under a line naming the version, and makes the command
// exit 1.

import path from 'node:path';
import { compileProgram, type SourceHost } from '@mql/core';
import { ArtifactError, load, type RulesEngine } from '@mql/runtime';
import type { GitRevision } from '../git-host.js';
import { displayPath, MAX_ARTIFACT_BYTES, nodeHost, readNamedFile, toCorePath, UsageError } from '../host.js';
import { colors } from '../report.js';
import { RulesHaveErrors, reportCompileErrors } from '../rules.js';

interface VersionSource {
  host: SourceHost;
  revision?: string;
  corePath: string;
  /** How messages name the version's file: `HEAD:rules/funnel.mql` or `rules/funnel.mql`. */
  where: string;
}

export function loadVersion(role: 'base' | 'new', file: string, revision?: GitRevision): RulesEngine {
  const source: VersionSource = revision
    ? { host: revision.host, revision: revision.revision, corePath: revision.corePath(file), where: revision.label(file) }
    : { host: nodeHost, corePath: toCorePath(file), where: displayPath(path.resolve(file)) };
  const extension = path.extname(file).toLowerCase();
  if (extension === '.mql') return compiled(role, source);
  if (extension === '.json') return artifact(source);
  throw new UsageError(`${file}: rules must be a .mql entry file or a compiled .json artifact (from \`mql build\`)`);
}

function compiled(role: string, source: VersionSource): RulesEngine {
  // A missing entry on disk is a usage error, as for the other commands. One missing in the
  // revision (a program the pull request adds) is core's diagnostic, like a missing import.
  if (source.revision === undefined) readNamedFile(source.corePath, 'rules file');
  const result = compileProgram(source.corePath, source.host);
  if (result.artifact) return load(result.artifact);
  process.stderr.write(`${colors.bold(`The ${role} version (${source.where}) does not compile:`)}\n`);
  reportCompileErrors(
    result.diagnostics.filter((d) => d.severity === 'error'),
    result.analysis.files,
  );
  throw new RulesHaveErrors(source.where);
}

function artifact(source: VersionSource): RulesEngine {
  const text = source.revision === undefined ? readNamedFile(source.corePath, 'rules file', MAX_ARTIFACT_BYTES) : source.host.readFile(source.corePath);
  if (typeof text !== 'string') throw new UsageError(`no such rules file: ${source.where}`);
  try {
    return load(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`${source.where} is not a rules artifact: invalid JSON (${error.message})`);
    if (error instanceof ArtifactError) throw new UsageError(`${source.where}: ${error.message}`);
    throw error;
  }
}
