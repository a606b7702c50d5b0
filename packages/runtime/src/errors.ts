/** Thrown by `load` when the artifact cannot be used: wrong format or version, or malformed content. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/** Throws the ArtifactError for a malformed part of an artifact; `where` names the declaration: `segment "decision_maker"`. */
export function fail(at: { where: string }, message: string): never {
  throw new ArtifactError(`malformed artifact: ${at.where}: ${message}`);
}
