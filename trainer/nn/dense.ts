import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Add a bias. Default true. */
  bias?: boolean;
  /** Start with all-zero weights (and bias). Default false. */
  zeroInit?: boolean;
  /** Start the bias at zero (the kernel keeps its random init). Default false. */
  zeroBias?: boolean;
}

/** Affine map on the last axis of a tensor of any rank: [..., in] → [..., out]. Kernel [in, out]. */
export class Dense extends Module {
  readonly kernel: tf.Variable; // [in, out]
  readonly bias: tf.Variable | null; // [out]

  constructor(
    rng: Rng,
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: DenseOptions = {},
  ) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    const init = opts.zeroInit ? { kind: 'zeros' as const } : { kind: 'uniform' as const, bound };
    this.kernel = this.addParam('kernel', [inFeatures, outFeatures], init, rng);
    this.bias = opts.bias === false ? null : this.addParam('bias', [outFeatures], opts.zeroBias ? { kind: 'zeros' } : init, rng);
  }

  /** x: [..., in] → [..., out]. `kernel` replaces the own kernel (spectral norm passes W/σ). */
  apply<T extends tf.Tensor>(x: T, kernel: tf.Tensor = this.kernel): T {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      let y: tf.Tensor = tf.matMul(x.reshape([-1, this.inFeatures]) as tf.Tensor2D, kernel as tf.Tensor2D);
      if (this.bias) y = tf.add(y, this.bias);
      return y.reshape([...lead, this.outFeatures]) as T;
    });
  }

  /** x: [..., in] → [..., out] (MatMul broadcasts over leading axes). `kernel` replaces the own kernel's values, under the same name. */
  toOnnx(g: OnnxGraph, x: string, kernel?: tf.Tensor): string {
    const w = kernel
      ? g.addInitializer(`${this.path ? `${this.path}.` : ''}kernel`, Float32Array.from(kernel.dataSync() as Float32Array), kernel.shape)
      : this.exportParam(g, 'kernel');
    const [y] = g.node('MatMul', [x, w], {}, { name: this.onnxName(g, 'MatMul') });
    if (!this.bias) return y;
    const b = this.exportParam(g, 'bias');
    return g.node('Add', [y, b], {}, { name: this.onnxName(g, 'Add') })[0];
  }
}
