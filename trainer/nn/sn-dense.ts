import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Dense, type DenseOptions } from './dense.js';
import { Module } from './module.js';
import { SpectralNorm, type SpectralNormMode } from './spectral-norm.js';
import type { Rng } from '../../sdk/random/rng.js';

/** What GAN layers need of a linear map: a tfjs forward and its ONNX. Dense and SNDense both are one. */
export interface LinearLayer extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  apply<T extends tf.Tensor>(x: T): T;
  toOnnx(g: OnnxGraph, x: string): string;
}

/**
 * A Dense layer whose kernel is spectrally normalised ('sn') or ISN-scaled ('isn') on every use;
 * the bias is left alone (as in Miyato et al.). Parameters live in `dense` (kernel, bias); the
 * power-iteration state in `sn`. The ONNX file stores the normalised kernel under the same name.
 */
export class SNDense extends Module implements LinearLayer {
  readonly dense: Dense;
  readonly sn: SpectralNorm;

  constructor(rng: Rng, readonly inFeatures: number, readonly outFeatures: number, mode: Exclude<SpectralNormMode, 'none'>, opts: DenseOptions = {}) {
    super();
    this.dense = this.addModule('dense', new Dense(rng, inFeatures, outFeatures, opts));
    this.sn = this.addModule('sn', new SpectralNorm(rng, this.dense.kernel, mode));
  }

  /** x: [..., in] → [..., out] */
  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => this.dense.apply(x, this.sn.normalize()));
  }

  toOnnx(g: OnnxGraph, x: string): string {
    const w = this.sn.normalize();
    const y = this.dense.toOnnx(g, x, w);
    w.dispose();
    return y;
  }
}

/** A Dense, or an SNDense when `mode` is 'sn' or 'isn'. */
export function makeLinear(rng: Rng, inFeatures: number, outFeatures: number, mode: SpectralNormMode, opts: DenseOptions = {}): LinearLayer {
  return mode === 'none' ? new Dense(rng, inFeatures, outFeatures, opts) : new SNDense(rng, inFeatures, outFeatures, mode, opts);
}
