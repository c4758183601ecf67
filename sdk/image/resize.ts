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

/**
 * Resizes RGBA pixels to width × height. Returns the input's pixels copied when the size already matches.
 *
 * The pass that shrinks more goes first, so the float intermediate is min(src.height·width, height·src.width) pixels —
 * never more than the larger of input and output, whatever the aspect ratio (a 1×10,000,000 strip to 32×32 resizes
 * its columns first: a 32×1 intermediate, not 10,000,000×32).
 */
export function resizeRgba(src: RgbaImage, width: number, height: number): Uint8ClampedArray {
  if (src.width === width && src.height === height) return new Uint8ClampedArray(src.data);
  const out = new Uint8ClampedArray(width * height * 4);
  const tx = taps(src.width, width);
  const ty = taps(src.height, height);
  if (src.height * width <= height * src.width) {
    const mid = new Float32Array(src.height * width * 4); // [src.height, width, 4]
    pass(src.data, mid, src.height, tx, { line: 4 * src.width, sample: 4 }, { line: 4 * width, sample: 4 }); // rows
    pass(mid, out, width, ty, { line: 4, sample: 4 * width }, { line: 4, sample: 4 * width }); // columns
  } else {
    const mid = new Float32Array(height * src.width * 4); // [height, src.width, 4]
    pass(src.data, mid, src.width, ty, { line: 4, sample: 4 * src.width }, { line: 4, sample: 4 * src.width }); // columns
    pass(mid, out, height, tx, { line: 4 * src.width, sample: 4 }, { line: 4 * width, sample: 4 }); // rows
  }
  return out;
}

/** Where lines and samples lie in a flat RGBA buffer: element offsets between lines and between samples of a line. */
interface Strides {
  line: number;
  sample: number;
}

/**
 * One separable pass over `lines` lines (rows or columns) of RGBA pixels: each line's samples become `t`'s output
 * samples, weighted. Writing into a Uint8ClampedArray rounds and clamps.
 */
function pass(input: ArrayLike<number>, output: Float32Array | Uint8ClampedArray, lines: number, t: Taps, from: Strides, to: Strides): void {
  const outSize = t.start.length;
  for (let l = 0; l < lines; l++) {
    for (let o = 0; o < outSize; o++) {
      const first = l * from.line + t.start[o]! * from.sample;
      const n = t.count[o]!;
      const w0 = o * t.stride;
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const w = t.weights[w0 + k]!;
        const i = first + k * from.sample;
        r += w * input[i]!;
        g += w * input[i + 1]!;
        b += w * input[i + 2]!;
        a += w * input[i + 3]!;
      }
      const j = l * to.line + o * to.sample;
      output[j] = r;
      output[j + 1] = g;
      output[j + 2] = b;
      output[j + 3] = a;
    }
  }
}
