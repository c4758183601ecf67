import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkFloat32, checkSameLength, checkTrainTimestep } from './checks.js';
import type { Timesteps } from './types.js';

/**
 * The forward process, as the trainer and img2img need it (DDPM, Ho et al. 2020):
 *   x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε                 (Eq. 4, reparametrised)
 *   v   = √ᾱ_t ε − √(1 − ᾱ_t) x_0                 (Salimans & Ho 2022, Sec. 4: v ≡ α_t ε − σ_t x)
 * With a per-item timestep array `t` of length B, `x0` is read as [B, D]: item b uses t[b].
 */

/** √ᾱ_t and √(1 − ᾱ_t) per timestep: the two coefficients of Eq. 4, for a trainer that applies them itself. */
export interface NoiseCoefficients {
  /** √ᾱ_t, one per timestep. [B] */
  sqrtAlphaProd: Float32Array;
  /** √(1 − ᾱ_t), one per timestep. [B] */
  sqrtOneMinusAlphaProd: Float32Array;
}

/** The coefficients of Eq. 4 for each timestep in `t` (integers in [0, T−1]). */
export function noiseCoefficients(alphasCumprod: Float64Array, t: Timesteps): NoiseCoefficients {
  const ts = timestepList(t, alphasCumprod.length);
  const sqrtAlphaProd = new Float32Array(ts.length);
  const sqrtOneMinusAlphaProd = new Float32Array(ts.length);
  ts.forEach((step, b) => {
    sqrtAlphaProd[b] = Math.sqrt(alphasCumprod[step]!);
    sqrtOneMinusAlphaProd[b] = Math.sqrt(1 - alphasCumprod[step]!);
  });
  return { sqrtAlphaProd, sqrtOneMinusAlphaProd };
}

/** x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (Eq. 4). `t`: one timestep, or one per batch item. */
export function addNoise(alphasCumprod: Float64Array, x0: Float32Array, noise: Float32Array, t: Timesteps): Float32Array {
  // a·x_0 + b·ε
  return combine(alphasCumprod, x0, noise, t, 'x0', 'noise', (a, b, x, e) => a * x + b * e);
}

/** v = √ᾱ_t ε − √(1 − ᾱ_t) x_0, the `v_prediction` target. `t`: one timestep, or one per batch item. */
export function getVelocity(alphasCumprod: Float64Array, x0: Float32Array, noise: Float32Array, t: Timesteps): Float32Array {
  return combine(alphasCumprod, x0, noise, t, 'x0', 'noise', (a, b, x, e) => a * e - b * x);
}

function combine(
  alphasCumprod: Float64Array,
  x0: Float32Array,
  noise: Float32Array,
  t: Timesteps,
  xName: string,
  noiseName: string,
  f: (sqrtAlphaProd: number, sqrtOneMinusAlphaProd: number, x: number, eps: number) => number,
): Float32Array {
  checkFloat32(xName, x0);
  checkSameLength(noiseName, noise, x0.length, xName);
  const ts = timestepList(t, alphasCumprod.length);
  if (x0.length % ts.length !== 0) {
    throw new InvalidInputError(
      't',
      `must hold one timestep per batch item: its length must divide the length of '${xName}' (${x0.length})`,
      t,
    );
  }
  const itemSize = x0.length / ts.length; // x0: [B, itemSize]
  const out = new Float32Array(x0.length);
  ts.forEach((step, b) => {
    const a = Math.sqrt(alphasCumprod[step]!);
    const s = Math.sqrt(1 - alphasCumprod[step]!);
    for (let i = b * itemSize; i < (b + 1) * itemSize; i++) out[i] = f(a, s, x0[i]!, noise[i]!);
  });
  return out;
}

function timestepList(t: Timesteps, numTrainTimesteps: number): number[] {
  if (typeof t === 'number') {
    checkTrainTimestep('t', t, numTrainTimesteps);
    return [t];
  }
  if (t === null || typeof t !== 'object' || typeof t.length !== 'number' || t.length === 0) {
    throw new InvalidInputError('t', 'must be a timestep or a non-empty array of timesteps', t);
  }
  const ts = Array.from(t);
  ts.forEach((step, b) => checkTrainTimestep(`t[${b}]`, step, numTrainTimesteps));
  return ts;
}
