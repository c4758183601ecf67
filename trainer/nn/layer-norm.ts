import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Layer normalisation over the last axis (Ba et al. 2016), with a learned scale and shift. */
export class LayerNorm extends Module {
  readonly gamma: tf.Variable; // [D]
  readonly beta: tf.Variable; // [D]

  /** @param eps added to the variance; default 1e-5 (PyTorch's). */
  constructor(
    rng: Rng,
    readonly dim: number,
    readonly eps = 1e-5,
  ) {
    super();
    this.gamma = this.addParam('gamma', [dim], { kind: 'ones' }, rng);
    this.beta = this.addParam('beta', [dim], { kind: 'zeros' }, rng);
  }

  /** x: [..., D] → same shape. */
  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => tf.add(tf.mul(layerNormalize(x, this.eps), this.gamma), this.beta) as T);
  }

  /** x: [..., D] → same shape (LayerNormalization exists from opset 17). */
  toOnnx(g: OnnxGraph, x: string): string {
    const gamma = this.exportParam(g, 'gamma');
    const beta = this.exportParam(g, 'beta');
    return g.node('LayerNormalization', [x, gamma, beta], {
      axis: { int: -1 },
      epsilon: { float: this.eps },
    }, { name: this.onnxName(g, 'LayerNorm') })[0];
  }
}

/** (x − μ) / √(σ² + eps) over the last axis, no affine: [..., D] → same shape. */
export function layerNormalize<T extends tf.Tensor>(x: T, eps: number): T {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))) as T;
  });
}

/** ONNX of {@link layerNormalize}: LayerNormalization with unit scale and zero shift. x: [..., D]. */
export function layerNormalizeOnnx(g: OnnxGraph, x: string, dim: number, eps: number, name: string): string {
  const ones = g.constFloat(new Float32Array(dim).fill(1), [dim], 'ln_ones');
  const zeros = g.constFloat(new Float32Array(dim), [dim], 'ln_zeros');
  return g.node('LayerNormalization', [x, ones, zeros], { axis: { int: -1 }, epsilon: { float: eps } }, { name })[0]!;
}
