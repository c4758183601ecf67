/**
 * Checking of `gan.generate()`'s and `gan.interpolate()`'s options at the public edge (before the call queues), and the
 * latents and classes they resolve to. Each failure is an InvalidInputError quoting the option and the fix; defaults as
 * gan/types.ts says.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkInteger, DEFAULTS, randomSeed, resolveClassLabels } from '../generator/options.js';
import type { Manifest } from '../manifest/types.js';
import { Rng } from '../random/rng.js';
import { truncatedNormalArray } from '../random/truncated-normal.js';
import { slerp } from './slerp.js';
import { checkOptionNames } from '../options/check-option-names.js';

const KEYS = ['latents', 'count', 'seed', 'classLabel', 'truncation', 'truncationPsi', 'signal'] as const;
const INTERPOLATE_KEYS = ['from', 'to', 'frames', 'classLabel', 'truncation', 'truncationPsi', 'signal'] as const;
const MIX_KEYS = ['coarse', 'fine', 'crossover', 'classLabel', 'truncation', 'truncationPsi', 'signal'] as const;
/** Largest truncationPsi: beyond 1 the trick extrapolates away from the mean w (more variety, more artefacts). */
const MAX_PSI = 2;
/** Smallest truncation threshold: below it a draw is redrawn ~25 times on average, and the images barely vary. */
const MIN_TRUNCATION = 0.05;
/** Frames of interpolate() when not given. */
export const DEFAULT_FRAMES = 8;

/** What one generate() call runs. */
export interface GanPlan {
  count: number;
  seed: number;
  /** [count, latentDim] */
  latents: Float32Array;
  /** One class id per image (conditional models), else undefined. */
  labels: Int32Array | undefined;
  signal: AbortSignal | undefined;
  /** A style-based generator's w-space truncation ψ (1 = none). */
  psi?: number;
  /** Style mixing: the second latents [count, latentDim] and, per image, the first layer drawn from them. */
  mix?: { latents: Float32Array; crossover: Int32Array };
}

/** Checks `options` against the model and resolves the latents (drawn from the seed when absent) and classes. */
export function resolveGanOptions(options: unknown, manifest: Manifest, latentDim: number): GanPlan {
  const o = checkKeys(options, 'generate', KEYS, '{ count: 4, seed: 1 }');
  const psi = checkPsi(o.truncationPsi, manifest);
  const max = DEFAULTS.maxBatch;
  const signal = checkSignal(o.signal);
  const seed = o.seed === undefined ? randomSeed() : checkInteger('seed', o.seed, 0, 2 ** 32 - 1);
  const truncation = checkTruncation(o.truncation);
  let count = o.count === undefined ? undefined : checkInteger('count', o.count, 1, max);
  let latents: Float32Array | undefined;
  if (o.latents !== undefined) {
    if (truncation !== undefined) throw new InvalidInputError('truncation', 'applies to latents drawn from the seed; with your own latents, truncate them yourself (or leave latents out)', truncation);
    latents = checkLatents(o.latents, 'latents', latentDim, count);
    count = latents.length / latentDim;
    if (count > max) throw new InvalidInputError('latents', `holds ${count} latents; at most ${max} per call (split it into several calls)`, o.latents);
  }
  count ??= DEFAULTS.batch;
  const rng = new Rng(seed);
  latents ??= draw(rng, count * latentDim, truncation);
  return { count, seed, latents, labels: resolveLabels(o.classLabel, manifest, count, rng), signal, ...(psi !== undefined && { psi }) };
}

/**
 * Checks mix()'s options (a style-based generator only) and resolves them: the coarse and the fine latent (seeds, as
 * generate({ seed, truncation }) draws them, or latents), one image per crossover layer (the first layer drawn with
 * the fine latent's w: 0 = all fine, styleLayers = all coarse), the class of `coarse` when it is a seed.
 */
export function resolveMix(options: unknown, manifest: Manifest, latentDim: number): GanPlan {
  const layers = manifest.latent?.styleLayers;
  if (layers === undefined) throw new InvalidInputError('mix', `needs a style-based generator (manifest latent.styleLayers): model '${manifest.name}' has one latent for every layer; use generate() or interpolate()`);
  if (options === undefined || options === null) throw new InvalidInputError('options', 'of mix() are required: { coarse, fine } with a seed or a latent each, e.g. { coarse: 1, fine: 2, crossover: [2, 4] }', options);
  const o = checkKeys(options, 'mix', MIX_KEYS, '{ coarse: 1, fine: 2, crossover: [2, 4] }');
  const signal = checkSignal(o.signal);
  const truncation = checkTruncation(o.truncation);
  const psi = checkPsi(o.truncationPsi, manifest);
  const crossovers = o.crossover === undefined ? [Math.floor(layers / 2)] : Array.isArray(o.crossover) ? o.crossover : [o.crossover];
  if (crossovers.length < 1 || crossovers.length > DEFAULTS.maxBatch) throw new InvalidInputError('crossover', `must be a layer or 1 … ${DEFAULTS.maxBatch} layers (one image each)`, o.crossover);
  const crossover = Int32Array.from(crossovers, (c, i) => checkInteger(Array.isArray(o.crossover) ? `crossover[${i}]` : 'crossover', c, 0, layers, ` (the first of the ${layers} layers drawn with 'fine': 0 = all fine, ${layers} = all coarse)`));
  const classes = manifest.conditioning?.classes;
  const a = resolveEnd(o, 'coarse', latentDim, truncation, classes);
  const b = resolveEnd(o, 'fine', latentDim, truncation, classes);
  const count = crossover.length;
  let labels: Int32Array | undefined;
  if (!classes || o.classLabel !== undefined) labels = resolveLabels(o.classLabel, manifest, count, undefined);
  else if (a.label !== undefined) labels = new Int32Array(count).fill(a.label);
  else throw new InvalidInputError('classLabel', `is required when 'coarse' is a latent: model '${manifest.name}' is class-conditional`);
  const latents = new Float32Array(count * latentDim);
  const second = new Float32Array(count * latentDim);
  for (let i = 0; i < count; i++) {
    latents.set(a.latent, i * latentDim);
    second.set(b.latent, i * latentDim);
  }
  const seed = typeof o.coarse === 'number' ? o.coarse : 0;
  return { count, seed, latents, labels, signal, mix: { latents: second, crossover }, ...(psi !== undefined && { psi }) };
}

/**
 * One end of a path or a mix, option `name`: a seed, standing for the first image generate({ seed, truncation }) draws
 * (its latent, and its class on a conditional model), or one Float32Array latent.
 */
function resolveEnd(o: Record<string, unknown>, name: string, latentDim: number, truncation: number | undefined, classes: readonly string[] | undefined): { latent: Float32Array; label?: number } {
  const v = o[name];
  if (v === undefined) throw new InvalidInputError(name, `is required: a seed (the first image generate({ seed }) draws) or a Float32Array latent of ${latentDim} numbers`);
  if (typeof v === 'number') {
    const rng = new Rng(checkInteger(name, v, 0, 2 ** 32 - 1, ' (a seed), or pass a Float32Array latent'));
    const latent = draw(rng, latentDim, truncation);
    return classes ? { latent, label: rng.int(classes.length) } : { latent };
  }
  return { latent: checkLatents(v, name, latentDim, 1) };
}

/** truncationPsi: a style-based generator's, a number in [0, MAX_PSI]. */
function checkPsi(value: unknown, manifest: Manifest): number | undefined {
  if (value === undefined) return undefined;
  if (manifest.latent?.styleLayers === undefined) {
    throw new InvalidInputError('truncationPsi', `works in the w-space of a style-based generator; model '${manifest.name}' has none: use truncation (resampling z beyond a threshold)`, value);
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_PSI) {
    throw new InvalidInputError('truncationPsi', `must be a number in [0, ${MAX_PSI}] (w = w_avg + ψ(w − w_avg): 1 = none, 0.7 typical, 0 = the average image)`, value);
  }
  return value;
}

/**
 * Checks interpolate()'s options and resolves the path: `frames` latents along the great circle from `from` to `to`
 * (ends included). A seed as an end stands for the first image generate({ seed, truncation }) draws, its class too.
 */
export function resolveInterpolation(options: unknown, manifest: Manifest, latentDim: number): GanPlan {
  if (options === undefined || options === null) throw new InvalidInputError('options', 'of interpolate() are required: { from, to } with a seed or a latent at each end, e.g. { from: 1, to: 2 }', options);
  const o = checkKeys(options, 'interpolate', INTERPOLATE_KEYS, '{ from: 1, to: 2, frames: 8 }');
  const signal = checkSignal(o.signal);
  const truncation = checkTruncation(o.truncation);
  const psi = checkPsi(o.truncationPsi, manifest);
  const frames = o.frames === undefined ? DEFAULT_FRAMES : checkInteger('frames', o.frames, 2, DEFAULTS.maxBatch);
  const classes = manifest.conditioning?.classes;
  const a = resolveEnd(o, 'from', latentDim, truncation, classes);
  const b = resolveEnd(o, 'to', latentDim, truncation, classes);
  let labels: Int32Array | undefined;
  if (!classes || o.classLabel !== undefined) labels = resolveLabels(o.classLabel, manifest, frames, undefined);
  else if (a.label !== undefined) labels = new Int32Array(frames).fill(a.label);
  else throw new InvalidInputError('classLabel', `is required when 'from' is a latent: model '${manifest.name}' is class-conditional (give one class, or one per frame)`);
  const latents = new Float32Array(frames * latentDim);
  for (let i = 0; i < frames; i++) latents.set(slerp(a.latent, b.latent, i / (frames - 1)), i * latentDim);
  const seed = typeof o.from === 'number' ? o.from : typeof o.to === 'number' ? o.to : 0;
  return { count: frames, seed, latents, labels, signal, ...(psi !== undefined && { psi }) };
}

function checkKeys(options: unknown, method: string, keys: readonly string[], example: string): Record<string, unknown> {
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw new InvalidInputError('options', `of ${method}() must be an object like ${example}`, options);
  }
  const o = (options ?? {}) as Record<string, unknown>;
  checkOptionNames(o, keys, `${method}()`);
  return o;
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean')) {
    throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
  }
  return signal as AbortSignal | undefined;
}

function checkTruncation(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < MIN_TRUNCATION) {
    throw new InvalidInputError('truncation', `must be a number ≥ ${MIN_TRUNCATION} (the largest |z| kept; 0.5 … 1 is typical, leave it out for plain normals)`, value);
  }
  return value;
}

const draw = (rng: Rng, n: number, truncation: number | undefined) => (truncation === undefined ? rng.normalArray(n) : truncatedNormalArray(rng, n, truncation));

function checkLatents(value: unknown, name: string, dim: number, count: number | undefined): Float32Array {
  const want = count === 1 && name !== 'latents' ? `${dim} numbers (one latent)` : count === undefined ? `count × ${dim} numbers (one latent of length ${dim} after another)` : `count × ${dim} = ${count * dim} numbers`;
  if (!(value instanceof Float32Array)) throw new InvalidInputError(name, `must be a Float32Array of ${want}`, value);
  if (value.length === 0 || value.length % dim !== 0 || (count !== undefined && value.length !== count * dim)) {
    throw new InvalidInputError(name, `must hold ${want}; its length is ${value.length}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i]!)) throw new InvalidInputError(`${name}[${i}]`, 'must be a finite number', value[i]);
  }
  return value;
}

/** `classLabel` (index, name or one per image) → class ids; the seed's draws when absent on a conditional model. */
function resolveLabels(value: unknown, manifest: Manifest, count: number, rng: Rng | undefined): Int32Array | undefined {
  const classes = manifest.conditioning?.classes;
  if (!classes) {
    if (value !== undefined) throw new InvalidInputError('classLabel', `is not accepted: model '${manifest.name}' is unconditional (it has no classes); leave it out`, value);
    return undefined;
  }
  if (value === undefined) return Int32Array.from({ length: count }, () => rng!.int(classes.length));
  return resolveClassLabels(value, manifest, count, rng ? 'count' : 'frames')!;
}
