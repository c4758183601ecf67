/**
 * Reconstruction quality of one image against its original, both [H, W, C] row-major with values in [0, 1]:
 *
 *   PSNR = 10 · log10(1 / MSE)                                                      (dB; Infinity when identical)
 *   SSIM (Wang et al. 2004) with scikit-image's settings for `gaussian_weights=True`: an 11×11 Gaussian window,
 *   σ = 1.5, K1 = 0.01, K2 = 0.03, data range 1, population (not sample) covariances, the SSIM map averaged over the
 *   positions at least 5 pixels from every edge, then over channels.
 *
 * Environment-neutral (no DOM, no Node): the trainer's cards and anyone's code can use the same numbers.
 */

/** Peak signal-to-noise ratio in dB of `b` against `a` (same length, values in [0, 1]). */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`psnr: images of ${a.length} and ${b.length} values`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

const RADIUS = 5;
const SIGMA = 1.5;
const WINDOW = gaussianWindow(RADIUS, SIGMA);

/** Structural similarity of `b` against `a` ([H, W, C], values in [0, 1]); images at least 11×11. */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, width: number, height: number, channels: number): number {
  if (a.length !== width * height * channels || b.length !== a.length) throw new RangeError(`ssim: expected ${width}x${height}x${channels} values, got ${a.length} and ${b.length}`);
  if (width < 2 * RADIUS + 1 || height < 2 * RADIUS + 1) throw new RangeError(`ssim: images must be at least ${2 * RADIUS + 1}x${2 * RADIUS + 1}, got ${width}x${height}`);
  const C1 = 0.01 ** 2;
  const C2 = 0.03 ** 2;
  let total = 0;
  const n = width * height;
  for (let c = 0; c < channels; c++) {
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = a[i * channels + c]!;
      y[i] = b[i * channels + c]!;
    }
    const mx = blur(x, width, height);
    const my = blur(y, width, height);
    const xx = blur(x.map((v) => v * v), width, height);
    const yy = blur(y.map((v) => v * v), width, height);
    const xy = blur(x.map((v, i) => v * y[i]!), width, height);
    let sum = 0;
    let count = 0;
    for (let r = RADIUS; r < height - RADIUS; r++) {
      for (let q = RADIUS; q < width - RADIUS; q++) {
        const i = r * width + q;
        const vx = xx[i]! - mx[i]! ** 2;
        const vy = yy[i]! - my[i]! ** 2;
        const cov = xy[i]! - mx[i]! * my[i]!;
        sum += ((2 * mx[i]! * my[i]! + C1) * (2 * cov + C2)) / ((mx[i]! ** 2 + my[i]! ** 2 + C1) * (vx + vy + C2));
        count++;
      }
    }
    total += sum / count;
  }
  return total / channels;
}

/** Normalised 1-D Gaussian of 2r + 1 taps. */
function gaussianWindow(r: number, sigma: number): Float64Array {
  const w = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = w.reduce((p, v) => p + v, 0);
  return w.map((v) => v / s);
}

/** Separable Gaussian blur, mirrored at the edges (scipy's 'reflect'); only the interior is used by ssim(). */
function blur(src: Float64Array, width: number, height: number): Float64Array {
  const mirror = (i: number, n: number) => (i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i);
  const tmp = new Float64Array(src.length);
  const out = new Float64Array(src.length);
  for (let r = 0; r < height; r++) {
    for (let q = 0; q < width; q++) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) s += WINDOW[k + RADIUS]! * src[r * width + mirror(q + k, width)]!;
      tmp[r * width + q] = s;
    }
  }
  for (let r = 0; r < height; r++) {
    for (let q = 0; q < width; q++) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) s += WINDOW[k + RADIUS]! * tmp[mirror(r + k, height) * width + q]!;
      out[r * width + q] = s;
    }
  }
  return out;
}
