/**
 * createFidScorer's options, checked at the public edge (browser and Node alike): each failure is an InvalidInputError
 * quoting the option and the fix. Unknown option names are refused, so a typo is never silently ignored.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkInteger } from '../generator/options.js';
import { manifestUrlOf } from '../loader/model-url.js';
import type { Backend } from '../types.js';
import type { CreateFidScorerOptions, InceptionScoreRequest, Side } from './api-types.js';
import { checkOptionNames } from '../options/check-option-names.js';
import { FID_SCORER_OPTION_NAMES } from '../options/creation-option-names.js';
import { MAX_KID_SAMPLES } from './kid-limits.js';

/** Throws unless `options` is a valid CreateFidScorerOptions for an entry whose backends are `backends`. */
export function checkFidScorerOptions(options: unknown, backends: readonly Backend[]): CreateFidScorerOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidInputError('options', "must be an object like { extractor: '/models/mnist-classifier', reference: '/models/mnist-classifier/reference-stats.fidstats' }", options);
  }
  const o = options as CreateFidScorerOptions & Record<string, unknown>;
  checkOptionNames(o, FID_SCORER_OPTION_NAMES, 'createFidScorer()');
  if (!(typeof o.extractor === 'string' || o.extractor instanceof URL) || String(o.extractor).trim() === '') {
    throw new InvalidInputError('extractor', "must be the URL or path of a classifier model folder (e.g. '/models/mnist-classifier') or of a .onnx file", o.extractor);
  }
  const { reference, inception, outputName, inputShape, kidSamples, seed, backend, threads, cache, onProgress } = o;
  if (reference !== undefined && !(typeof reference === 'string' || reference instanceof URL || reference instanceof Uint8Array)) {
    throw new InvalidInputError('reference', 'must be the URL or path of a .fidstats file, or its bytes (Uint8Array)', reference);
  }
  if (inception !== undefined && typeof inception !== 'boolean') throw new InvalidInputError('inception', 'must be true or false', inception);
  if (outputName !== undefined && (typeof outputName !== 'string' || outputName === '')) throw new InvalidInputError('outputName', "must be the name of an extractor output, like 'features'", outputName);
  if (inputShape !== undefined && !(Array.isArray(inputShape) && inputShape.length === 3 && inputShape.every((d) => Number.isInteger(d) && d >= 1))) {
    throw new InvalidInputError('inputShape', 'must be [C, H, W], three positive integers', inputShape);
  }
  if (kidSamples !== undefined) checkInteger('kidSamples', kidSamples, 0, MAX_KID_SAMPLES);
  if (seed !== undefined) checkInteger('seed', seed, 0, 2 ** 32 - 1);
  if (backend !== undefined && !backends.includes(backend)) throw new InvalidInputError('backend', `must be one of ${backends.map((b) => `'${b}'`).join(', ')} here`, backend);
  if (threads !== undefined) checkInteger('threads', threads, 1, 256);
  if (cache !== undefined && typeof cache !== 'boolean') throw new InvalidInputError('cache', 'must be true or false', cache);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidInputError('onProgress', 'must be a function (event) => void', onProgress);
  return o;
}

/** Throws unless `side` is 'real' or 'fake'. */
export function checkSide(side: unknown): Side {
  if (side !== 'real' && side !== 'fake') throw new InvalidInputError('side', "must be 'real' or 'fake'", side);
  return side;
}

/** Saved statistics given as bytes. */
export function statsBytes(stats: unknown, parameter = 'stats'): Uint8Array {
  if (stats instanceof Uint8Array) return stats;
  if (stats instanceof ArrayBuffer) return new Uint8Array(stats);
  throw new InvalidInputError(parameter, 'must be the bytes of a .fidstats file (Uint8Array or ArrayBuffer), as saveStats() returns', stats);
}

/** The extractor's absolute URL: a .onnx file as it is, anything else a model folder's manifest.json. */
export function extractorUrlOf(extractor: string | URL, base: string | URL): URL {
  const url = new URL(String(extractor), base);
  return url.pathname.toLowerCase().endsWith('.onnx') ? url : manifestUrlOf(extractor, base);
}

/** inceptionScore()'s options, checked: an object with a valid side (splits is checked by the score itself). */
export function inceptionRequest(options: InceptionScoreRequest | undefined): InceptionScoreRequest {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidInputError('options', "of inceptionScore() must be an object like { side: 'fake', splits: 10 }", options);
  return { ...(options.side !== undefined && { side: checkSide(options.side) }), ...(options.splits !== undefined && { splits: options.splits }) };
}
