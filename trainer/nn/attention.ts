import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Dense } from './dense.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /** Feature size of the keys/values' source; set it for cross-attention. Default: queryDim (self-attention). */
  contextDim?: number;
  /** Size of each head. Default queryDim / heads (which must then divide exactly). */
  headDim?: number;
}

/**
 * Scaled dot-product multi-head attention (Vaswani et al. 2017):
 * softmax(Q Kᵀ / √d_head) V per head, heads concatenated and projected back.
 * Queries come from x [B, L, D]; keys and values from `context` [B, M, Dctx] when given
 * (cross-attention), else from x (self-attention). Q/K/V projections have no bias (as diffusers).
 */
export class MultiHeadAttention extends Module {
  readonly q: Dense;
  readonly k: Dense;
  readonly v: Dense;
  readonly out: Dense;
  readonly headDim: number;
  readonly contextDim: number;

  constructor(
    rng: Rng,
    readonly queryDim: number,
    readonly heads: number,
    opts: MultiHeadAttentionOptions = {},
  ) {
    super();
    if (opts.headDim === undefined && queryDim % heads !== 0) {
      throw new Error(`MultiHeadAttention: queryDim (${queryDim}) must be divisible by heads (${heads})`);
    }
    this.headDim = opts.headDim ?? queryDim / heads;
    this.contextDim = opts.contextDim ?? queryDim;
    const inner = this.headDim * heads;
    this.q = this.addModule('q', new Dense(rng, queryDim, inner, { bias: false }));
    this.k = this.addModule('k', new Dense(rng, this.contextDim, inner, { bias: false }));
    this.v = this.addModule('v', new Dense(rng, this.contextDim, inner, { bias: false }));
    this.out = this.addModule('out', new Dense(rng, inner, queryDim));
  }

  /** x: [B, L, D], context: [B, M, Dctx] (default x) → [B, L, D]. */
  apply(x: tf.Tensor3D, context?: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, l] = x.shape;
      const H = this.heads;
      const dh = this.headDim;
      const weights = this.weightsOf(x, context); // [B·H, L, M]
      const v = this.splitHeads(this.v.apply(context ?? x), (context ?? x).shape[1]);
      const o = tf.matMul(weights, v); // [B·H, L, dh]
      const merged = o.reshape([b, H, l, dh]).transpose([0, 2, 1, 3]).reshape([b, l, H * dh]);
      return this.out.apply(merged) as tf.Tensor3D;
    });
  }

  /** The attention weights softmax(Q Kᵀ / √d_head): [B, H, L, M], each row summing to 1 (for pictures of them). */
  attentionWeights(x: tf.Tensor3D, context?: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, l] = x.shape;
      return this.weightsOf(x, context).reshape([b, this.heads, l, (context ?? x).shape[1]]) as tf.Tensor4D;
    });
  }

  /** [B, n, H·dh] → [B·H, n, dh] */
  private splitHeads(t: tf.Tensor, n: number): tf.Tensor3D {
    const b = t.shape[0]!;
    return t.reshape([b, n, this.heads, this.headDim]).transpose([0, 2, 1, 3]).reshape([b * this.heads, n, this.headDim]) as tf.Tensor3D;
  }

  /** softmax(Q Kᵀ / √d_head) as [B·H, L, M]. */
  private weightsOf(x: tf.Tensor3D, context?: tf.Tensor3D): tf.Tensor3D {
    const src = context ?? x;
    const q = this.splitHeads(this.q.apply(x), x.shape[1]);
    const k = this.splitHeads(this.k.apply(src), src.shape[1]);
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.headDim)); // [B·H, L, M]
    return tf.softmax(scores, -1) as tf.Tensor3D;
  }

  /** x: [B, L, D], context: [B, M, Dctx] (default x) → [B, L, D]. */
  toOnnx(g: OnnxGraph, x: string, context?: string): string {
    const src = context ?? x;
    const H = this.heads;
    const dh = this.headDim;
    const n = (op: string, inputs: string[], attrs = {}): string =>
      g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0];
    const headsShape = g.constInt64([0, 0, H, dh], 'attn_heads_shape');
    // [B, n, H·dh] → [B, n, H, dh] → permuted
    const split = (t: string, perm: number[]): string => n('Transpose', [n('Reshape', [t, headsShape])], { perm: { ints: perm } });
    const q = split(this.q.toOnnx(g, x), [0, 2, 1, 3]); // [B, H, L, dh]
    const kT = split(this.k.toOnnx(g, src), [0, 2, 3, 1]); // [B, H, dh, M]
    const v = split(this.v.toOnnx(g, src), [0, 2, 1, 3]); // [B, H, M, dh]
    const scale = g.constFloat([1 / Math.sqrt(dh)], [], 'attn_scale');
    const scores = n('Mul', [n('MatMul', [q, kT]), scale]); // [B, H, L, M]
    const weights = n('Softmax', [scores], { axis: { int: -1 } });
    const o = n('Transpose', [n('MatMul', [weights, v])], { perm: { ints: [0, 2, 1, 3] } }); // [B, L, H, dh]
    const merged = n('Reshape', [o, g.constInt64([0, 0, H * dh], 'attn_merge_shape')]); // [B, L, H·dh]
    return this.out.toOnnx(g, merged);
  }
}
