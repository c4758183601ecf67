import { WebgenError } from './webgen-error.js';

/**
 * A model that `webgen import` cannot bring into webgen as it is: a missing or malformed file, a tensor the ONNX file
 * lacks or declares differently than the config, a scheduler option webgen does not implement. The message names the
 * file, the field and the fix. Exit code 1.
 */
export class ImportError extends WebgenError {
  constructor(
    /** The file at fault, as the user named it (or as it sits in the export folder). */
    readonly file: string,
    /** The field, tensor or option inside it, e.g. 'beta_schedule' or 'inputs.timestep'. */
    readonly field: string,
    problem: string,
    /** What to do about it. */
    readonly fix: string,
  ) {
    super(`${file}: '${field}' ${problem}; ${fix}`);
  }
}
