import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';
import { GROUP_NORM, GROUP_NORM_GRAD, type GroupNormAttrs } from '../backend/kernels/group-norm.js';

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
    if (tf.getKernel(GROUP_NORM, tf.getBackend()) != null && x.dtype === 'float32') return this.fused(x);
    return groupNormComposite(x, this.groups, this.eps, this.gamma, this.beta);
  }

  /** The wasm kernels of trainer/backend/kernels/group-norm.ts, with their hand-written backward. */
  private fused(x: tf.Tensor4D): tf.Tensor4D {
    const attrs: GroupNormAttrs = { groups: this.groups, eps: this.eps };
    const engine = tf.engine();
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, gamma, beta] = args as tf.Tensor[];
      const save = args[3] as tf.GradSaveFunc;
      const [y, mean, rstd] = engine.runKernel(GROUP_NORM, { x: xi!, gamma: gamma!, beta: beta! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      save([xi!, gamma!, mean!, rstd!]);
      return {
        value: y!,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, g, m, r] = saved;
          return engine.runKernel(GROUP_NORM_GRAD, { dy, x: xs!, gamma: g!, mean: m!, rstd: r! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        },
      };
    });
    return tf.tidy(() => {
      const gamma = this.gamma ?? tf.ones([this.channels]);
      const beta = this.beta ?? tf.zeros([this.channels]);
      return op(x, gamma, beta) as tf.Tensor4D;
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

/**
 * GroupNorm as tfjs ops, x: [B, H, W, C] → same shape: what the layer runs on backends without the fused kernels,
 * and the reference the kernels' test checks them against.
 */
export function groupNormComposite(x: tf.Tensor4D, groups: number, eps: number, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const grouped = x.reshape([b, h * w, groups, c / groups]); // [B, HW, G, C/G]
    const { mean, variance } = tf.moments(grouped, [1, 3], true); // [B, 1, G, 1]
    const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, eps)));
    let y: tf.Tensor = normed.reshape([b, h, w, c]);
    if (gamma && beta) y = tf.add(tf.mul(y, gamma), beta);
    return y as tf.Tensor4D;
  });
}
