import { InvalidInputError } from '../errors/invalid-input-error.js';

/**
 * The tail of a schedule that img2img runs (SDEdit, Meng et al. 2022): noise the input image to the first
 * returned timestep with `addNoise`, then denoise through the rest.
 * initSteps = min(⌊n · strength⌋, n); the result starts at timesteps[n − initSteps] (as diffusers' pipelines).
 * strength 0 returns no steps (the input is kept); 1 returns the whole schedule (the input only sets the noise seed's
 * starting point at the noisiest step).
 * @param timesteps the scheduler's current `timesteps` (descending), after `setTimesteps`.
 * @param strength how far to noise the input, in [0, 1].
 */
export function img2imgTimesteps(timesteps: Int32Array, strength: number): Int32Array {
  if (!(timesteps instanceof Int32Array)) {
    throw new InvalidInputError('timesteps', "must be a scheduler's Int32Array of timesteps", timesteps);
  }
  if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1)) {
    throw new InvalidInputError('strength', 'must be in [0, 1]', strength);
  }
  const n = timesteps.length;
  const initSteps = Math.min(Math.floor(n * strength), n);
  return timesteps.slice(n - initSteps);
}
