/**
 * webgen — small generative image models in the browser. Every public export of the browser entry is named here.
 *
 *   import { createGenerator } from 'webgen';
 *   const generator = await createGenerator({ model: '/models/mnist-ddim' });
 *   const [image] = await generator.sample({ classLabel: 3, seed: 42 });
 *
 * onnxruntime-web runs inside a dedicated worker (worker.js, its own chunk); this module only talks to it.
 */
export { createGenerator } from './client.js';
export { unknownPromptWords } from './text/unknown-words.js';
export { splitWords } from './text/tokenizer.js';
export { loadManifest } from './loader/load-manifest.js';
export { createGan } from './gan/create-gan.js';
export { slerp } from './gan/slerp.js';
export { psnr, ssim } from './metrics/image-quality.js';
export { createAutoencoder } from './autoencoder/create-autoencoder.js';
export { createClip } from './clip/create-clip.js';
export { createClassifier } from './classifier/create-classifier.js';
export { createTranslator } from './translator/create-translator.js';
export { heatColour, heatOverlay } from './explain/heat-overlay.js';
export { createFidScorer } from './fid/remote-scorer.js';
export { detectCapabilities } from './capabilities.js';
export { clearCache } from './cache.js';
export { GeneratedImage } from './image/generated-image.js';
export { MAX_IMAGE_PIXELS } from './image/image-input.js';
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
export type {
  ActiveBackend,
  Backend,
  Capabilities,
  CommonOptions,
  GeneratedImage as GeneratedImageType,
  Generator,
  GeneratorOptions,
  ImageInput,
  Img2ImgOptions,
  Precision,
  ProgressEvent,
  RgbaImage,
  SampleOptions,
  StepInfo,
  TextToImageOptions,
  Timings,
} from './types.js';
export type { SchedulerName } from './schedulers/scheduler-names.js';
export type { Gan, GanGenerateOptions, GanInterpolateOptions, GanMixOptions, GanOptions } from './gan/types.js';
export type { Autoencoder, AutoencoderCallOptions, AutoencoderImages, AutoencoderInterpolateOptions, AutoencoderOptions, AutoencoderTraverseOptions, Latents } from './autoencoder/types.js';
export type { Classification, Classifier, ClassifierImages, ClassifierOptions, ClassifyOptions, ClassScore, GradCamMap, GradCamOptions } from './classifier/types.js';
export type { TranslateOptions, Translator, TranslatorOptions } from './translator/types.js';
export type { Clip, ClipCallOptions, ClipImages, ClipOptions, ClipTexts, Embeddings, SimilarityMatrix, TextEmbeddings, ZeroShotLabel, ZeroShotOptions } from './clip/types.js';
export type { CreateFidScorerOptions, FidExtractorInfo, FidImages, FrechetOptions, FrechetResult, ImageBatch, ImageFidScorer, InceptionScore, InceptionScoreRequest, KidOptions, KidResult, Side as FidSide } from './fid/api-types.js';
export type { Manifest, ManifestFile, ManifestFileVariant, ManifestFileVariants, ManifestImage, ManifestSchedule, ManifestConditioning, ManifestTokenizer, ManifestAutoencoder, ManifestClip, ManifestTranslator, ModelKind, TensorSpec } from './manifest/types.js';
