import { WebgenSdkError } from './webgen-sdk-error.js';

/** Bytes given as saved FID statistics are not a statistics file, or a corrupt or truncated one. The message says which part is wrong. */
export class StatsFormatError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'StatsFormatError';
}
