import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { splitMoments, type Autoencoder } from './autoencoder.js';

/**
 * The KL term per latent dimension, KL(q(z_d | x) ‖ N(0, 1)) = ½ (μ² + σ² − 1 − log σ²) averaged over images, in nats
 * per image: a flat latent gives one value per component, a spatial one per channel (summed over positions). The
 * dimensions a β-VAE keeps show as large values, the ones it switched off as ~0 (Higgins et al. 2017; Burgess et al.
 * 2018). Over the first `limit` images, evenly spread, in batches of `batch`. A VQ-VAE has no posterior: [].
 */
export function klPerDimension(ae: Autoencoder, data: Dataset, batch: number, limit = 1024): number[] {
  if (ae.vq) return [];
  const n = Math.min(limit, data.size);
  const px = data.width * data.height * data.channels;
  let sums: Float64Array | undefined;
  for (let start = 0; start < n; start += batch) {
    const k = Math.min(batch, n - start);
    const images = new Float32Array(k * px);
    for (let i = 0; i < k; i++) images.set(data.get(Math.floor(((start + i) * data.size) / n)).image, i * px);
    const perDim = tf.tidy(() => {
      const { mean, logVar } = splitMoments(ae.encoder.apply(tf.tensor4d(images, [k, data.height, data.width, data.channels])), ae.config);
      const kl = tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), 0.5);
      // [B, d] or [B, h, w, c]: sum all axes but the last
      return tf.sum(kl, Array.from({ length: kl.rank - 1 }, (_, i) => i)).dataSync() as Float32Array;
    });
    sums ??= new Float64Array(perDim.length);
    perDim.forEach((v, i) => (sums![i]! += v));
  }
  return Array.from(sums ?? [], (v) => v / n);
}
