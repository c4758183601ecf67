import { WebgenError } from '../errors/webgen-error.js';

/** The exported ONNX model, run by onnxruntime, does not reproduce the trainer's forward pass. */
export class ParityError extends WebgenError {
  constructor(
    /** Largest |onnx - expected| per output name (Infinity for a missing output or a shape mismatch). */
    readonly maxAbsError: Record<string, number>,
    /** The tolerance that was exceeded. */
    readonly tolerance: number,
    detail: string,
  ) {
    super(`ONNX parity check failed (tolerance ${tolerance}): ${detail}. The exported graph disagrees with the tfjs forward pass; check the layer's ONNX emitter (layout NHWC vs NCHW, weight transposes, epsilon).`);
  }
}
