/**
 * Latents at the public edge and the walks through them: checking a caller's Latents, and the frames of a linear
 * interpolation and of a one-dimension traversal (autoencoder/types.ts). Plain math on Float32Arrays, shared by the
 * browser and Node clients.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { MAX_BATCH } from '../image/model-input.js';
import { checkFloatBatch, looksLikeFloatBatch } from '../options/check-float-batch.js';
import { checkInteger, checkNumber } from '../options/check-values.js';
import type { Latents } from './types.js';

export { MAX_BATCH };

/** Numbers in one image's latent. */
export function latentSize(latentShape: readonly number[]): number {
  return latentShape.reduce((a, b) => a * b, 1);
}

/** Is `x` shaped like Latents (not yet checked)? */
export const looksLikeLatents = looksLikeFloatBatch as (x: unknown) => x is Latents;

/**
 * Checks caller-given latents against the model: `data` a Float32Array of finite numbers, `shape` [count,
 * ...latentShape] with count in [1, max] and data.length its product. Returns the count.
 */
export function checkLatents(latents: unknown, latentShape: readonly number[], parameter = 'latents', max = MAX_BATCH): number {
  return checkFloatBatch(latents, latentShape, parameter, max, 'latents', 'encode()');
}

/** The frame count of a walk (2 … MAX_BATCH, default `fallback`). */
export function checkFrames(frames: unknown, fallback: number): number {
  return frames === undefined ? fallback : checkInteger('frames', frames, 2, MAX_BATCH, ' (frames including both ends)');
}

/** `frames` latents from a to b (each one image's latent), evenly spaced, both ends included. */
export function lerpFrames(a: Float32Array, b: Float32Array, frames: number): Float32Array {
  const n = a.length;
  const out = new Float32Array(frames * n);
  for (let f = 0; f < frames; f++) {
    const t = f / (frames - 1);
    for (let i = 0; i < n; i++) out[f * n + i] = a[i]! + (b[i]! - a[i]!) * t;
  }
  return out;
}

/** Checks a traversal's dimension and range (see AutoencoderTraverseOptions). */
export function checkTraversal(dim: unknown, range: unknown, latentShape: readonly number[]): { dim: number; range: [number, number] } {
  const kind = latentShape.length === 1 ? 'a component of the flat latent' : 'a channel of the spatial latent';
  const d = checkInteger('dim', dim, 0, latentShape[0]! - 1, ` (${kind}; latentShape is ${JSON.stringify(latentShape)})`);
  if (range === undefined) return { dim: d, range: [-3, 3] };
  if (!Array.isArray(range) || range.length !== 2) throw new InvalidInputError('range', 'must be [from, to], two numbers like [-3, 3]', range);
  return { dim: d, range: [checkNumber('range[0]', range[0], -100, 100), checkNumber('range[1]', range[1], -100, 100)] };
}

/**
 * `frames` copies of one image's latent `z` with dimension `dim` swept over `range`: a flat latent's component set to
 * each value, a spatial latent's channel shifted by value / scalingFactor at every position.
 */
export function traverseFrames(z: Float32Array, latentShape: readonly number[], dim: number, range: readonly [number, number], frames: number, scalingFactor: number): Float32Array {
  const n = z.length;
  const out = new Float32Array(frames * n);
  const plane = latentShape.length === 1 ? 1 : n / latentShape[0]!;
  for (let f = 0; f < frames; f++) {
    const v = range[0] + ((range[1] - range[0]) * f) / (frames - 1);
    const frame = out.subarray(f * n, (f + 1) * n);
    frame.set(z);
    if (latentShape.length === 1) frame[dim] = v;
    else for (let p = 0; p < plane; p++) frame[dim * plane + p]! += v / scalingFactor;
  }
  return out;
}
