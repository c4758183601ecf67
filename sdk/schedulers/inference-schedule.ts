import { InvalidInputError } from '../errors/invalid-input-error.js';
import { spacedTimesteps, type SpacingOptions } from './timesteps.js';

/**
 * The descending list of timesteps a sampler visits, and for each its successor ("previous" in diffusion time).
 * Successors come from the list itself rather than diffusers' `t − ⌊T/n⌋`: the two agree for `'leading'` and for
 * `'trailing'` when n divides T; for `'linspace'` (and `'trailing'` otherwise) diffusers' rule lands between the
 * listed steps, which the models never see at sampling time, so we follow the list.
 */
export class InferenceSchedule {
  /** The schedule, descending. */
  readonly timesteps: Int32Array;
  private readonly indexOf: Map<number, number>;

  private constructor(timesteps: Int32Array) {
    this.timesteps = timesteps;
    this.indexOf = new Map(Array.from(timesteps, (t, i) => [t, i]));
  }

  /** T−1, T−2, …, 0: the full chain a scheduler starts with, before `setTimesteps`. */
  static full(numTrainTimesteps: number): InferenceSchedule {
    return new InferenceSchedule(Int32Array.from({ length: numTrainTimesteps }, (_, i) => numTrainTimesteps - 1 - i));
  }

  /** n timesteps picked per the spacing options. */
  static spaced(numInferenceSteps: number, options: SpacingOptions): InferenceSchedule {
    return new InferenceSchedule(spacedTimesteps(numInferenceSteps, options));
  }

  /** The timestep before `t` in the list (the noisier one the sampler visited last), or −1 for the first; throws if `t` is not in the list. */
  before(t: number): number {
    const i = this.position(t);
    return i > 0 ? this.timesteps[i - 1]! : -1;
  }

  /** The timestep after `t` in the list, or −1 after the last; throws if `t` is not in the list. */
  previous(t: number): number {
    const i = this.position(t);
    return i + 1 < this.timesteps.length ? this.timesteps[i + 1]! : -1;
  }

  private position(t: number): number {
    const i = this.indexOf.get(t);
    if (i === undefined) {
      throw new InvalidInputError(
        't',
        `must be one of the scheduler's current timesteps (${describe(this.timesteps)}); call setTimesteps first`,
        t,
      );
    }
    return i;
  }
}

function describe(ts: Int32Array): string {
  const n = ts.length;
  return n <= 6 ? Array.from(ts).join(', ') : `${ts[0]}, ${ts[1]}, ${ts[2]}, …, ${ts[n - 1]} (${n} steps)`;
}
