// `mql build ENTRY.mql [-o rules.json]`: compiles a program into the JSON rules artifact.

import { writeFileSync } from 'node:fs';
import { compileProgram, serializeArtifact } from '@mql/core';
import { displayPath, nodeHost, toCorePath } from '../host.js';
import { FileIndex, colors, countBySeverity, formatDiagnostics, plural } from '../report.js';

export interface BuildOptions {
  output?: string;
  tests?: boolean;
}

export function runBuild(entry: string, options: BuildOptions): number {
  const result = compileProgram(toCorePath(entry), nodeHost, { omitTests: options.tests === false });
  const index = new FileIndex();
  index.add(result.analysis.files);
  if (result.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(result.diagnostics, index)}\n\n`);
  if (!result.artifact) {
    const { errors } = countBySeverity(result.diagnostics);
    process.stderr.write(`${colors.red(`Build failed: ${plural(errors, 'error')}`)}\n`);
    return 1;
  }
  const json = serializeArtifact(result.artifact);
  if (!options.output || options.output === '-') {
    process.stdout.write(json);
    return 0;
  }
  writeFileSync(options.output, json);
  const { scores, stages, tests } = result.artifact;
  process.stderr.write(
    `${colors.green('Built')} ${displayPath(options.output)} from ${plural(result.artifact.source.files.length, 'file')}: ` +
      `${plural(scores.length, 'score')}, ${plural(stages.length, 'stage')}, ${plural(tests.length, 'test')}\n`,
  );
  return 0;
}
