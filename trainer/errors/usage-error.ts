import { WebgenError } from './webgen-error.js';

/** A bad command line: unknown recipe or flag, a flag value of the wrong type. Exit code 2. */
export class UsageError extends WebgenError {
  override readonly exitCode = 2;
}
