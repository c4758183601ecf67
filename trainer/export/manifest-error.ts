import { WebgenError } from '../errors/webgen-error.js';

/** A manifest.json that does not follow the schema. The message names the field and the fix. */
export class ManifestError extends WebgenError {
  constructor(
    /** Dotted path of the bad field, e.g. `files.unet.sha256`. */
    readonly field: string,
    problem: string,
  ) {
    super(`manifest field '${field}' ${problem}`);
  }
}
