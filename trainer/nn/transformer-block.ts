import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { MultiHeadAttention } from './attention.js';
import { LayerNorm } from './layer-norm.js';
import { Mlp } from './mlp.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * Pre-norm transformer encoder block (as GPT-2 / CLIP's text tower, without a causal mask):
 *   x = x + SelfAttn(LayerNorm(x))
 *   x = x + Mlp(LayerNorm(x))            // Mlp hidden = mlpRatio · D, GELU
 */
export class TransformerBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly norm2: LayerNorm;
  readonly mlp: Mlp;

  /** @param mlpRatio hidden size of the MLP over dim; default 4. */
  constructor(rng: Rng, readonly dim: number, heads: number, mlpRatio = 4) {
    super();
    this.norm1 = this.addModule('norm1', new LayerNorm(rng, dim));
    this.attn = this.addModule('attn', new MultiHeadAttention(rng, dim, heads));
    this.norm2 = this.addModule('norm2', new LayerNorm(rng, dim));
    this.mlp = this.addModule('mlp', new Mlp(rng, dim, mlpRatio * dim));
  }

  /** x: [B, L, D] → [B, L, D] */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.apply(this.norm1.apply(x))) as tf.Tensor3D;
      return tf.add(h, this.mlp.apply(this.norm2.apply(h))) as tf.Tensor3D;
    });
  }

  /** x: [B, L, D] → [B, L, D] */
  toOnnx(g: OnnxGraph, x: string): string {
    const add = (a: string, b: string): string => g.node('Add', [a, b], {}, { name: this.onnxName(g, 'Add') })[0]!;
    const h = add(x, this.attn.toOnnx(g, this.norm1.toOnnx(g, x)));
    return add(h, this.mlp.toOnnx(g, this.norm2.toOnnx(g, h)));
  }
}
