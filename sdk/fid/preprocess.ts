/**
 * Image preprocessing for feature extractors. `inceptionPreprocess` reproduces pytorch-fid's
 * `InceptionV3.forward` (resize_input=True, normalize_input=True): images in [0, 1] →
 * F.interpolate(size=(299, 299), mode='bilinear', align_corners=False) → 2x − 1. Grey images are
 * repeated to 3 channels first (as `Image.convert('RGB')` does for pytorch-fid's folders).
 */

/**
 * Bilinear resize of an NCHW batch, PyTorch's `F.interpolate(mode='bilinear', align_corners=False,
 * antialias=False)`: source coordinate (dst + 0.5)·in/out − 0.5, clamped at 0; the upper neighbour clamped at in − 1.
 */
export function resizeBilinearNchw(x: Float32Array, n: number, c: number, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(n * c * outH * outW);
  const ys = axis(h, outH);
  const xs = axis(w, outW);
  for (let p = 0; p < n * c; p++) {
    const src = p * h * w;
    const dst = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = ys.i0[oy]!, y1 = ys.i1[oy]!, ly = ys.l[oy]!;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = xs.i0[ox]!, x1 = xs.i1[ox]!, lx = xs.l[ox]!;
        const top = (1 - lx) * x[src + y0 * w + x0]! + lx * x[src + y0 * w + x1]!;
        const bottom = (1 - lx) * x[src + y1 * w + x0]! + lx * x[src + y1 * w + x1]!;
        out[dst + oy * outW + ox] = (1 - ly) * top + ly * bottom;
      }
    }
  }
  return out;
}

function axis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l: Float32Array } {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = Math.max(scale * (o + 0.5) - 0.5, 0);
    const a = Math.floor(s);
    i0[o] = a;
    i1[o] = a < inSize - 1 ? a + 1 : a;
    l[o] = s - a;
  }
  return { i0, i1, l };
}

/**
 * pytorch-fid's Inception input from an NCHW batch in [lo, hi] (default [-1, 1]) with 1 or 3 channels:
 * [N, 3, 299, 299] in [-1, 1].
 */
export function inceptionPreprocess(x: Float32Array, n: number, c: number, h: number, w: number, range: readonly [number, number] = [-1, 1]): Float32Array {
  const [lo, hi] = range;
  // 1. to [0, 1] (what pytorch-fid's ToTensor gives) and 3 channels
  const rgb = new Float32Array(n * 3 * h * w);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < 3; ch++) {
      const src = (b * c + (c === 1 ? 0 : ch)) * plane;
      const dst = (b * 3 + ch) * plane;
      for (let p = 0; p < plane; p++) rgb[dst + p] = (x[src + p]! - lo) / (hi - lo);
    }
  }
  // 2. bilinear to 299 x 299, 3. to [-1, 1]
  const out = resizeBilinearNchw(rgb, n, 3, h, w, 299, 299);
  for (let i = 0; i < out.length; i++) out[i] = 2 * out[i]! - 1;
  return out;
}
