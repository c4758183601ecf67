import { WebgenSdkError } from './webgen-sdk-error.js';

/**
 * A feature extractor returned something other than the [N, F] features FID needs: the message names the
 * output, the shape it had and the shape expected, e.g.
 * `extractor output 'features' has shape [8, 10, 3]; expected [8, 128] (pick the penultimate-layer output with 'outputName')`.
 */
export class ExtractorOutputError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'ExtractorOutputError';
  constructor(
    /** The output's name in the ONNX graph (or 'extractor' for a function extractor). */
    readonly output: string,
    /** The shape it returned. */
    readonly shape: readonly number[],
    /** What was expected, in words or as a shape. */
    expected: string,
  ) {
    super(`extractor output '${output}' has shape [${shape.join(', ')}]; expected ${expected}`);
  }
}
