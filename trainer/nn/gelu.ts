import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const COEFF = 0.044715;

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016; GPT-2's "gelu_new"):
 * 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).
 * The tanh form because every tfjs backend has Tanh and its gradient (Erf is patchier), and the
 * ONNX Gelu op only arrives in opset 20. Within ~1e-3 of the exact erf form.
 */
export class GELU extends Module {
  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), COEFF)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1)) as T;
    });
  }

  toOnnx(g: OnnxGraph, x: string): string {
    const n = (op: string, inputs: string[]): string => g.node(op, inputs, {}, { name: this.onnxName(g, op) })[0];
    const x2 = n('Mul', [x, x]);
    const x3 = n('Mul', [x2, x]);
    const cubic = n('Mul', [x3, g.constFloat([COEFF], [], 'gelu_coeff')]);
    const inner = n('Mul', [n('Add', [x, cubic]), g.constFloat([SQRT_2_OVER_PI], [], 'gelu_sqrt_2_pi')]);
    const onePlus = n('Add', [n('Tanh', [inner]), g.constFloat([1], [], 'gelu_one')]);
    return n('Mul', [n('Mul', [x, g.constFloat([0.5], [], 'gelu_half')]), onePlus]);
  }
}
