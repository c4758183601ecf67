import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';
import type { Batch } from '../data/dataset.js';
import type { GaussianDiffusion } from '../diffusion/gaussian-diffusion.js';

/**
 * Gradients of the batch loss, summed over micro-batches of `micro` images, each weighted by its
 * share of the batch so the result equals the full-batch gradient (the wasm heap cannot hold
 * a 2.7M-parameter U-Net's activations beyond batch ~32).
 */
export function accumulateGradients(
  diffusion: GaussianDiffusion,
  batch: Batch & { tokens?: Int32Array; context?: Float32Array },
  micro: number,
  rng: Rng,
  varList: tf.Variable[],
  pathOf: Map<string, string>,
): { loss: number; grads: Map<string, tf.Tensor> } {
  const grads = new Map<string, tf.Tensor>();
  let loss = 0;
  for (const { part, share } of microBatches(batch, micro)) {
    const { value, grads: g } = tf.variableGrads(diffusion.lossFn(part, rng), varList);
    loss += value.dataSync()[0]! * share;
    value.dispose();
    for (const [name, grad] of Object.entries(g)) {
      const path = pathOf.get(name)!;
      const prev = grads.get(path);
      const scaled = share === 1 ? grad : tf.tidy(() => grad.mul(share));
      if (scaled !== grad) grad.dispose();
      if (prev) {
        grads.set(path, tf.tidy(() => prev.add(scaled)));
        prev.dispose();
        scaled.dispose();
      } else {
        grads.set(path, scaled);
      }
    }
  }
  return { loss, grads };
}

/**
 * The batch loss alone, no gradients: the same micro-batches drawing the same noise from `rng` as
 * accumulateGradients, so it is the loss the next optimiser step would see (used to judge the final weights
 * before they are saved).
 */
export function batchLoss(diffusion: GaussianDiffusion, batch: Batch & { tokens?: Int32Array; context?: Float32Array }, micro: number, rng: Rng): number {
  let loss = 0;
  for (const { part, share } of microBatches(batch, micro)) {
    loss += tf.tidy(() => diffusion.lossFn(part, rng)().dataSync()[0]!) * share;
  }
  return loss;
}

/** Consecutive slices of `micro` images of a batch, each with its share of the batch. */
function* microBatches(batch: Batch & { tokens?: Int32Array; context?: Float32Array }, micro: number) {
  const B = batch.indices.length;
  const pixels = batch.images.length / B;
  for (let start = 0; start < B; start += micro) {
    const end = Math.min(B, start + micro);
    const part = {
      images: batch.images.subarray(start * pixels, end * pixels),
      ...(batch.labels && { labels: batch.labels.subarray(start, end) }),
      // [B, L] token rows of text-conditioned runs
      ...(batch.tokens && { tokens: batch.tokens.subarray((start * batch.tokens.length) / B, (end * batch.tokens.length) / B) }),
      // [B, L, D] frozen-encoder context of latent runs
      ...(batch.context && { context: batch.context.subarray((start * batch.context.length) / B, (end * batch.context.length) / B) }),
    };
    yield { part, share: (end - start) / B };
  }
}

/** Scales gradients so their global L2 norm is at most `maxNorm` (0 = no clipping); returns the norm before. */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.addN([...grads.values()].map((g) => g.mul(g).sum()) /* not square(): see AdamW */).sqrt().dataSync()[0]!);
  if (maxNorm > 0 && norm > maxNorm) {
    for (const [k, g] of grads) {
      grads.set(k, tf.tidy(() => g.mul(maxNorm / norm)));
      g.dispose();
    }
  }
  return norm;
}

export function disposeAll(m: Map<string, tf.Tensor>): void {
  for (const t of m.values()) t.dispose();
}
