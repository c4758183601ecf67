import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';

/**
 * Leaky ReLU: x for x > 0, α·x otherwise (α = 0 is ReLU). Written as x · (α + (1−α)·step(x)) rather
 * than tf.leakyRelu / tf.maximum because their gradients use Greater/GreaterEqual, which have no
 * gradient of their own: a gradient penalty (WGAN-GP), which differentiates the critic's input
 * gradient, fails through them ("gradient function not found for Greater"). step's gradient is 0.
 */
export class LeakyReLU extends Module {
  constructor(readonly alpha = 0.2) {
    super();
  }

  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => tf.mul(x, tf.add(tf.mul(tf.step(x), 1 - this.alpha), this.alpha)) as T);
  }

  toOnnx(g: OnnxGraph, x: string): string {
    if (this.alpha === 0) return g.node('Relu', [x], {}, { name: this.onnxName(g, 'Relu') })[0]!;
    return g.node('LeakyRelu', [x], { alpha: { float: this.alpha } }, { name: this.onnxName(g, 'LeakyRelu') })[0]!;
  }
}
