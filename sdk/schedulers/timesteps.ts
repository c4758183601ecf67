import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { TimestepSpacing } from './types.js';

/** Options of `spacedTimesteps`; see `SchedulerConfig` for their meaning. */
export interface SpacingOptions {
  numTrainTimesteps: number;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
}

/**
 * The descending inference schedule `setTimesteps(n)` uses, computed as diffusers' DDIM/DDPM `set_timesteps`
 * does (numpy float64 arithmetic, round half to even), with one exception: under `'trailing'`, numpy's
 * `arange(T, 0, −T/n)` sometimes yields an (n+1)-th value that becomes timestep −1 (e.g. T = 1000, n = 61);
 * we return exactly n values, the first n of diffusers'.
 */
export function spacedTimesteps(numInferenceSteps: number, options: SpacingOptions): Int32Array {
  const { numTrainTimesteps: T, timestepSpacing, stepsOffset } = options;
  const n = numInferenceSteps;
  if (!Number.isInteger(n) || n < 1 || n > T) {
    throw new InvalidInputError(
      'numInferenceSteps',
      `must be an integer in [1, ${T}] (at most numTrainTimesteps, the steps the model was trained with)`,
      n,
    );
  }
  const out = new Int32Array(n);
  switch (timestepSpacing) {
    case 'leading': {
      // k·⌊T/n⌋ for k = n−1 … 0, shifted by stepsOffset.
      const ratio = Math.floor(T / n);
      for (let i = 0; i < n; i++) out[i] = (n - 1 - i) * ratio + stepsOffset;
      break;
    }
    case 'trailing': {
      // numpy.arange(T, 0, −T/n) fills start + i·d with d = (start + step) − start; then round, minus 1.
      const d = T + -(T / n) - T;
      for (let i = 0; i < n; i++) out[i] = roundHalfEven(T + i * d) - 1;
      break;
    }
    case 'linspace': {
      // numpy.linspace(0, T−1, n).round(), reversed; linspace puts its last value exactly at T−1.
      const step = n > 1 ? (T - 1) / (n - 1) : 0;
      for (let i = 0; i < n; i++) {
        const k = n - 1 - i;
        out[i] = n > 1 && k === n - 1 ? T - 1 : roundHalfEven(k * step);
      }
      break;
    }
    default:
      throw new InvalidInputError(
        'config.timestepSpacing',
        "must be one of 'leading', 'trailing', 'linspace'",
        timestepSpacing,
      );
  }
  if (out[0]! > T - 1) {
    throw new InvalidInputError(
      'config.stepsOffset',
      `puts the first of ${n} timesteps at ${out[0]}, past the last training step ${T - 1}; lower it`,
      stepsOffset,
    );
  }
  return out;
}

/** numpy.round: to the nearest integer, ties to even (2.5 → 2, 3.5 → 4), unlike Math.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
