import { WebgenError } from './webgen-error.js';

/** An output location that cannot be written (permissions, a file where a folder should be). */
export class OutputError extends WebgenError {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`cannot write ${path}: ${problem}`);
  }
}
