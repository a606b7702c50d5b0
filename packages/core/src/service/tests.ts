// Where a file's `test` blocks are, for the editor's "Run test" lenses and its test explorer: each
// test's description and span, and the span of its lead literal and of each expectation.

import type { Span } from '../syntax/ast.js';
import type { ProgramFile } from '../check/program.js';

export interface TestBlock {
  /** The description, as `mql test` and the runtime name the test. */
  description: string;
  span: Span;
  /** The `lead { … }` literal, when written. */
  lead?: Span;
  expects: Span[];
}

/** The test blocks of a file that have a description (a test without one cannot be named). */
export function testBlocks(file: ProgramFile): TestBlock[] {
  const blocks: TestBlock[] = [];
  for (const decl of file.ast.decls) {
    if (decl.kind !== 'Test' || !decl.description) continue;
    const lead = decl.leads[0]?.span;
    blocks.push({ description: decl.description.value, span: decl.span, ...(lead ? { lead } : {}), expects: decl.expects.map((e) => e.span) });
  }
  return blocks;
}
