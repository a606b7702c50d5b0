// load(): check the artifact's format and version, validate it with the artifact's zod schema,
// then compile it once into a RulesEngine and check the types of its expressions.

import { ARTIFACT_FORMAT, ARTIFACT_VERSION, RulesArtifactSchema, type RulesArtifact } from '@mql/artifact';
import { Engine, type LoadOptions, type RulesEngine } from './engine.js';
import { checkTypes } from './check-types.js';
import { Codegen } from './codegen.js';
import { ArtifactError } from './errors.js';
import { compileProgram } from './program.js';
import { describe, isPlainObject } from './records.js';
import { checkArtifact, checkDepth, formatPath } from './verify.js';

/** Loads a parsed rules artifact (the compiler's JSON). Throws ArtifactError when it cannot be used. */
export function load(artifact: unknown, options: LoadOptions = {}): RulesEngine {
  const checked = parseArtifact(artifact);
  checkArtifact(checked);
  const program = compileProgram(checked, new Codegen(options.codegen ?? true)); // refuses unknown names first, so the types below are all known
  checkTypes(checked);
  return new Engine(checked, program);
}

function parseArtifact(input: unknown): RulesArtifact {
  if (!isPlainObject(input)) {
    throw new ArtifactError(`not an MQL rules artifact: expected a JSON object, got ${describe(input)}`);
  }
  if (input.format !== ARTIFACT_FORMAT) {
    const found = input.format === undefined ? 'no format' : `format ${describe(input.format)}`;
    throw new ArtifactError(`not an MQL rules artifact: ${found} (expected "${ARTIFACT_FORMAT}")`);
  }
  if (input.version !== ARTIFACT_VERSION) {
    throw new ArtifactError(`unsupported artifact version ${describe(input.version)} (this runtime reads version ${ARTIFACT_VERSION})`);
  }
  checkDepth(input);
  const parsed = RulesArtifactSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})`;
  throw new ArtifactError(`malformed artifact at ${formatPath(first!.path)}: ${first!.message}${more}`);
}
