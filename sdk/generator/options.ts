/**
 * Checking of the generation options at the public edge (the engine calls these before any work, in the worker or in
 * Node). Each failure is an InvalidInputError quoting the option and the fix; each default is the one types.ts states.
 */
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/scheduler-names.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkGuidanceInterval } from '../generation/denoise.js';
import type { Manifest } from '../manifest/types.js';
import type { CommonOptions } from '../types.js';
import { checkOptionNames } from '../options/check-option-names.js';
import { CREATION_ONLY } from '../options/creation-option-names.js';
import { checkInteger, checkNumber } from '../options/check-values.js';

export { checkInteger, checkNumber };

/** Defaults of the options (types.ts documents them). */
export const DEFAULTS = Object.freeze({
  steps: 20,
  eta: 0,
  batch: 1,
  guidanceScale: 2,
  strength: 0.6,
  maxBatch: 64,
  /** Node's sample() batch limit (no browser memory to protect; eval draws 100 at a time). */
  maxBatchNode: 1024,
  maxGuidanceScale: 50,
});

/** The common options, checked, defaults filled in. */
export interface ResolvedCommon {
  /** 'ddim' (default), 'ddpm' (ancestral sampling, η = 1) or 'dpm-solver++' (DPM-Solver++(2M), η = 0). */
  scheduler: SchedulerName;
  steps: number;
  eta: number;
  seed: number;
  /** The scale the caller asked for, or undefined (the method decides from conditioning). */
  guidanceScale: number | undefined;
  /** [lo, hi] fractions of the training timesteps where guidance applies; default [0, 1]. */
  guidanceInterval: [number, number];
  signal: AbortSignal | undefined;
  onStep: CommonOptions['onStep'];
}

const COMMON_KEYS = ['scheduler', 'steps', 'eta', 'seed', 'guidanceScale', 'guidanceInterval', 'signal', 'onStep'] as const;

/** The option names each method accepts (unknown names are an error: a typo must not be silently ignored). */
export const METHOD_KEYS = {
  sample: [...COMMON_KEYS, 'batch', 'classLabel', 'prompt', 'negativePrompt', 'initialNoise'],
  textToImage: [...COMMON_KEYS, 'prompt', 'negativePrompt', 'attentionMaps'],
  img2img: [...COMMON_KEYS, 'image', 'strength', 'prompt', 'classLabel'],
} as const;

/** Throws unless `options` is undefined or a plain object whose keys `method` accepts. */
export function checkOptionKeys(method: keyof typeof METHOD_KEYS, options: unknown): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new InvalidInputError('options', `of ${method}() must be an object like { steps: 20 }`, options);
  checkOptionNames(options, METHOD_KEYS[method], `${method}()`, CREATION_ONLY);
  return options as Record<string, unknown>;
}

/** A new random seed in [0, 2^32). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/** The guidance scale of a conditioned call that gives none: the model's own (manifest `sampling`), else the SDK's. */
export function defaultGuidanceScale(manifest: Manifest): number {
  return manifest.sampling?.guidanceScale ?? DEFAULTS.guidanceScale;
}

/** Checks the options every method shares against the model's manifest (whose `sampling` supplies defaults). */
export function resolveCommon(o: Record<string, unknown>, manifest: Manifest): ResolvedCommon {
  const T = manifest.schedule!.trainSteps;
  const steps = o.steps === undefined ? (manifest.sampling?.steps ?? Math.min(DEFAULTS.steps, T)) : checkInteger('steps', o.steps, 1, T, " (the model's training timesteps)");
  if (o.scheduler !== undefined && !SCHEDULER_NAMES.includes(o.scheduler as SchedulerName)) throw new InvalidInputError('scheduler', `must be one of ${SCHEDULER_NAMES.map((n) => `'${n}'`).join(', ')}`, o.scheduler);
  const scheduler = (o.scheduler as SchedulerName | undefined) ?? 'ddim';
  const eta = o.eta === undefined ? (scheduler === 'ddpm' ? 1 : DEFAULTS.eta) : checkNumber('eta', o.eta, 0, 1);
  if (scheduler === 'ddpm' && eta !== 1) throw new InvalidInputError('eta', "must be 1 (or left out) with scheduler 'ddpm', which always draws fresh noise; use scheduler 'ddim' for other η", o.eta);
  if (scheduler === 'dpm-solver++' && eta !== 0) throw new InvalidInputError('eta', "must be 0 (or left out) with scheduler 'dpm-solver++', a deterministic ODE solver; use scheduler 'ddim' for η > 0", o.eta);
  const seed = o.seed === undefined ? randomSeed() : checkInteger('seed', o.seed, 0, 2 ** 32 - 1);
  const guidanceScale = o.guidanceScale === undefined ? undefined : checkNumber('guidanceScale', o.guidanceScale, 0, DEFAULTS.maxGuidanceScale);
  const guidanceInterval = o.guidanceInterval === undefined ? (manifest.sampling?.guidanceInterval ?? [0, 1]) : checkGuidanceInterval(o.guidanceInterval);
  checkStudentOptions(o, manifest, steps, scheduler, guidanceScale);
  const signal = o.signal as AbortSignal | undefined;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
  }
  const onStep = o.onStep as CommonOptions['onStep'];
  if (onStep !== undefined && typeof onStep !== 'function') throw new InvalidInputError('onStep', 'must be a function ({ step, total, timestep, preview }) => void', onStep);
  return { scheduler, steps, eta, seed, guidanceScale, guidanceInterval, signal, onStep };
}

/**
 * A distilled student (manifest sampling.supportedSteps / guidanceRange) runs only the step counts it learned, with the
 * DDIM sampler it learned to take big steps of, at guidance scales inside its range and no guidance interval of the
 * caller's (its teacher's is distilled in). Anything else is an InvalidInputError naming what it supports.
 */
function checkStudentOptions(o: Record<string, unknown>, manifest: Manifest, steps: number, scheduler: SchedulerName, guidanceScale: number | undefined): void {
  const s = manifest.sampling;
  const supported = s?.supportedSteps;
  const who = `model '${manifest.name}' is a distilled student`;
  if (supported && !supported.includes(steps)) {
    throw new InvalidInputError('steps', `must be ${supported.length === 1 ? supported[0] : `one of ${supported.join(', ')}`}: ${who} and draws only with the step counts it was distilled for (sampling.supportedSteps)`, steps);
  }
  if (supported && scheduler !== 'ddim') {
    throw new InvalidInputError('scheduler', `must be 'ddim' (or left out): ${who} and learned DDIM's steps`, scheduler);
  }
  const range = s?.guidanceRange;
  if (range && guidanceScale !== undefined && !(guidanceScale >= range[0] && guidanceScale <= range[1])) {
    throw new InvalidInputError('guidanceScale', `must be in [${range[0]}, ${range[1]}]: ${who} with guidance as an input, distilled for that range`, guidanceScale);
  }
  if (range && o.guidanceInterval !== undefined) {
    throw new InvalidInputError('guidanceInterval', `is not accepted: ${who} whose teacher's guidance interval is distilled in; leave it out`, o.guidanceInterval);
  }
}

/**
 * `classLabel` (an index, a class name, or one per image) → class ids, one per image of the batch; undefined when
 * not given. Throws when the model has no classes, a name is unknown, or an index is out of range.
 */
export function resolveClassLabels(value: unknown, manifest: Manifest, batch: number, batchName = 'batch'): Int32Array | undefined {
  if (value === undefined) return undefined;
  const classes = manifest.conditioning?.classes;
  if (!classes) {
    const hint = manifest.conditioning?.tokenizer ? '; it is text-conditioned: pass a prompt' : '';
    throw new InvalidInputError('classLabel', `is not accepted: model '${manifest.name}' is not class-conditional${hint}`, value);
  }
  const list = Array.isArray(value) ? value : Array.from({ length: batch }, () => value);
  if (list.length !== batch) throw new InvalidInputError('classLabel', `must have one entry per image (${batchName} = ${batch}), or be a single class`, value);
  return Int32Array.from(list, (c, i) => {
    const at = Array.isArray(value) ? `classLabel[${i}]` : 'classLabel';
    if (typeof c === 'string') {
      const id = classes.indexOf(c);
      if (id < 0) throw new InvalidInputError(at, `must be a class of model '${manifest.name}': ${classes.map((n) => JSON.stringify(n)).join(', ')} (or an index 0 … ${classes.length - 1})`, c);
      return id;
    }
    return checkInteger(at, c, 0, classes.length - 1, ` (a class index of '${manifest.name}', or a class name)`);
  });
}

/** Checks that `value`, when given, is a string (prompts). */
export function checkString(parameter: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(parameter, 'must be a string', value);
  return value;
}

/**
 * sample()'s `initialNoise`: a Float32Array of `size` finite values (batch × the U-Net's sample size), or undefined
 * when not given. A copy, so the caller's array may change while the call waits in the queue.
 */
export function checkInitialNoise(value: unknown, size: number, batch: number): Float32Array | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Float32Array)) throw new InvalidInputError('initialNoise', `must be a Float32Array of ${size} values (batch ${batch} × the model's sample size)`, value);
  if (value.length !== size) throw new InvalidInputError('initialNoise', `must have ${size} values (batch ${batch} × the model's sample size), got ${value.length}`);
  const bad = value.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InvalidInputError(`initialNoise[${bad}]`, 'must be a finite number', value[bad]);
  return Float32Array.from(value);
}
