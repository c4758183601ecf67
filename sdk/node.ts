/**
 * The SDK for Node: the same API as the browser entry, run in-process on onnxruntime-node's native CPU provider
 * (no worker, no Cache API). `model` is a folder or manifest.json path (or file:/http(s): URL).
 *
 *   import { createGenerator } from 'webgen/node';
 *   const gen = await createGenerator({ model: 'models/mnist-ddim' });
 *   const [image] = await gen.sample({ classLabel: 7, seed: 1 });
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { gramHelper } from './fid/gram-helper.js';
import { setGramHelper } from './fid/stats.js';
import { setDefaultStatsWasm } from './fid/wasm.js';
import { DiffusionEngine } from './generator/engine.js';
import { DEFAULTS } from './generator/options.js';
/** The guidance scale a model's manifest asks for (its sampling defaults), else the SDK's (the trainer's calibration uses it). */
export { defaultGuidanceScale } from './generator/options.js';
import { setPngEncoder } from './image/png-encoder.js';
import { LocalGenerator } from './generator/local-generator.js';
import { openNodeModel } from './node-model.js';
import type { Generator, GeneratorOptions } from './types.js';

// The browser entry's exports that make sense in Node (no detectCapabilities or clearCache: no browser, no Cache API).
export { loadManifest } from './node-model.js';
export { GeneratedImage } from './image/generated-image.js';
export { MAX_IMAGE_PIXELS } from './image/image-input.js';
export { unknownPromptWords } from './text/unknown-words.js';
export { validateManifest } from './manifest/validate-manifest.js';
export { MANIFEST_SCHEMA_VERSION } from './manifest/types.js';
export { Rng } from './random/rng.js';
export { WebgenSdkError } from './errors/webgen-sdk-error.js';
export { InvalidInputError } from './errors/invalid-input-error.js';
export { PromptTooLongError } from './errors/prompt-too-long-error.js';
export { ModelLoadError } from './errors/model-load-error.js';
export { ManifestError } from './errors/manifest-error.js';
export { IntegrityError } from './errors/integrity-error.js';
export { BackendUnavailableError } from './errors/backend-unavailable-error.js';
export { AbortError } from './errors/abort-error.js';
export { ExtractorOutputError } from './errors/extractor-output-error.js';
export { StatsFormatError } from './errors/stats-format-error.js';
export { StatsWasmUnavailableError } from './errors/stats-wasm-unavailable-error.js';
export type { SchedulerName } from './schedulers/scheduler-names.js';
export { createGan } from './gan/create-gan-node.js';
export { slerp } from './gan/slerp.js';
export { psnr, ssim } from './metrics/image-quality.js';
export { createAutoencoder } from './autoencoder/create-autoencoder-node.js';
export { createClip } from './clip/create-clip-node.js';
export { createClassifier } from './classifier/create-classifier-node.js';
export { createTranslator } from './translator/create-translator-node.js';
export { heatColour, heatOverlay } from './explain/heat-overlay.js';
export { createFidScorer } from './fid/node-scorer.js';
export { setStatsWasm } from './fid/wasm.js';

// FID/KID's statistics module: in the installed package it sits beside this file (dist/webgen-stats.wasm); run from
// the repository's sources, fid/wasm.ts falls back to wasm/build/.
const packagedStats = new URL('./webgen-stats.wasm', import.meta.url);
if (existsSync(fileURLToPath(packagedStats))) setDefaultStatsWasm(packagedStats);
// the covariance accumulation's second thread (a worker_threads helper; FeatureAccumulator threads: 1 opts out)
setGramHelper(gramHelper);
// Node has no OffscreenCanvas: GeneratedImage.toBlob() encodes with pngjs.
setPngEncoder(async (rgba, width, height) => {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  return new Blob([new Uint8Array(PNG.sync.write(png))], { type: 'image/png' });
});
export type * from './types.js';
export type * from './gan/types.js';
export type * from './autoencoder/types.js';
export type * from './clip/types.js';
export type * from './classifier/types.js';
export type * from './translator/types.js';
export type { CreateFidScorerOptions, FidExtractorInfo, FidImages, FrechetOptions, FrechetResult, ImageBatch, ImageFidScorer, InceptionScore, InceptionScoreRequest, KidOptions, KidResult, Side as FidSide } from './fid/api-types.js';
export type { Manifest, ManifestFile, ManifestFileVariant, ManifestFileVariants, ManifestImage, ManifestSchedule, ManifestConditioning, ManifestTokenizer, ManifestAutoencoder, ManifestClip, ManifestTranslator, ModelKind, TensorSpec } from './manifest/types.js';

/** Node's createGenerator: `backend` may be 'auto' or omitted ('webgpu'/'wasm' are browser backends); `cache` is ignored; `precision` 'auto' is 'float32'. */
export async function createGenerator(options: GeneratorOptions): Promise<Generator> {
  const { loaded, runtime, ready, precision } = await openNodeModel(options, 'models/mnist-ddim');
  const engine = await DiffusionEngine.create(loaded.manifest, loaded.files, runtime, { maxBatch: DEFAULTS.maxBatchNode });
  ready();
  return new LocalGenerator(engine, precision);
}
