import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d, type Conv2dOptions } from './conv2d.js';
import { Module } from './module.js';
import { SpectralNorm, type SpectralNormMode } from './spectral-norm.js';
import type { Rng } from '../../sdk/random/rng.js';

/** What GAN layers need of a convolution: NHWC forward, NCHW ONNX. Conv2d and SNConv2d both are one. */
export interface ConvLayer extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  apply(x: tf.Tensor4D): tf.Tensor4D;
  toOnnx(g: OnnxGraph, x: string): string;
}

/**
 * A Conv2d whose kernel, viewed as a [k·k·Cin, Cout] matrix, is spectrally normalised ('sn', Miyato
 * et al. 2018) or ISN-scaled ('isn', Lee et al. 2021) on every use. The ONNX file stores the
 * normalised kernel under the conv's own name.
 */
export class SNConv2d extends Module implements ConvLayer {
  readonly conv: Conv2d;
  readonly sn: SpectralNorm;

  constructor(rng: Rng, readonly inChannels: number, readonly outChannels: number, mode: Exclude<SpectralNormMode, 'none'>, opts: Conv2dOptions = {}) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, inChannels, outChannels, opts));
    this.sn = this.addModule('sn', new SpectralNorm(rng, this.conv.kernel, mode));
  }

  /** x: [B, H, W, Cin] → [B, H', W', Cout] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv.apply(x, this.sn.normalize()));
  }

  /** x: [B, Cin, H, W] → [B, Cout, H', W'] */
  toOnnx(g: OnnxGraph, x: string): string {
    const w = this.sn.normalize();
    const y = this.conv.toOnnx(g, x, w);
    w.dispose();
    return y;
  }
}

/** A Conv2d, or an SNConv2d when `mode` is 'sn' or 'isn'. */
export function makeConv(rng: Rng, inChannels: number, outChannels: number, mode: SpectralNormMode, opts: Conv2dOptions = {}): ConvLayer {
  return mode === 'none' ? new Conv2d(rng, inChannels, outChannels, opts) : new SNConv2d(rng, inChannels, outChannels, mode, opts);
}
