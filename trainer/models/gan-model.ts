/**
 * What the GAN trainer, sampler and exporter need of a generator and a discriminator, whatever the
 * architecture (DCGAN, SAGAN, ViTGAN).
 */
import type * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import type { Module } from '../nn/module.js';
import type { Rng } from '../../sdk/random/rng.js';

export interface GanGenerator extends Module {
  /** Length of the latent z ~ N(0, I). */
  readonly zDim: number;
  /** Classes of a conditional generator; undefined when unconditional. */
  readonly numClasses: number | undefined;
  readonly imageSize: number;
  readonly channels: number;
  /**
   * z: [B, zDim], labels: [B] int32 (conditional only) → images [B, H, W, C] in [−1, 1]. `train` (the training
   * steps pass it): the run's Rng, for what a generator draws while it trains (StyleGAN's noise and style mixing).
   */
  apply(z: tf.Tensor2D, labels?: tf.Tensor1D, train?: { rng: Rng }): tf.Tensor4D;
  /** z: [B, zDim], labels: [B] int64 (conditional only) → images [B, C, H, W]. */
  toOnnx(g: OnnxGraph, z: string, labels?: string): string;
}

export interface GanDiscriminator extends Module {
  readonly numClasses: number | undefined;
  /** x: [B, H, W, C], labels: [B] int32 (conditional only) → logits [B] (real is large). */
  apply(x: tf.Tensor4D, labels?: tf.Tensor1D): tf.Tensor1D;
}

/** Throws unless a conditional model gets labels and an unconditional one none. */
export function checkLabels(who: string, numClasses: number | undefined, labels: tf.Tensor | undefined): void {
  if (numClasses !== undefined && !labels) throw new Error(`${who}: a conditional model (${numClasses} classes) needs labels`);
  if (numClasses === undefined && labels) throw new Error(`${who}: an unconditional model takes no labels`);
}
