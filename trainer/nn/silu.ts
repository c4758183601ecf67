import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';

/** SiLU / swish: x · sigmoid(x). Elementwise, no parameters. */
export class SiLU extends Module {
  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => tf.mul(x, tf.sigmoid(x)) as T);
  }

  toOnnx(g: OnnxGraph, x: string): string {
    const [s] = g.node('Sigmoid', [x], {}, { name: this.onnxName(g, 'Sigmoid') });
    return g.node('Mul', [x, s], {}, { name: this.onnxName(g, 'Mul') })[0];
  }
}
