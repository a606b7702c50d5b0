/** Thrown by `load` when the artifact cannot be used: wrong format or version, or malformed content. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}
