import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * Learned Fourier features of coordinates (Tancik et al. 2020; ViTGAN's E_fou, from CIPS' LFF):
 * e(p) = sin(p B + b), B [inDim, features] drawn N(0, freqStd²), b uniform in [−π, π).
 * Used on the fixed P×P pixel grid of a patch, so the output does not depend on the batch.
 */
export class FourierFeatures extends Module {
  readonly freqs: tf.Variable; // [inDim, F]
  readonly phase: tf.Variable; // [F]

  /** @param freqStd spread of the initial frequencies, in radians per unit of the coordinate; default π. */
  constructor(rng: Rng, readonly inDim: number, readonly features: number, freqStd = Math.PI) {
    super();
    this.freqs = this.addParam('freqs', [inDim, features], { kind: 'normal', std: freqStd }, rng);
    this.phase = this.addParam('phase', [features], { kind: 'uniform', bound: Math.PI }, rng);
  }

  /** p: [N, inDim] → [N, F]. */
  apply(p: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sin(tf.add(tf.matMul(p, this.freqs as tf.Tensor2D), this.phase)) as tf.Tensor2D);
  }

  /** p: [N, inDim] → [N, F]. */
  toOnnx(g: OnnxGraph, p: string): string {
    const n = (op: string, inputs: string[]): string => g.node(op, inputs, {}, { name: this.onnxName(g, op) })[0]!;
    return n('Sin', [n('Add', [n('MatMul', [p, this.exportParam(g, 'freqs')]), this.exportParam(g, 'phase')])]);
  }
}
