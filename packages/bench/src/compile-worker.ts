// One compiler measurement in its own process (spawned by compiler.ts): generate a program of about
// LINES lines in memory, then time check + build (compileProgram, then serialising the artifact)
// cold, as the first compile in the process like one `mql build`, and warm (median of further
// runs), and check alone (analyzeProgram) warm. Prints one JSON line.
//
//   node --expose-gc dist/compile-worker.js LINES [WARM_REPEATS]

import { analyzeProgram, compileProgram, serializeArtifact, type SourceHost } from '@mql/core';
import { generateProgram } from './program-generator.js';
import { median } from './table.js';

export interface CompileReport {
  lines: number;
  files: number;
  declarations: number;
  coldBuildMs: number;
  warmCheckMs: number;
  warmBuildMs: number;
  artifactBytes: number;
  /** Heap still reachable from one compile result (analysis + artifact), after a full GC. */
  retainedHeapBytes: number;
  /** Peak resident set size of the whole process. */
  peakRssBytes: number;
}

declare const gc: (() => void) | undefined;

function main([linesArg, repeatsArg]: string[]): void {
  const program = generateProgram(Number(linesArg ?? 1000));
  const repeats = Number(repeatsArg ?? 3);
  const host: SourceHost = { readFile: (path) => program.files.get(path) };

  const timed = <T>(fn: () => T): [T, number] => {
    const started = performance.now();
    const value = fn();
    return [value, performance.now() - started];
  };
  const build = () => {
    const result = compileProgram(program.entry, host);
    if (result.artifact === undefined || result.diagnostics.length > 0) {
      const first = result.diagnostics[0];
      throw new Error(`generated program does not compile cleanly: ${first?.file}: ${first?.message}`);
    }
    return { result, json: serializeArtifact(result.artifact) };
  };

  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const [built, coldBuildMs] = timed(build);
  collectGarbage();
  const retainedHeapBytes = process.memoryUsage().heapUsed - heapBefore;

  const warmCheck: number[] = [];
  const warmBuild: number[] = [];
  for (let i = 0; i < repeats; i++) {
    warmCheck.push(timed(() => analyzeProgram(program.entry, host))[1]);
    warmBuild.push(timed(build)[1]);
  }
  const report: CompileReport = {
    lines: program.lines,
    files: program.files.size,
    declarations: built.result.analysis.declarations.size,
    coldBuildMs,
    warmCheckMs: median(warmCheck),
    warmBuildMs: median(warmBuild),
    artifactBytes: built.json.length,
    retainedHeapBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

function collectGarbage(): void {
  if (typeof gc === 'function') gc();
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
