/**
 * Light augmentation for the judging classifiers: random whole-pixel translations. A digit shifted
 * by two pixels is the same digit, and generated samples are rarely centred exactly as MNIST is,
 * so the classifier should not depend on it.
 */
import type { Rng } from '../../sdk/random/rng.js';

/**
 * Shifts each image of `images` ([B, H, W, C], in place) by a random (dy, dx) in
 * [-maxShift, maxShift]², replicating edge pixels into the uncovered border (MNIST's edges are
 * background, so this fills with background).
 */
export function randomShift(images: Float32Array, batch: number, height: number, width: number, channels: number, maxShift: number, rng: Rng): void {
  if (maxShift <= 0) return;
  const pixels = height * width * channels;
  const src = new Float32Array(pixels);
  for (let b = 0; b < batch; b++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    if (dy === 0 && dx === 0) continue;
    const img = images.subarray(b * pixels, (b + 1) * pixels);
    src.set(img);
    for (let y = 0; y < height; y++) {
      const sy = Math.min(height - 1, Math.max(0, y - dy));
      for (let x = 0; x < width; x++) {
        const sx = Math.min(width - 1, Math.max(0, x - dx));
        const o = (y * width + x) * channels;
        const s = (sy * width + sx) * channels;
        for (let c = 0; c < channels; c++) img[o + c] = src[s + c]!;
      }
    }
  }
}
