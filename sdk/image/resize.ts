/**
 * RGBA resizing with a triangle (bilinear) filter whose support widens by the scale when shrinking, as PIL's
 * `Image.resize(..., BILINEAR)`: plain bilinear interpolation when enlarging, an antialiased average when shrinking
 * (a 512×512 photo to 32×32 does not alias). Separable: rows first, then columns. Pixel centres at (i + 0.5).
 */
import type { RgbaImage } from '../types.js';

/** Per output index: the first source index and the normalised weights of the sources it reads. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  /** Max taps per output index (stride of `weights`). */
  stride: number;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = Math.max(1, scale); // filter radius in source pixels
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * stride);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(inSize, Math.ceil(centre + support));
    let sum = 0;
    let n = 0;
    for (let i = lo; i < hi && n < stride; i++, n++) {
      const w = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
      weights[o * stride + n] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weights[o * stride + k]! /= sum || 1;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, stride };
}

/** Resizes RGBA pixels to width × height. Returns the input's pixels copied when the size already matches. */
export function resizeRgba(src: RgbaImage, width: number, height: number): Uint8ClampedArray {
  if (src.width === width && src.height === height) return new Uint8ClampedArray(src.data);
  const tx = taps(src.width, width);
  const ty = taps(src.height, height);
  // Horizontal pass: [src.height, width, 4] in float.
  const mid = new Float32Array(src.height * width * 4);
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < width; x++) {
      const s = tx.start[x]!;
      const n = tx.count[x]!;
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const w = tx.weights[x * tx.stride + k]!;
        const i = (y * src.width + s + k) * 4;
        r += w * src.data[i]!;
        g += w * src.data[i + 1]!;
        b += w * src.data[i + 2]!;
        a += w * src.data[i + 3]!;
      }
      const o = (y * width + x) * 4;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
      mid[o + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const s = ty.start[y]!;
    const n = ty.count[y]!;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += ty.weights[y * ty.stride + k]! * mid[((s + k) * width + x) * 4 + c]!;
        out[(y * width + x) * 4 + c] = v;
      }
    }
  }
  return out;
}
