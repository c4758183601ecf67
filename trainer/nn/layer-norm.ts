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
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(normed, this.gamma), this.beta) as T;
    });
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
