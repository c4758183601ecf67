/**
 * Emoji augmentations for contrastive training: a small random zoom and shift of each image, bilinear, the border
 * filled from the edge (the emoji sets' edges are transparent, white once composited). No flips (some emoji have a
 * direction: "left-facing fist") and no colour jitter (captions name colours: "red heart", "blue circle").
 */
import type { Rng } from '../../sdk/random/rng.js';

export interface ZoomShiftOptions {
  /** Largest shift per axis as a fraction of the side (uniform in [−shift, shift]). */
  shift: number;
  /** Largest relative zoom (the scale is uniform in [1 − scale, 1 + scale]). */
  scale: number;
}

/**
 * Zooms and shifts each image of `images` ([B, S, S, C], in place) about its centre: output pixel (x, y) samples the
 * input at c + (x − c − d) / s, with s the scale and d the shift in pixels. Draws three numbers per image from `rng`.
 */
export function randomZoomShift(images: Float32Array, batch: number, size: number, channels: number, opts: ZoomShiftOptions, rng: Rng): void {
  if ((opts.shift <= 0 && opts.scale <= 0) || size < 2) return;
  const pixels = size * size * channels;
  const src = new Float32Array(pixels);
  const centre = (size - 1) / 2;
  const last = size - 1;
  for (let b = 0; b < batch; b++) {
    const s = rng.range(1 - opts.scale, 1 + opts.scale);
    const dx = rng.range(-opts.shift, opts.shift) * size;
    const dy = rng.range(-opts.shift, opts.shift) * size;
    const img = images.subarray(b * pixels, (b + 1) * pixels);
    src.set(img);
    for (let y = 0; y < size; y++) {
      const sy = Math.min(last, Math.max(0, centre + (y - centre - dy) / s));
      const y0 = Math.min(last - 1, Math.floor(sy));
      const fy = sy - y0;
      for (let x = 0; x < size; x++) {
        const sx = Math.min(last, Math.max(0, centre + (x - centre - dx) / s));
        const x0 = Math.min(last - 1, Math.floor(sx));
        const fx = sx - x0;
        const o = (y * size + x) * channels;
        const a = (y0 * size + x0) * channels;
        const r = a + size * channels; // the row below
        for (let c = 0; c < channels; c++) {
          const top = src[a + c]! * (1 - fx) + src[a + channels + c]! * fx;
          const bottom = src[r + c]! * (1 - fx) + src[r + channels + c]! * fx;
          img[o + c] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
}
