import { WebgenSdkError } from './webgen-sdk-error.js';

/**
 * A generation was stopped by its AbortSignal (between two denoising steps, or before it started when it was still
 * queued). Its tensors were freed and the generator stays usable.
 */
export class AbortError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'AbortError';
  constructor(message = 'the generation was aborted by its signal') {
    super(message);
  }
}
