import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Options of {@link GroupNorm}. */
export interface GroupNormOptions {
  /** Added to the variance. Default 1e-5 (PyTorch's). */
  eps?: number;
  /** Learn a per-channel scale and shift. Default true. */
  affine?: boolean;
}

/**
 * Group normalisation (Wu & He 2018): channels split into `groups`, each group normalised over
 * its channels and all positions, then a per-channel affine. Channels must divide by groups.
 */
export class GroupNorm extends Module {
  readonly gamma: tf.Variable | null; // [C]
  readonly beta: tf.Variable | null; // [C]
  readonly eps: number;

  constructor(
    rng: Rng,
    readonly groups: number,
    readonly channels: number,
    opts: GroupNormOptions = {},
  ) {
    super();
    if (channels % groups !== 0) {
      throw new Error(`GroupNorm: channels (${channels}) must be divisible by groups (${groups})`);
    }
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.affine ?? true;
    this.gamma = affine ? this.addParam('gamma', [channels], { kind: 'ones' }, rng) : null;
    this.beta = affine ? this.addParam('beta', [channels], { kind: 'zeros' }, rng) : null;
  }

  /** x: [B, H, W, C] → same shape. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const grouped = x.reshape([b, h * w, this.groups, c / this.groups]); // [B, HW, G, C/G]
      const { mean, variance } = tf.moments(grouped, [1, 3], true); // [B, 1, G, 1]
      const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.eps)));
      let y: tf.Tensor = normed.reshape([b, h, w, c]);
      if (this.gamma && this.beta) y = tf.add(tf.mul(y, this.gamma), this.beta);
      return y as tf.Tensor4D;
    });
  }

  /**
   * x: [B, C, H, W] → same shape. GroupNormalization is opset 18, so this uses the
   * InstanceNormalization trick: reshape to [B, G, C/G·H·W], instance-normalise (unit scale,
   * zero shift per group), reshape back, then the per-channel affine as [C, 1, 1] Mul/Add.
   */
  toOnnx(g: OnnxGraph, x: string): string {
    const G = this.groups;
    const [shape] = g.node('Shape', [x], {}, { name: this.onnxName(g, 'Shape') });
    const grouped = g.node('Reshape', [x, g.constInt64([0, G, -1], 'gn_shape')], {}, { name: this.onnxName(g, 'Reshape') })[0];
    const ones = g.constFloat(new Float32Array(G).fill(1), [G], 'gn_ones');
    const zeros = g.constFloat(new Float32Array(G), [G], 'gn_zeros');
    const [normed] = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: { float: this.eps } }, { name: this.onnxName(g, 'InstanceNorm') });
    let y = g.node('Reshape', [normed, shape], {}, { name: this.onnxName(g, 'Reshape') })[0];
    if (this.gamma && this.beta) {
      const gamma = this.exportParam(g, 'gamma', undefined, [this.channels, 1, 1]);
      const beta = this.exportParam(g, 'beta', undefined, [this.channels, 1, 1]);
      y = g.node('Mul', [y, gamma], {}, { name: this.onnxName(g, 'Mul') })[0];
      y = g.node('Add', [y, beta], {}, { name: this.onnxName(g, 'Add') })[0];
    }
    return y;
  }
}
