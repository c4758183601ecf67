/**
 * The option names each creation function accepts, kept equal to the public option types by the compiler (a field
 * added to GeneratorOptions without being listed here is a type error), and the names that belong elsewhere, with
 * where they go: `createGenerator({ signal })` says the signal is a per-call option instead of being ignored.
 */
import type { CreateFidScorerOptions } from '../fid/api-types.js';
import type { AutoencoderOptions } from '../autoencoder/types.js';
import type { ClassifierOptions } from '../classifier/types.js';
import type { ClipOptions } from '../clip/types.js';
import type { GanOptions } from '../gan/types.js';
import type { TranslatorOptions } from '../translator/types.js';
import type { GeneratorOptions } from '../types.js';

/** Compile-time check that `names` lists every key of T (and, by `satisfies`, nothing else). */
type Lists<T, N extends readonly (keyof T)[]> = Exclude<keyof T, N[number]> extends never ? N : never;

const generatorNames = ['model', 'manifest', 'backend', 'threads', 'cache', 'precision', 'onProgress', 'assetsUrl'] as const satisfies readonly (keyof GeneratorOptions)[];
const ganNames = [...generatorNames, 'signal'] as const satisfies readonly (keyof GanOptions)[];

/** createGenerator's options (browser and Node; Node ignores `cache` and `assetsUrl`, so one object serves both). */
export const GENERATOR_OPTION_NAMES: Lists<GeneratorOptions, typeof generatorNames> = generatorNames;
/** createGan's options: createGenerator's and `signal`. */
export const GAN_OPTION_NAMES: Lists<GanOptions, typeof ganNames> = ganNames;
/** createAutoencoder's options: the same as createGan's. */
export const AUTOENCODER_OPTION_NAMES: Lists<AutoencoderOptions, typeof ganNames> = ganNames;
/** createClip's options: the same as createGan's. */
export const CLIP_OPTION_NAMES: Lists<ClipOptions, typeof ganNames> = ganNames;
/** createClassifier's options: the same as createGan's. */
export const CLASSIFIER_OPTION_NAMES: Lists<ClassifierOptions, typeof ganNames> = ganNames;
/** createTranslator's options: the same as createGan's. */
export const TRANSLATOR_OPTION_NAMES: Lists<TranslatorOptions, typeof ganNames> = ganNames;

const fidScorerNames = ['extractor', 'reference', 'inception', 'outputName', 'inputShape', 'kidSamples', 'seed', 'backend', 'threads', 'cache', 'onProgress', 'assetsUrl'] as const satisfies readonly (keyof CreateFidScorerOptions)[];
/** createFidScorer's options (browser and Node). */
export const FID_SCORER_OPTION_NAMES: Lists<CreateFidScorerOptions, typeof fidScorerNames> = fidScorerNames;

/** Per-call option names, explained when given to creation function `callee` whose objects have the methods `calls`. */
export function callOnlyHints(callee: string, calls: string): Readonly<Record<string, string>> {
  const names = ['signal', 'onStep', 'steps', 'seed', 'batch', 'count', 'classLabel', 'prompt', 'negativePrompt', 'guidanceScale', 'scheduler', 'eta', 'image', 'strength', 'latents', 'truncation', 'images', 'from', 'to', 'frames', 'dim', 'range', 'texts', 'prompts', 'labels', 'template', 'top'];
  return Object.fromEntries(names.map((n) => [n, `it is an option of each call (${calls}), not of ${callee}: pass it there`]));
}

/** Creation option names, explained when given to a call of an object that `creator` made ('createClip()'). */
export function creationOnlyHints(creator: string): Readonly<Record<string, string>> {
  return Object.fromEntries(generatorNames.map((n) => [n, `it is an option of ${creator}, where the model is loaded, not of each call`]));
}

/** Creation option names, explained when given to a generator's call. */
export const CREATION_ONLY = creationOnlyHints('createGenerator()');
