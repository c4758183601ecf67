import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { BetaSchedule } from './types.js';

/**
 * Noise schedules: β_t, α_t = 1 − β_t and ᾱ_t = ∏_{s≤t} α_s for t = 0 … T−1, in float64.
 * (diffusers builds the linear ones in float32; ours differ from it by float32 rounding only, ~1e-7 relative.)
 */

/** The three arrays a scheduler works from, each of length T. */
/** The clip on each β_t of the cosine schedule (Nichol & Dhariwal 2021; diffusers' squaredcos_cap_v2). */
export const COSINE_MAX_BETA = 0.999;

export interface NoiseSchedule {
  /** β_t. */
  betas: Float64Array;
  /** α_t = 1 − β_t. */
  alphas: Float64Array;
  /** ᾱ_t = ∏_{s≤t} α_s, decreasing from α_0 towards 0. */
  alphasCumprod: Float64Array;
}

/** Options of `makeBetas`; see `SchedulerConfig` for each field's meaning and default. */
export interface BetaOptions {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  trainedBetas?: ArrayLike<number>;
}

/** β_t for t = 0 … T−1 from a schedule name (or the explicit `trainedBetas`). */
export function makeBetas(options: BetaOptions): Float64Array {
  const { numTrainTimesteps: T, betaStart, betaEnd, betaSchedule, trainedBetas } = options;
  if (trainedBetas !== undefined) {
    if (trainedBetas.length !== T) {
      throw new InvalidInputError('config.trainedBetas', `must have numTrainTimesteps = ${T} values`, trainedBetas);
    }
    const betas = Float64Array.from(trainedBetas);
    const bad = betas.findIndex((b) => !(b > 0 && b < 1));
    if (bad >= 0) {
      throw new InvalidInputError(`config.trainedBetas[${bad}]`, 'must be in (0, 1)', betas[bad]);
    }
    return betas;
  }
  switch (betaSchedule) {
    case 'linear':
      return linspace(betaStart, betaEnd, T);
    case 'scaled_linear':
      return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), T).map((s) => s * s);
    case 'squaredcos_cap_v2':
      return betasForAlphaBar(T, cosineAlphaBar, COSINE_MAX_BETA);
    default:
      throw new InvalidInputError(
        'config.betaSchedule',
        "must be one of 'linear', 'scaled_linear', 'squaredcos_cap_v2'",
        betaSchedule,
      );
  }
}

/**
 * ᾱ(τ) of the cosine schedule, τ = t/T ∈ [0, 1] (Nichol & Dhariwal 2021, Eq. 17, offset s = 0.008):
 * f(τ) = cos²(((τ + s) / (1 + s)) · π/2). Eq. 17 divides by f(0); `betasForAlphaBar` only uses ratios, so it need not.
 */
export function cosineAlphaBar(tau: number): number {
  const s = 0.008;
  return Math.cos(((tau + s) / (1 + s)) * (Math.PI / 2)) ** 2;
}

/**
 * Discretises a continuous ᾱ(τ): β_t = min(1 − ᾱ((t+1)/T) / ᾱ(t/T), maxBeta) (Nichol & Dhariwal 2021, Sec. 3.2;
 * the cap "prevents singularities near t = T").
 */
export function betasForAlphaBar(
  numTrainTimesteps: number,
  alphaBar: (tau: number) => number,
  /** Upper bound on each β_t. Default 0.999, as in the paper. */
  maxBeta = 0.999,
): Float64Array {
  const betas = new Float64Array(numTrainTimesteps);
  for (let i = 0; i < numTrainTimesteps; i++) {
    const t1 = i / numTrainTimesteps;
    const t2 = (i + 1) / numTrainTimesteps;
    betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), maxBeta);
  }
  return betas;
}

/** α_t and ᾱ_t from β_t. */
export function scheduleFromBetas(betas: Float64Array): NoiseSchedule {
  const alphas = betas.map((b) => 1 - b);
  const alphasCumprod = new Float64Array(alphas.length);
  let product = 1;
  for (let t = 0; t < alphas.length; t++) {
    product *= alphas[t]!;
    alphasCumprod[t] = product;
  }
  return { betas, alphas, alphasCumprod };
}

/** β_t, α_t and ᾱ_t of a schedule. */
export function makeNoiseSchedule(options: BetaOptions): NoiseSchedule {
  return scheduleFromBetas(makeBetas(options));
}

/** numpy.linspace(start, stop, n): start + i·step, the last value exactly `stop`. */
function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  if (n > 1) out[n - 1] = stop;
  else out[0] = start;
  return out;
}
