/**
 * The one resize filter (the SDK's inputs and the trainer's data; FID's 299×299 resize is pytorch-fid's own): a triangle (bilinear) filter whose support widens by the scale when shrinking, as PIL's
 * `Image.resize(..., BILINEAR)`: plain bilinear interpolation when enlarging, an antialiased average when shrinking
 * (a 512×512 photo to 32×32 does not alias). Separable: rows first, then columns. Pixel centres at (i + 0.5).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
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
 * Rounds and clamps to bytes; {@link resizePixels} is the same filter on any channel count, in floats.
 */
export function resizeRgba(src: RgbaImage, width: number, height: number): Uint8ClampedArray {
  if (src.width === width && src.height === height) return new Uint8ClampedArray(src.data);
  return resizeInto(src.data, src.width, src.height, 4, width, height, new Uint8ClampedArray(width * height * 4));
}

/**
 * Resizes interleaved pixels [srcHeight, srcWidth, channels] to [height, width, channels] with the same filter, in
 * floats in the input's own range (no rounding: the trainer chains conversions). The identity at the same size.
 */
export function resizePixels(src: ArrayLike<number>, srcWidth: number, srcHeight: number, channels: number, width: number, height: number): Float32Array {
  if (src.length !== srcWidth * srcHeight * channels) {
    throw new InvalidInputError('src', `must hold srcHeight × srcWidth × channels = ${srcHeight}x${srcWidth}x${channels} values; pass the pixels with their own size`, `${src.length} values`);
  }
  for (const [what, v] of [['width', width], ['height', height], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(what, 'must be a positive integer', v);
  }
  if (srcWidth === width && srcHeight === height) return Float32Array.from(src);
  return resizeInto(src, srcWidth, srcHeight, channels, width, height, new Float32Array(width * height * channels));
}

/**
 * The two separable passes. The one that shrinks more goes first, so the float intermediate is
 * min(srcHeight·width, height·srcWidth) pixels — never more than the larger of input and output, whatever the aspect
 * ratio (a 1×10,000,000 strip to 32×32 resizes its columns first: a 32×1 intermediate, not 10,000,000×32).
 */
function resizeInto<T extends Float32Array | Uint8ClampedArray>(src: ArrayLike<number>, srcWidth: number, srcHeight: number, C: number, width: number, height: number, out: T): T {
  const tx = taps(srcWidth, width);
  const ty = taps(srcHeight, height);
  if (srcHeight * width <= height * srcWidth) {
    const mid = new Float32Array(srcHeight * width * C); // [srcHeight, width, C]
    pass(src, mid, C, srcHeight, tx, { line: C * srcWidth, sample: C }, { line: C * width, sample: C }); // rows
    pass(mid, out, C, width, ty, { line: C, sample: C * width }, { line: C, sample: C * width }); // columns
  } else {
    const mid = new Float32Array(height * srcWidth * C); // [height, srcWidth, C]
    pass(src, mid, C, srcWidth, ty, { line: C, sample: C * srcWidth }, { line: C, sample: C * srcWidth }); // columns
    pass(mid, out, C, height, tx, { line: C * srcWidth, sample: C }, { line: C * width, sample: C }); // rows
  }
  return out;
}

/** Where lines and samples lie in a flat interleaved buffer: element offsets between lines and between samples of a line. */
interface Strides {
  line: number;
  sample: number;
}

/**
 * One separable pass over `lines` lines (rows or columns) of C-channel pixels: each line's samples become `t`'s output
 * samples, weighted. Writing into a Uint8ClampedArray rounds and clamps.
 */
function pass(input: ArrayLike<number>, output: Float32Array | Uint8ClampedArray, C: number, lines: number, t: Taps, from: Strides, to: Strides): void {
  const outSize = t.start.length;
  for (let l = 0; l < lines; l++) {
    for (let o = 0; o < outSize; o++) {
      const first = l * from.line + t.start[o]! * from.sample;
      const n = t.count[o]!;
      const w0 = o * t.stride;
      const j = l * to.line + o * to.sample;
      for (let c = 0; c < C; c++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += t.weights[w0 + k]! * input[first + k * from.sample + c]!;
        output[j + c] = v;
      }
    }
  }
}
