/**
 * Image resizing, separable: each axis maps through a small table of (source index, weight) taps.
 * Shrinking averages the source area each output pixel covers (box filter, no aliasing);
 * enlarging interpolates bilinearly between pixel centres.
 */
import { UsageError } from '../errors/usage-error.js';

/** Per output index along one axis: source indices and weights (weights sum to 1). */
interface AxisTaps {
  start: Int32Array; // [dst] offset into idx/weight
  count: Int32Array; // [dst]
  idx: Int32Array;
  weight: Float32Array;
}

function axisTaps(srcLen: number, dstLen: number): AxisTaps {
  const idx: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(dstLen);
  const count = new Int32Array(dstLen);
  const scale = srcLen / dstLen;
  for (let d = 0; d < dstLen; d++) {
    start[d] = idx.length;
    if (scale >= 1) {
      // Area: output pixel d covers source interval [d·scale, (d+1)·scale).
      const lo = d * scale;
      const hi = lo + scale;
      for (let s = Math.floor(lo); s < Math.min(srcLen, Math.ceil(hi)); s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        if (overlap > 1e-9) {
          idx.push(s);
          weight.push(overlap / scale);
        }
      }
    } else {
      // Bilinear with half-pixel centres (as OpenCV / tf.image with half_pixel_centers), edges clamped.
      const x = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), srcLen - 1);
      const x0 = Math.floor(x);
      const x1 = Math.min(x0 + 1, srcLen - 1);
      const f = x - x0;
      idx.push(x0);
      weight.push(1 - f);
      if (x1 !== x0 && f > 0) {
        idx.push(x1);
        weight.push(f);
      }
    }
    count[d] = idx.length - start[d]!;
  }
  return { start, count, idx: Int32Array.from(idx), weight: Float32Array.from(weight) };
}

/**
 * Resizes interleaved pixels [srcH, srcW, C] to [dstH, dstW, C], returning floats in the input's
 * value range (no rounding, so chained conversions lose nothing).
 */
export function resizeImage(
  src: Uint8Array | Float32Array,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  dstWidth: number,
  dstHeight: number,
): Float32Array {
  if (src.length !== srcWidth * srcHeight * channels) {
    throw new UsageError(`resizeImage: ${src.length} values is not ${srcHeight}x${srcWidth}x${channels}`);
  }
  for (const [what, v] of [['width', dstWidth], ['height', dstHeight]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`resizeImage: target ${what} must be a positive integer, got ${v}`);
  }
  const tx = axisTaps(srcWidth, dstWidth);
  const ty = axisTaps(srcHeight, dstHeight);
  // Pass 1, along x: [srcH, dstW, C].
  const mid = new Float32Array(srcHeight * dstWidth * channels);
  for (let y = 0; y < srcHeight; y++) {
    for (let dx = 0; dx < dstWidth; dx++) {
      const o = (y * dstWidth + dx) * channels;
      for (let t = tx.start[dx]!, end = t + tx.count[dx]!; t < end; t++) {
        const s = (y * srcWidth + tx.idx[t]!) * channels;
        const w = tx.weight[t]!;
        for (let c = 0; c < channels; c++) mid[o + c] += w * src[s + c]!;
      }
    }
  }
  // Pass 2, along y: [dstH, dstW, C].
  const out = new Float32Array(dstHeight * dstWidth * channels);
  const row = dstWidth * channels;
  for (let dy = 0; dy < dstHeight; dy++) {
    const o = dy * row;
    for (let t = ty.start[dy]!, end = t + ty.count[dy]!; t < end; t++) {
      const s = ty.idx[t]! * row;
      const w = ty.weight[t]!;
      for (let k = 0; k < row; k++) out[o + k] += w * mid[s + k]!;
    }
  }
  return out;
}

/**
 * The centred crop box of a srcWidth×srcHeight image with the aspect ratio of dstWidth×dstHeight,
 * so resizing it does not stretch the content.
 */
export function centerCropBox(
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
): { x: number; y: number; width: number; height: number } {
  const target = dstWidth / dstHeight;
  if (srcWidth / srcHeight > target) {
    const width = Math.max(1, Math.round(srcHeight * target));
    return { x: Math.floor((srcWidth - width) / 2), y: 0, width, height: srcHeight };
  }
  const height = Math.max(1, Math.round(srcWidth / target));
  return { x: 0, y: Math.floor((srcHeight - height) / 2), width: srcWidth, height };
}

/** Copies the box (x, y, width, height) out of interleaved pixels [srcH, srcW, C]. */
export function cropImage<T extends Uint8Array | Float32Array>(
  src: T,
  srcWidth: number,
  channels: number,
  box: { x: number; y: number; width: number; height: number },
): T {
  const out = (src instanceof Uint8Array
    ? new Uint8Array(box.width * box.height * channels)
    : new Float32Array(box.width * box.height * channels)) as T;
  const row = box.width * channels;
  for (let y = 0; y < box.height; y++) {
    const s = ((box.y + y) * srcWidth + box.x) * channels;
    out.set(src.subarray(s, s + row) as T, y * row);
  }
  return out;
}
