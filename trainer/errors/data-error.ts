import { WebgenError } from './webgen-error.js';

/** Input data that is missing, corrupt or truncated. The message names the file and what is wrong. */
export class DataError extends WebgenError {
  constructor(
    /** The file or folder at fault. */
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}
