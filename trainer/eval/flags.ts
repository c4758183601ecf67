/** Number-list flags shared by the eval commands; bad values are UsageErrors naming the flag. */
import { UsageError } from '../errors/usage-error.js';
import { checkGuidanceInterval } from '../../sdk/generation/denoise.js';
import { InvalidInputError } from '../../sdk/errors/invalid-input-error.js';
import { intFlag, isDecimal, numberFlag } from '../cli/number-flags.js';

export { intFlag, numberFlag };

/** A comma-separated list of integers ≥ 1. */
export function listFlag(name: string, raw: string): number[] {
  return raw.split(',').map((s) => intFlag(name, s.trim()));
}

/** A comma-separated list of DDIM η values in [0, 1]. */
export function etaListFlag(raw: string): number[] {
  return raw.split(',').map((s) => {
    // items may follow ', ' as in listFlag; each is still a plain decimal number
    const v = Number(s);
    if (!isDecimal(s.trim()) || !(v >= 0 && v <= 1)) throw new UsageError(`--eta values must be in [0, 1], got '${s}'`);
    return v;
  });
}

/** "LO,HI" → the guidance interval [lo, hi] (0 ≤ lo ≤ hi ≤ 1), checked by the sampler's own rule. */
export function intervalFlag(name: string, raw: string): [number, number] {
  const parts = raw.split(',').map((p) => (isDecimal(p.trim()) ? Number(p) : Number.NaN));
  try {
    return checkGuidanceInterval(parts);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw new UsageError(`--${name} must be LO,HI with 0 <= LO <= HI <= 1 (fractions of the training timesteps where guidance applies, e.g. 0.3,1), got '${raw}'`);
    }
    throw err;
  }
}
