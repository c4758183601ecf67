/**
 * Pixels, in one place for the SDK, FID and the trainer: the model's space ↔ RGBA bytes, bytes ↔ [-1, 1], channel
 * counts (alpha composited over a background, luma for grey), NCHW ↔ NHWC. Model tensors are NCHW float32 with values
 * in the manifest's `image.range` (usually [-1, 1]); pictures are RGBA bytes, row-major. Grey reads luma
 * (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B) and writes R = G = B.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';

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
 * RGBA bytes (already at the model's size) → one CHW image in the model's range, by the same rule as the trainer's data
 * and FID ({@link convertChannels}): a 4-channel model keeps alpha; for 3 or 1 channels alpha is composited over
 * white, grey is BT.601 luma rounded to a byte.
 * @returns [C, H, W] float32
 */
export function rgbaToModel(rgba: ArrayLike<number>, width: number, height: number, channels: number, range: readonly [number, number]): Float32Array {
  const plane = width * height;
  const bytes = rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray ? new Uint8Array(rgba.buffer, rgba.byteOffset, plane * 4) : Uint8Array.from({ length: plane * 4 }, (_, i) => rgba[i]!);
  const px = channels === 4 ? bytes : convertChannels(bytes, 4, channels, 255, 255); // [H, W, channels]
  return hwcToModel(px, plane, channels, range);
}

/** Interleaved pixels [H, W, C] valued 0 … 255 (bytes, or floats from a resize) → [C, H, W] in `range`; `plane` = H·W. */
export function hwcToModel(px: ArrayLike<number>, plane: number, channels: number, range: readonly [number, number]): Float32Array {
  const out = new Float32Array(channels * plane);
  const [lo, hi] = range;
  const scale = (hi - lo) / 255;
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = lo + px[p * channels + c]! * scale;
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

/** Float pixels in [-1, 1] to bytes: round((v + 1) · 127.5), clamped; NaN becomes 0. Same layout. */
export function toUint8(image: Float32Array): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const v = Math.round((image[i]! + 1) * 127.5);
    out[i] = v > 255 ? 255 : v > 0 ? v : 0;
  }
  return out;
}

/** Bytes to float pixels in [-1, 1]: v / 127.5 - 1. Same layout. */
export function fromUint8(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 127.5 - 1;
  return out;
}

/** ITU-R BT.601 luma, the weights most grayscale conversions (and PIL's 'L') use. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Converts interleaved pixels between channel counts 1, 3 and 4 (works for bytes or floats):
 * gray→RGB replicates, RGB→gray takes luma, RGBA→RGB/gray composites over `background`
 * (a value in the array's own range, e.g. 255 for white bytes) and →RGBA adds an opaque alpha of `opaque`.
 */
export function convertChannels<T extends Uint8Array | Float32Array>(
  src: T,
  fromChannels: number,
  toChannels: number,
  /** What transparent pixels become when alpha is dropped. */
  background: number,
  /** The alpha value written when alpha is added. */
  opaque: number,
): T {
  for (const c of [fromChannels, toChannels]) {
    if (c !== 1 && c !== 3 && c !== 4) throw new InvalidInputError('channels', 'must be 1, 3 or 4', c);
  }
  const n = src.length / fromChannels;
  const out = (src instanceof Uint8Array ? new Uint8Array(n * toChannels) : new Float32Array(n * toChannels)) as T;
  // Bytes round to nearest; typed-array assignment alone would truncate.
  const q = src instanceof Uint8Array ? Math.round : (v: number) => v;
  const rgb = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const s = i * fromChannels;
    if (fromChannels === 1) rgb[0] = rgb[1] = rgb[2] = src[s]!;
    else {
      const alpha = fromChannels === 4 ? src[s + 3]! / opaque : 1;
      for (let k = 0; k < 3; k++) rgb[k] = src[s + k]! * alpha + background * (1 - alpha);
    }
    const d = i * toChannels;
    if (toChannels === 1) out[d] = q(LUMA[0] * rgb[0]! + LUMA[1] * rgb[1]! + LUMA[2] * rgb[2]!);
    else {
      out[d] = q(rgb[0]!);
      out[d + 1] = q(rgb[1]!);
      out[d + 2] = q(rgb[2]!);
      if (toChannels === 4) out[d + 3] = fromChannels === 4 ? src[s + 3]! : opaque;
    }
  }
  return out;
}

/** NHWC → NCHW ([n, h, w, c] → [n, c, h, w]), the layout models take. */
export function nhwcToNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + ch]!;
  return out;
}
