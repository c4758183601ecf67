import { ModelLoadError } from './model-load-error.js';

/**
 * A manifest.json that does not follow the schema (a kind of ModelLoadError). The message names the field, what
 * was expected, what was found and the fix: `manifest field 'files.unet.sha256' must be 64 lowercase hex characters, got "ABC"; …`.
 */
export class ManifestError extends ModelLoadError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'ManifestError';
  constructor(
    /** Dotted path of the bad field, e.g. `files.unet.sha256`. */
    readonly field: string,
    /** What is wrong, phrased to follow the field name (`must be …, got …; fix`). */
    readonly problem: string,
  ) {
    super(`manifest field '${field}' ${problem}`);
  }
}
