/** Checks of single option values at the public edge (generators, GANs, FID), each an InvalidInputError naming the option. */
import { InvalidInputError } from '../errors/invalid-input-error.js';

export function checkInteger(parameter: string, value: unknown, min: number, max: number, hint = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(parameter, `must be an integer in [${min}, ${max}]${hint}`, value);
  }
  return value;
}

export function checkNumber(parameter: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidInputError(parameter, `must be a number in [${min}, ${max}]`, value);
  }
  return value;
}
