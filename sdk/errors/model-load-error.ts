import { WebgenSdkError } from './webgen-sdk-error.js';

/**
 * A model could not be loaded: the manifest is missing, unreadable or invalid, a file cannot be fetched, the kind
 * is not one this SDK generates with, or the ONNX file does not match what the manifest declares.
 * The message names the model, the file or field at fault, and the fix.
 */
export class ModelLoadError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'ModelLoadError';
  /** The HTTP status when a server answered with an error (404: the model is not on that server), else undefined. */
  readonly status: number | undefined;

  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}
