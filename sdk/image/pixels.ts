/**
 * Pixels between the model's space and RGBA bytes. Model tensors are NCHW float32 with values in the manifest's
 * `image.range` (usually [-1, 1]); pictures are RGBA bytes, row-major. Grey models (C = 1) read luma
 * (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B) and write R = G = B.
 */

/**
 * One image of an NCHW batch → RGBA bytes (alpha 255, or the 4th channel when C = 4).
 * @param x the batch, [B, C, H, W]
 * @param index which image of the batch
 * @param out reused when given (width·height·4 bytes)
 */
export function modelToRgba(
  x: Float32Array,
  index: number,
  channels: number,
  height: number,
  width: number,
  range: readonly [number, number],
  out: Uint8ClampedArray = new Uint8ClampedArray(width * height * 4),
): Uint8ClampedArray {
  const plane = height * width;
  const base = index * channels * plane;
  const [lo, hi] = range;
  const scale = 255 / (hi - lo);
  // Uint8ClampedArray rounds half to even and clamps to [0, 255]: the range mapping needs no clamp of its own.
  for (let p = 0; p < plane; p++) {
    const o = p * 4;
    if (channels === 1) {
      const v = (x[base + p]! - lo) * scale;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
      out[o + 3] = 255;
    } else {
      out[o] = (x[base + p]! - lo) * scale;
      out[o + 1] = (x[base + plane + p]! - lo) * scale;
      out[o + 2] = (x[base + 2 * plane + p]! - lo) * scale;
      out[o + 3] = channels === 4 ? (x[base + 3 * plane + p]! - lo) * scale : 255;
    }
  }
  return out;
}

/**
 * RGBA bytes (already at the model's size) → one CHW image in the model's range.
 * @returns [C, H, W] float32
 */
export function rgbaToModel(rgba: ArrayLike<number>, width: number, height: number, channels: number, range: readonly [number, number]): Float32Array {
  const plane = width * height;
  const out = new Float32Array(channels * plane);
  const [lo, hi] = range;
  const scale = (hi - lo) / 255;
  for (let p = 0; p < plane; p++) {
    const r = rgba[p * 4]!;
    const g = rgba[p * 4 + 1]!;
    const b = rgba[p * 4 + 2]!;
    if (channels === 1) {
      out[p] = lo + (0.299 * r + 0.587 * g + 0.114 * b) * scale;
    } else {
      out[p] = lo + r * scale;
      out[plane + p] = lo + g * scale;
      out[2 * plane + p] = lo + b * scale;
      if (channels === 4) out[3 * plane + p] = lo + rgba[p * 4 + 3]! * scale;
    }
  }
  return out;
}

/** NCHW → NHWC ([n, c, h, w] → [n, h, w, c]), the layout of the trainer's images and PNG writers. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) out[((b * h + y) * w + xx) * c + ch] = x[((b * c + ch) * h + y) * w + xx]!;
  return out;
}
