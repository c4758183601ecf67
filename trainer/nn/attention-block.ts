import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { MultiHeadAttention } from './attention.js';
import { GroupNorm } from './group-norm.js';
import { LayerNorm } from './layer-norm.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Options of {@link AttentionBlock}. */
export interface AttentionBlockOptions {
  /** Groups of the input GroupNorm. Default 8. */
  groups?: number;
  /** When set, adds cross-attention from the image positions to a context [B, M, contextDim]. */
  contextDim?: number;
}

/**
 * Attention over the spatial positions of a feature map, residual (DDPM's AttnBlock), with an
 * optional cross-attention step to a context sequence (Stable Diffusion's idea, minimal form):
 *   a = SelfAttn(GroupNorm(x) as tokens)          // tokens [B, H·W, C]
 *   a = a + CrossAttn(LayerNorm(a), context)      // only with contextDim
 *   y = x + a as a feature map
 */
export class AttentionBlock extends Module {
  readonly norm: GroupNorm;
  readonly selfAttn: MultiHeadAttention;
  readonly crossNorm: LayerNorm | null;
  readonly crossAttn: MultiHeadAttention | null;

  constructor(
    rng: Rng,
    readonly channels: number,
    readonly heads: number,
    opts: AttentionBlockOptions = {},
  ) {
    super();
    this.norm = this.addModule('norm', new GroupNorm(rng, opts.groups ?? 8, channels));
    this.selfAttn = this.addModule('attn', new MultiHeadAttention(rng, channels, heads));
    if (opts.contextDim !== undefined) {
      this.crossNorm = this.addModule('cross_norm', new LayerNorm(rng, channels));
      this.crossAttn = this.addModule('cross_attn', new MultiHeadAttention(rng, channels, heads, { contextDim: opts.contextDim }));
    } else {
      this.crossNorm = null;
      this.crossAttn = null;
    }
  }

  /** x: [B, H, W, C], context: [B, M, Dctx] (required iff built with contextDim) → [B, H, W, C]. */
  apply(x: tf.Tensor4D, context?: tf.Tensor3D): tf.Tensor4D {
    this.checkContext(context !== undefined);
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const tokens = this.norm.apply(x).reshape([b, h * w, c]) as tf.Tensor3D;
      let a = this.selfAttn.apply(tokens);
      if (this.crossAttn && this.crossNorm && context) {
        a = tf.add(a, this.crossAttn.apply(this.crossNorm.apply(a), context));
      }
      return tf.add(x, a.reshape([b, h, w, c])) as tf.Tensor4D;
    });
  }

  /** x: [B, C, H, W], context: [B, M, Dctx] → [B, C, H, W]. */
  toOnnx(g: OnnxGraph, x: string, context?: string): string {
    this.checkContext(context !== undefined);
    const n = (op: string, inputs: string[], attrs = {}): string =>
      g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0];
    const shape = n('Shape', [x]);
    const flat = n('Reshape', [this.norm.toOnnx(g, x), g.constInt64([0, 0, -1], 'flat_shape')]); // [B, C, HW]
    const tokens = n('Transpose', [flat], { perm: { ints: [0, 2, 1] } }); // [B, HW, C]
    let a = this.selfAttn.toOnnx(g, tokens);
    if (this.crossAttn && this.crossNorm && context) {
      a = n('Add', [a, this.crossAttn.toOnnx(g, this.crossNorm.toOnnx(g, a), context)]);
    }
    const back = n('Reshape', [n('Transpose', [a], { perm: { ints: [0, 2, 1] } }), shape]); // [B, C, H, W]
    return n('Add', [x, back]);
  }

  private checkContext(given: boolean): void {
    if (given !== (this.crossAttn !== null)) {
      throw new Error(`AttentionBlock '${this.path}': context must be given exactly when built with contextDim`);
    }
  }
}
