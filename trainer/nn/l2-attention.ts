import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import { makeLinear, type LinearLayer } from './sn-dense.js';
import type { SpectralNormMode } from './spectral-norm.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Options of {@link L2Attention}. */
export interface L2AttentionOptions {
  /**
   * 'l2' (default): ViTGAN's discriminator attention, scores −‖q_i − k_j‖²/√d_h with W_k = W_q
   * (Kim et al. 2021 show dot-product self-attention is not Lipschitz, the L2 form with tied
   * weights is). 'dot': ordinary softmax(q·k/√d_h) with its own W_k, the ablation baseline.
   */
  distance?: 'l2' | 'dot';
  /** Normalisation of every projection: 'none', 'sn' or 'isn' (ViTGAN). Default 'none'. */
  spectralNorm?: SpectralNormMode;
}

/**
 * Multi-head self-attention for the ViTGAN discriminator (Lee et al. 2021, eq. 6):
 *
 *   Attention_h(X) = softmax( −‖X W_q − X W_k‖² / √d_h ) X W_v,   W_q = W_k,
 *
 * ‖a − b‖² = ‖a‖² − 2 a·b + ‖b‖², so the [L, L] score matrix costs one matmul as in dot-product
 * attention. Heads are concatenated and projected back to D. Projections have no bias except the
 * output one (as MultiHeadAttention).
 */
export class L2Attention extends Module {
  readonly q: LinearLayer;
  /** The key projection of 'dot' attention; null for 'l2', where keys are the queries. */
  readonly k: LinearLayer | null;
  readonly v: LinearLayer;
  readonly out: LinearLayer;
  readonly headDim: number;
  readonly distance: 'l2' | 'dot';

  constructor(rng: Rng, readonly dim: number, readonly heads: number, opts: L2AttentionOptions = {}) {
    super();
    if (dim % heads !== 0) throw new Error(`L2Attention: dim (${dim}) must be divisible by heads (${heads})`);
    this.headDim = dim / heads;
    this.distance = opts.distance ?? 'l2';
    const sn = opts.spectralNorm ?? 'none';
    this.q = this.addModule('q', makeLinear(rng, dim, dim, sn, { bias: false }));
    this.k = this.distance === 'dot' ? this.addModule('k', makeLinear(rng, dim, dim, sn, { bias: false })) : null;
    this.v = this.addModule('v', makeLinear(rng, dim, dim, sn, { bias: false }));
    this.out = this.addModule('out', makeLinear(rng, dim, dim, sn));
  }

  /** x: [B, L, D] → [B, L, D]. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, l] = x.shape;
      const H = this.heads;
      const dh = this.headDim;
      // [B, L, H·dh] → [B·H, L, dh]
      const split = (t: tf.Tensor): tf.Tensor3D => t.reshape([b, l, H, dh]).transpose([0, 2, 1, 3]).reshape([b * H, l, dh]) as tf.Tensor3D;
      const q = split(this.q.apply(x));
      const v = split(this.v.apply(x));
      let scores: tf.Tensor; // [B·H, L, L]
      if (this.k) {
        scores = tf.matMul(q, split(this.k.apply(x)), false, true);
      } else {
        const sq = tf.sum(tf.mul(q, q), -1, true); // ‖q_i‖² [B·H, L, 1]
        // −‖q_i − q_j‖² = 2 q_i·q_j − ‖q_i‖² − ‖q_j‖²
        scores = tf.sub(tf.sub(tf.mul(tf.matMul(q, q, false, true), 2), sq), tf.transpose(sq, [0, 2, 1]));
      }
      const weights = tf.softmax(tf.mul(scores, 1 / Math.sqrt(dh)), -1);
      const o = tf.matMul(weights, v); // [B·H, L, dh]
      return this.out.apply(o.reshape([b, H, l, dh]).transpose([0, 2, 1, 3]).reshape([b, l, H * dh])) as tf.Tensor3D;
    });
  }

  /** x: [B, L, D] → [B, L, D]. */
  toOnnx(g: OnnxGraph, x: string): string {
    const H = this.heads;
    const dh = this.headDim;
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const headsShape = g.constInt64([0, 0, H, dh], 'attn_heads_shape');
    const split = (t: string): string => n('Transpose', [n('Reshape', [t, headsShape])], { perm: { ints: [0, 2, 1, 3] } }); // [B, H, L, dh]
    const transposeLast = (t: string): string => n('Transpose', [t], { perm: { ints: [0, 1, 3, 2] } });
    const q = split(this.q.toOnnx(g, x));
    const v = split(this.v.toOnnx(g, x));
    let scores: string; // [B, H, L, L]
    if (this.k) {
      scores = n('MatMul', [q, transposeLast(split(this.k.toOnnx(g, x)))]);
    } else {
      const sq = n('ReduceSum', [n('Mul', [q, q]), g.constInt64([-1], 'attn_last_axis')], { keepdims: { int: 1 } }); // [B, H, L, 1]
      const dots = n('Mul', [n('MatMul', [q, transposeLast(q)]), g.constFloat([2], [], 'attn_two')]);
      scores = n('Sub', [n('Sub', [dots, sq]), transposeLast(sq)]);
    }
    const weights = n('Softmax', [n('Mul', [scores, g.constFloat([1 / Math.sqrt(dh)], [], 'attn_scale')])], { axis: { int: -1 } });
    const o = n('Transpose', [n('MatMul', [weights, v])], { perm: { ints: [0, 2, 1, 3] } }); // [B, L, H, dh]
    return this.out.toOnnx(g, n('Reshape', [o, g.constInt64([0, 0, H * dh], 'attn_merge_shape')]));
  }
}
