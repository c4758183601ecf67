/** Conversions between the model's float pixels ([-1, 1]) and 8-bit pixels, and between channel counts. */
import { UsageError } from '../errors/usage-error.js';

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
const LUMA = [0.299, 0.587, 0.114] as const;

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
    if (c !== 1 && c !== 3 && c !== 4) throw new UsageError(`channel count must be 1, 3 or 4, got ${c}`);
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
