// Compiles a test program from fixtures/ with core, as `mql build` would.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RulesArtifact } from '@mql/artifact';
import { compileProgram } from '@mql/core';

export function compileFixture(name: string): RulesArtifact {
  const file = fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
  const compiled = compileProgram(file, { readFile: (f: string) => readFileSync(f, 'utf8') });
  if (!compiled.artifact) throw new Error(`${name} does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  return compiled.artifact;
}
