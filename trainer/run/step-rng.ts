import { Rng } from '../../sdk/random/rng.js';

/** All randomness of a step comes from (seed, step): a resumed run replays it exactly. */
export function stepRng(seed: number, step: number): Rng {
  return new Rng((seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0);
}
