// Compiler scaling: check + build of generated programs of growing size, each measurement in a
// fresh process (compile-worker.ts). Linear growth shows as a flat "per 1k lines" column.

import { spawnSync } from 'node:child_process';
import type { CompileReport } from './compile-worker.js';
import { median, mib, ms, table, thousands } from './table.js';

export interface CompilerOptions {
  workerScript: string;
  sizes: number[];
  runs: number;
  log: (line: string) => void;
}

export function runCompilerScaling(options: CompilerOptions): void {
  const { log } = options;
  const results: CompileReport[][] = options.sizes.map(() => []);
  for (let run = 1; run <= options.runs; run++) {
    log(`  run ${run}/${options.runs}: ${options.sizes.map((s) => `${s / 1000}k`).join(', ')} lines`);
    options.sizes.forEach((size, i) => results[i]!.push(runWorker(options.workerScript, size)));
  }
  log('');
  log(`${options.runs} runs per size, each in a fresh process (medians). Cold = the first compile in the process, as one \`mql build\`;`);
  log('warm = median of 3 more in the same process. Check = parse + name resolution + type check; build adds lowering and JSON.');
  log('');
  const rows = results.map((runs) => {
    const m = (pick: (r: CompileReport) => number) => median(runs.map(pick));
    const first = runs[0]!;
    const cold = m((r) => r.coldBuildMs);
    const warm = m((r) => r.warmBuildMs);
    return [
      thousands(first.lines),
      String(first.files),
      thousands(first.declarations),
      ms(cold),
      ms(m((r) => r.warmCheckMs)),
      ms(warm),
      ms((warm / first.lines) * 1000),
      mib(m((r) => r.retainedHeapBytes)),
      mib(m((r) => r.peakRssBytes)),
    ];
  });
  const headers = ['lines', 'files', 'names', 'check+build cold (ms)', 'check warm (ms)', 'check+build warm (ms)', 'warm ms per 1k lines', 'result heap', 'peak RSS'];
  log(table(headers, rows, new Set([0, 1, 2, 3, 4, 5, 6, 7, 8])));
  const tenK = results.find((runs) => runs[0]!.lines >= 9_000 && runs[0]!.lines <= 11_000);
  if (tenK !== undefined) {
    const cold = median(tenK.map((r) => r.coldBuildMs));
    log('');
    log(table(['target', 'measured', 'met'], [['check + build of a 10k-line program < 500 ms (cold)', `${ms(cold)} ms`, cold < 500 ? 'yes' : 'NO']], new Set([1])));
  }
}

function runWorker(script: string, lines: number): CompileReport {
  const child = spawnSync(process.execPath, ['--expose-gc', script, String(lines)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`compiling a ${lines}-line program failed:\n${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as CompileReport;
}
