import type { PredictionType } from './types.js';

/**
 * From the network's output at x_t to the pair (x̂_0, ε̂) a step needs, for each prediction type
 * (a = √ᾱ_t, b = √(1 − ᾱ_t); x_t = a x_0 + b ε, v = a ε − b x_0):
 *   epsilon:      x̂_0 = (x_t − b ε̂) / a                          (DDPM Eq. 15; DDIM Eq. 12 "predicted x_0")
 *   sample:       ε̂   = (x_t − a x̂_0) / b
 *   v_prediction: x̂_0 = a x_t − b v̂,  ε̂ = a v̂ + b x_t          (Salimans & Ho 2022, Sec. 4)
 * ε̂ is derived before clipping, as in diffusers. Arrays are float64 so later stages lose nothing.
 */
export function predictOriginalAndNoise(
  predictionType: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProdT: number,
): { x0: Float64Array; eps: Float64Array } {
  const a = Math.sqrt(alphaProdT);
  const b = Math.sqrt(1 - alphaProdT);
  const n = sample.length;
  const x0 = new Float64Array(n);
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xt = sample[i]!;
    const m = modelOutput[i]!;
    switch (predictionType) {
      case 'epsilon':
        x0[i] = (xt - b * m) / a;
        eps[i] = m;
        break;
      case 'sample':
        x0[i] = m;
        eps[i] = (xt - a * m) / b;
        break;
      case 'v_prediction':
        x0[i] = a * xt - b * m;
        eps[i] = a * m + b * xt;
        break;
    }
  }
  return { x0, eps };
}

/** Clamps x̂_0 in place to [−range, range] (diffusers' `clip_sample`); returns whether any value moved. */
export function clipInPlace(x0: Float64Array, range: number): boolean {
  let clipped = false;
  for (let i = 0; i < x0.length; i++) {
    const v = x0[i]!;
    const c = Math.min(Math.max(v, -range), range);
    if (c !== v) {
      x0[i] = c;
      clipped = true;
    }
  }
  return clipped;
}
