/**
 * FID and KID: feature statistics in webgen's WebAssembly module, scores that agree with pytorch-fid
 * (FID) and clean-fid (KID). Environment-neutral: runs in a browser worker or in Node; onnxruntime is
 * passed in, never imported. See docs/fid.md.
 *
 *   const scorer = await FidScorer.create({ extractor: createOnnxExtractor({ session, Tensor: ort.Tensor, inputShape: [1, 32, 32] }), reference });
 *   await scorer.addFake(images);            // NCHW float32 in [-1, 1], any number of batches
 *   const { fid } = await scorer.fid();
 */
export { FidScorer, type FidScorerOptions, type Side } from './scorer.js';
export { createOnnxExtractor, checkImages, type FeatureExtractor, type ImageBatch, type OnnxExtractorOptions, type OrtSessionLike, type OrtTensorConstructor } from './extractor.js';
export { frechetDistance, traceSqrtProduct, type FrechetOptions, type FrechetResult, type TraceSqrt } from './frechet.js';
export { kernelDistance, kernelDistanceOnSubsets, type KidOptions, type KidResult, type KidSubset } from './kid.js';
export { FeatureAccumulator, featureStats, type FeatureStats } from './stats.js';
export { encodeStats, decodeStats, isStatsFile, type SavedStats } from './stats-file.js';
export { parseNpy, encodeNpy, type NpyMatrix } from './npy.js';
export { inceptionPreprocess, resizeBilinearNchw } from './preprocess.js';
export { setStatsWasm } from './wasm.js';
export { StatsWasmUnavailableError } from '../errors/stats-wasm-unavailable-error.js';
export { ExtractorOutputError } from '../errors/extractor-output-error.js';
export { StatsFormatError } from '../errors/stats-format-error.js';
