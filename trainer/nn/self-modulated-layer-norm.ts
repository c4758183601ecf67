import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Dense } from './dense.js';
import { layerNormalize, layerNormalizeOnnx } from './layer-norm.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * Self-modulated LayerNorm (ViTGAN, Lee et al. 2021, eq. 8): the affine of a LayerNorm is computed
 * from the latent w instead of learned as constants,
 *
 *   SLN(h, w) = γ(w) ⊙ (h − μ(h)) / σ(h) + β(w),   γ(w) = 1 + A_γ w,   β(w) = A_β w,
 *
 * with A_γ, A_β affine maps with random kernels (scale 1/√Dw) and zero biases, as the official code's
 * EqualLinear (models/gan/stylegan2/vit_generator.py, which also has the "1 +"). μ, σ over the feature
 * axis of each token. Random, not zero: ViTGAN's input tokens are the same for every image, so with
 * A = 0 the generator starts blind to z — every sample identical — and our first mnist-vitgan run was
 * still drawing one image for all latents at step 500 (docs/gans.md).
 */
export class SelfModulatedLayerNorm extends Module {
  readonly gamma: Dense;
  readonly beta: Dense;

  /** @param eps added to the variance; default 1e-5. */
  constructor(rng: Rng, readonly dim: number, readonly latentDim: number, readonly eps = 1e-5) {
    super();
    this.gamma = this.addModule('gamma', new Dense(rng, latentDim, dim, { zeroBias: true }));
    this.beta = this.addModule('beta', new Dense(rng, latentDim, dim, { zeroBias: true }));
  }

  /** h: [B, L, D] (or [1, L, D]), w: [B, Dw] → [B, L, D]. */
  apply(h: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const b = w.shape[0]; // h may be [1, L, D] (ViTGAN's batch-independent input tokens): broadcast
      const gamma = tf.add(this.gamma.apply(w), 1).reshape([b, 1, this.dim]); // [B, 1, D]
      const beta = this.beta.apply(w).reshape([b, 1, this.dim]);
      return tf.add(tf.mul(layerNormalize(h, this.eps), gamma), beta) as tf.Tensor3D;
    });
  }

  /** h: [B, L, D], w: [B, Dw] → [B, L, D]. */
  toOnnx(g: OnnxGraph, h: string, w: string): string {
    const n = (op: string, inputs: string[]): string => g.node(op, inputs, {}, { name: this.onnxName(g, op) })[0]!;
    const toTokens = g.constInt64([0, 1, this.dim], 'sln_shape'); // [B, D] → [B, 1, D]
    const gamma = n('Reshape', [n('Add', [this.gamma.toOnnx(g, w), g.constFloat([1], [], 'sln_one')]), toTokens]);
    const beta = n('Reshape', [this.beta.toOnnx(g, w), toTokens]);
    const normed = layerNormalizeOnnx(g, h, this.dim, this.eps, this.onnxName(g, 'LayerNorm'));
    return n('Add', [n('Mul', [normed, gamma]), beta]);
  }
}
