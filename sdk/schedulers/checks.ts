import { InvalidInputError } from '../errors/invalid-input-error.js';

/** Light checks shared by the schedulers' public methods; each throws `InvalidInputError` naming the argument. */

export function checkFloat32(parameter: string, value: unknown): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new InvalidInputError(parameter, 'must be a Float32Array', value);
  }
}

/** `value` is a Float32Array with exactly `length` elements (the length of `sample` / `x0`). */
export function checkSameLength(parameter: string, value: unknown, length: number, reference: string): void {
  checkFloat32(parameter, value);
  if (value.length !== length) {
    throw new InvalidInputError(parameter, `must have the length of '${reference}' (${length})`, value);
  }
}

/** An integer training timestep in [0, T−1]. */
export function checkTrainTimestep(parameter: string, t: unknown, numTrainTimesteps: number): asserts t is number {
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= numTrainTimesteps) {
    throw new InvalidInputError(parameter, `must be an integer in [0, ${numTrainTimesteps - 1}]`, t);
  }
}
