import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';

/**
 * Sinusoidal timestep embedding (Transformer positional encoding, used for t by DDPM):
 *   freq_i = exp(-ln(maxPeriod) · i / half),  i = 0 … half-1,  half = dim / 2
 *   emb(t) = [sin(t · freq_0 … t · freq_{half-1}), cos(t · freq_0 … t · freq_{half-1})]
 * i.e. sin first then cos, frequency exponent divided by `half` — diffusers'
 * get_timestep_embedding(flip_sin_to_cos=False, downscale_freq_shift=0). No parameters.
 */
export class SinusoidalTimestepEmbedding extends Module {
  private readonly freqs: Float32Array; // [half]

  /** @param dim even embedding size. @param maxPeriod lowest frequency's period; default 10000. */
  constructor(
    readonly dim: number,
    readonly maxPeriod = 10000,
  ) {
    super();
    if (dim % 2 !== 0) throw new Error(`SinusoidalTimestepEmbedding: dim must be even, got ${dim}`);
    const half = dim / 2;
    this.freqs = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(maxPeriod) * i) / half));
  }

  /** t: [B] float32 timesteps → [B, dim]. */
  apply(t: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const args = tf.mul(t.reshape([-1, 1]), tf.tensor2d(this.freqs, [1, this.freqs.length])); // [B, half]
      return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D;
    });
  }

  /** t: [B] float32 → [B, dim]. */
  toOnnx(g: OnnxGraph, t: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string =>
      g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0];
    const col = n('Unsqueeze', [t, g.constInt64([1], 'axes')]); // [B, 1]
    const args = n('Mul', [col, g.constFloat(this.freqs, [1, this.freqs.length], 'timestep_freqs')]); // [B, half]
    return n('Concat', [n('Sin', [args]), n('Cos', [args])], { axis: { int: 1 } });
  }
}
