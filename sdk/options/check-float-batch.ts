/**
 * A caller's batch of float rows at the public edge — an autoencoder's Latents, a CLIP model's Embeddings: `{ data:
 * Float32Array, shape: [count, ...rowShape] }` with count in [1, max], data.length their product, every number finite.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkInteger } from './check-values.js';

/** Is `x` shaped like such a batch (not yet checked; an RgbaImage, which has a width, is not)? */
export function looksLikeFloatBatch(x: unknown): x is { data: unknown; shape: unknown } {
  return typeof x === 'object' && x !== null && 'shape' in x && 'data' in x && !('width' in x);
}

/**
 * Checks `batch` against the model's row shape; returns the count. `noun` names the value in errors ('latents',
 * 'embeddings') and `source` the call that returns one ('encode()').
 */
export function checkFloatBatch(batch: unknown, rowShape: readonly number[], parameter: string, max: number, noun: string, source: string): number {
  const like = `{ data: Float32Array, shape: [count, ${rowShape.join(', ')}] } (what ${source} returns)`;
  if (!looksLikeFloatBatch(batch)) throw new InvalidInputError(parameter, `must be ${noun} ${like}`, batch);
  const { data, shape } = batch;
  if (!(data instanceof Float32Array)) throw new InvalidInputError(`${parameter}.data`, `must be a Float32Array; ${noun} are ${like}`, data);
  if (!Array.isArray(shape) || shape.length !== rowShape.length + 1 || rowShape.some((d, i) => shape[i + 1] !== d)) {
    throw new InvalidInputError(`${parameter}.shape`, `must be [count, ${rowShape.join(', ')}] for this model`, shape);
  }
  const count = checkInteger(`${parameter}.shape[0]`, shape[0], 1, max, ` (the number of ${noun})`);
  const n = count * rowShape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new InvalidInputError(`${parameter}.data`, `must hold count × ${rowShape.join(' × ')} = ${n} numbers for shape ${JSON.stringify(shape)}`, data);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[i]!)) throw new InvalidInputError(`${parameter}.data`, `must be finite numbers; index ${i} is ${data[i]}`);
  }
  return count;
}
