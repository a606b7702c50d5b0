// A full garbage collection must not throw away the optimised evaluation code. V8 embeds object
// shapes in optimised code and holds a shape built by adding keys one at a time (a computed key, a
// property set when present) only weakly: when a collection finds no object of that shape alive,
// it drops the shape and deoptimises every function that embeds it ("reason: weak objects"), and
// evaluation runs unoptimised until V8 optimises it again. An application that evaluates leads
// between collections paid that after every major GC. The result, the stages, the explained
// contributions and the generated code build their objects as literals of one shape each
// (codegen.ts, propertyKey; scores.ts, contribution), which V8 keeps alive.
//
// The worker (fixtures/gc-deopt-worker.mjs) runs on the built packages (`npm test` builds first).

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const WORKER = path.join(import.meta.dirname, 'fixtures', 'gc-deopt-worker.mjs');
const START = '--- evaluation starts';

/** The functions V8 deoptimised for a dropped shape after the worker's start-up, from its --trace-deopt output. */
function deoptimisedByCollections(trace: string): string[] {
  const afterStart = trace.slice(trace.indexOf(START));
  const names: string[] = [];
  for (const match of afterStart.matchAll(/<SharedFunctionInfo ([^>]*)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)) {
    names.push(match[1]!);
  }
  return names;
}

describe('optimised evaluation across garbage collections', () => {
  it('no function is deoptimised by a full collection between evaluations (lean and explained)', () => {
    // Optimisation on the main thread (--no-concurrent-recompilation): the same code whatever the
    // machine's load, so the test does not depend on when a background compile finishes.
    const flags = ['--expose-gc', '--trace-deopt', '--trace-opt', '--no-concurrent-recompilation'];
    const trace = execFileSync(process.execPath, [...flags, WORKER], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(trace).toContain(START);
    // The worker evaluated every lead of every round (2,000 leads, 8 rounds, lean and explained).
    expect(trace).toMatch(/--- evaluation ends: \d+ qualified/);
    // There was optimised code to lose: V8 optimised the evaluation during the rounds (else the
    // check below would pass for want of anything to deoptimise).
    const optimised = new Set([...trace.slice(trace.indexOf(START)).matchAll(/completed compiling \S+ <JSFunction (\w+) \(sfi = \w+\)> \(target TURBOFAN\)/g)].map((m) => m[1]));
    for (const name of ['evaluateLeads', 'evaluate']) expect(optimised, name).toContain(name);
    expect(deoptimisedByCollections(trace)).toEqual([]);
  }, 60_000);
});
