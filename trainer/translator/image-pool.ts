/**
 * CycleGAN's history of generated images (Zhu et al. 2017, §4 "Training details", after Shrivastava et al. 2017):
 * D is updated on a mix of the newest fakes and older ones, so that it does not chase G's latest move (oscillation).
 *
 * For each image of a batch (the official code's ImagePool.query): while the pool holds fewer than `size` images, the
 * image is stored and returned as it is; once full, with probability ½ a uniformly chosen stored image is returned and
 * the new one takes its place, otherwise the new image is returned and the pool is left alone. size 0 returns every
 * batch unchanged.
 *
 * The pool is training state: its images live in one tf.Variable [size, H, W, C] (a checkpoint group) and its count in
 * the run's counters, so a resumed run draws what the straight run drew.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';

export class ImagePool {
  /** Stored images [size, H, W, C] (rows ≥ count are zeros). */
  readonly images: tf.Variable;
  /** Images stored so far (at most size). */
  count = 0;
  private data: Float32Array;
  private readonly pixels: number;

  constructor(readonly size: number, readonly shape: readonly [number, number, number], name: string) {
    if (!(Number.isInteger(size) && size >= 0)) throw new Error(`ImagePool: size must be an integer >= 0, got ${size}`);
    this.pixels = shape[0] * shape[1] * shape[2];
    this.data = new Float32Array(Math.max(1, size) * this.pixels);
    this.images = tf.variable(tf.zeros([Math.max(1, size), ...shape]), false, name);
  }

  /** batch [B, H, W, C] (flat) → the images D is to see, [B, H, W, C]; draws from `rng` only once the pool is full. */
  query(batch: Float32Array, rng: Rng): Float32Array {
    if (this.size === 0) return batch;
    const px = this.pixels;
    const out = Float32Array.from(batch);
    for (let b = 0; b < batch.length / px; b++) {
      const image = batch.subarray(b * px, (b + 1) * px);
      if (this.count < this.size) {
        this.data.set(image, this.count * px);
        this.count++;
      } else if (rng.uniform() < 0.5) {
        const k = rng.int(this.size);
        out.set(this.data.subarray(k * px, (k + 1) * px), b * px);
        this.data.set(image, k * px);
      }
    }
    const stored = tf.tensor4d(this.data, [this.size, ...this.shape]);
    this.images.assign(stored);
    stored.dispose();
    return out;
  }

  /** Takes the stored images back from `images` (after a checkpoint restored it) with the saved count. */
  restore(count: number): void {
    this.count = count;
    this.data = Float32Array.from(this.images.dataSync() as Float32Array);
  }

  dispose(): void {
    this.images.dispose();
  }
}
