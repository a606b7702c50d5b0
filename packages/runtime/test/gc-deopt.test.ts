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

/** The functions V8 deoptimised for a dropped shape, from --trace-deopt output. */
function deoptimisedByCollections(trace: string): string[] {
  return [...trace.matchAll(/<SharedFunctionInfo ([^>]*)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)].map((m) => m[1]!);
}

/** The functions V8 optimised (on the main thread), from --trace-opt output. */
function optimisedFunctions(trace: string): Set<string> {
  return new Set([...trace.matchAll(/completed compiling \S+ <JSFunction (\w+) \(sfi = \w+\)> \(target TURBOFAN\)/g)].map((m) => m[1]!));
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
    // What start-up and module loading did comes before the marker.
    const rounds = trace.slice(trace.indexOf(START));
    // There was optimised code to lose: V8 optimised the evaluation during the rounds (else the
    // check below would pass for want of anything to deoptimise).
    const optimised = optimisedFunctions(rounds);
    for (const name of ['evaluateLeads', 'evaluate']) expect(optimised, name).toContain(name);
    expect(deoptimisedByCollections(rounds)).toEqual([]);
  }, 60_000);
});
