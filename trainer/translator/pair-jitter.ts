/**
 * pix2pix's random jitter (Isola et al. 2017, §6.2: images resized 256 → 286, cropped back to 256 at a random place,
 * mirrored at random), at our size: each pair is resized to S + jitter, cropped to S at a random offset and mirrored
 * with probability ½, the source and its target alike (one box per pair, so the pair stays aligned). It teaches G
 * resampled and shifted inputs (the demo's drawing pad hands it such pictures; docs/pix2pix.md). Randomness comes
 * from the step's Rng, so a resumed run replays it. CycleGAN's unpaired images are jittered one by one (jitterImages).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';

/** Boxes for tf.image.cropAndResize, [B][y1, x1, y2, x2] (x1 > x2 mirrors), of `size`-pixel images. */
export function jitterBoxes(batch: number, size: number, jitter: number, rng: Rng): number[][] {
  const big = size + jitter;
  return Array.from({ length: batch }, () => {
    const oy = rng.int(jitter + 1);
    const ox = rng.int(jitter + 1);
    const [y1, y2] = [oy / big, (oy + size) / big];
    const [x1, x2] = [ox / big, (ox + size) / big];
    return rng.uniform() < 0.5 ? [y1, x1, y2, x2] : [y1, x2, y2, x1];
  });
}

/** Images [B, S, S, C] jittered, each by its own box; `jitter` 0 returns them as they are. Disposes nothing. */
export function jitterImages(x: tf.Tensor4D, jitter: number, rng: Rng): tf.Tensor4D {
  if (jitter === 0) return x;
  const [batch, size] = x.shape;
  const boxes = jitterBoxes(batch, size, jitter, rng);
  return tf.image.cropAndResize(x, boxes, Array.from({ length: batch }, (_, i) => i), [size, size], 'bilinear');
}

/** The pair (x [B, S, S, C], its target y) jittered alike; `jitter` 0 returns them as they are. Disposes nothing. */
export function jitterPair(x: tf.Tensor4D, y: tf.Tensor4D, jitter: number, rng: Rng): { x: tf.Tensor4D; y: tf.Tensor4D } {
  if (jitter === 0) return { x, y };
  return tf.tidy(() => {
    const both = jitterImages(tf.concat([x, y], 3), jitter, rng);
    const [jx, jy] = tf.split(both, [x.shape[3], y.shape[3]], 3) as [tf.Tensor4D, tf.Tensor4D];
    return { x: jx, y: jy };
  });
}
