import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import type { Autoencoder } from './autoencoder.js';

/**
 * Latent diffusion's scale factor (Rombach et al. 2022, §4.3.2 and their code): 1 / std of the latents of training
 * images, so scaled latents have about unit variance, as the diffusion's noise does. Over the first `limit` images,
 * evenly spread, encoded to their posterior means in batches of `batch`.
 */
export function latentScale(ae: Autoencoder, data: Dataset, batch: number, limit = 1024): number {
  const n = Math.min(limit, data.size);
  const px = data.width * data.height * data.channels;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let start = 0; start < n; start += batch) {
    const k = Math.min(batch, n - start);
    const images = new Float32Array(k * px);
    for (let i = 0; i < k; i++) images.set(data.get(Math.floor(((start + i) * data.size) / n)).image, i * px);
    const z = tf.tidy(() => ae.encode(tf.tensor4d(images, [k, data.height, data.width, data.channels])).dataSync() as Float32Array);
    for (const v of z) {
      sum += v;
      sumSq += v * v;
    }
    count += z.length;
  }
  const mean = sum / count;
  const std = Math.sqrt(Math.max(sumSq / count - mean * mean, 1e-12));
  return 1 / std;
}
