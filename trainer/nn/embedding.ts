import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Lookup table: integer ids [B] → rows [B, dim]. Table [count, dim] starts N(0, 1) (as PyTorch). */
export class Embedding extends Module {
  readonly table: tf.Variable; // [count, dim]

  constructor(
    rng: Rng,
    readonly count: number,
    readonly dim: number,
  ) {
    super();
    this.table = this.addParam('table', [count, dim], { kind: 'normal', std: 1 }, rng);
  }

  /**
   * ids: int32 of any shape [...] (each in [0, count)) → [..., dim]. Written as oneHot · table so
   * the gradient is a plain matMul (tables here are small: class labels, vocabularies of a few
   * hundred tokens).
   */
  apply(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flat = ids.toInt().reshape([-1]) as tf.Tensor1D;
      const oneHot = tf.oneHot(flat, this.count).toFloat() as tf.Tensor2D; // [N, count]
      return tf.matMul(oneHot, this.table as tf.Tensor2D).reshape([...ids.shape, this.dim]);
    });
  }

  /** ids: int64 (any shape) → [..., dim]. */
  toOnnx(g: OnnxGraph, ids: string): string {
    const table = this.exportParam(g, 'table');
    return g.node('Gather', [table, ids], { axis: { int: 0 } }, { name: this.onnxName(g, 'Gather') })[0];
  }
}
