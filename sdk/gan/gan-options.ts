/**
 * Checking of `gan.generate()`'s options at the public edge (before the call queues), and the latents and classes
 * they resolve to. Each failure is an InvalidInputError quoting the option and the fix; defaults as gan/types.ts says.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkInteger, DEFAULTS, randomSeed, resolveClassLabels } from '../generator/options.js';
import type { Manifest } from '../manifest/types.js';
import { Rng } from '../random/rng.js';

const KEYS = ['latents', 'count', 'seed', 'classLabel', 'signal'] as const;

/** What one generate() call runs. */
export interface GanPlan {
  count: number;
  seed: number;
  /** [count, latentDim] */
  latents: Float32Array;
  /** One class id per image (conditional models), else undefined. */
  labels: Int32Array | undefined;
  signal: AbortSignal | undefined;
}

/** Checks `options` against the model and resolves the latents (drawn from the seed when absent) and classes. */
export function resolveGanOptions(options: unknown, manifest: Manifest, latentDim: number): GanPlan {
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw new InvalidInputError('options', 'of generate() must be an object like { count: 4, seed: 1 }', options);
  }
  const o = (options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (o[key] !== undefined && !(KEYS as readonly string[]).includes(key)) throw new InvalidInputError(key, `is not an option of generate(); it accepts ${KEYS.join(', ')}`);
  }
  const max = DEFAULTS.maxBatch;
  const signal = o.signal as AbortSignal | undefined;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
  }
  const seed = o.seed === undefined ? randomSeed() : checkInteger('seed', o.seed, 0, 2 ** 32 - 1);
  let count = o.count === undefined ? undefined : checkInteger('count', o.count, 1, max);
  let latents: Float32Array | undefined;
  if (o.latents !== undefined) {
    latents = checkLatents(o.latents, latentDim, count);
    count = latents.length / latentDim;
    if (count > max) throw new InvalidInputError('latents', `holds ${count} latents; at most ${max} per call (split it into several calls)`, o.latents);
  }
  count ??= DEFAULTS.batch;
  const rng = new Rng(seed);
  latents ??= rng.normalArray(count * latentDim);
  return { count, seed, latents, labels: resolveLabels(o.classLabel, manifest, count, rng), signal };
}

function checkLatents(value: unknown, dim: number, count: number | undefined): Float32Array {
  const want = count === undefined ? `count × ${dim} numbers (one latent of length ${dim} after another)` : `count × ${dim} = ${count * dim} numbers`;
  if (!(value instanceof Float32Array)) throw new InvalidInputError('latents', `must be a Float32Array of ${want}`, value);
  if (value.length === 0 || value.length % dim !== 0 || (count !== undefined && value.length !== count * dim)) {
    throw new InvalidInputError('latents', `must hold ${want}; its length is ${value.length}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i]!)) throw new InvalidInputError(`latents[${i}]`, 'must be a finite number', value[i]);
  }
  return value;
}

/** `classLabel` (index, name or one per image) → class ids; the seed's draws when absent on a conditional model. */
function resolveLabels(value: unknown, manifest: Manifest, count: number, rng: Rng): Int32Array | undefined {
  const classes = manifest.conditioning?.classes;
  if (!classes) {
    if (value !== undefined) throw new InvalidInputError('classLabel', `is not accepted: model '${manifest.name}' is unconditional (it has no classes); leave it out`, value);
    return undefined;
  }
  if (value === undefined) return Int32Array.from({ length: count }, () => rng.int(classes.length));
  return resolveClassLabels(value, manifest, count, 'count')!;
}
