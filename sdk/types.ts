/**
 * The public API of the webgen SDK, declared as types (implemented in generator/ for the engine, client.ts for the
 * browser worker client, node.ts for onnxruntime-node). Every option is optional; each field's doc states its default.
 */
import type { SchedulerName } from './schedulers/scheduler-names.js';
import type { Manifest } from './manifest/types.js';

/** Where a model runs. */
export type Backend =
  /** WebGPU when an adapter exists and the session starts on it, else WebAssembly (says why in a `backend-fallback` event). */
  | 'auto'
  /** onnxruntime-web's WebGPU execution provider; fails with BackendUnavailableError when there is no adapter. */
  | 'webgpu'
  /** onnxruntime-web's WebAssembly CPU backend (SIMD; threads when the page is cross-origin isolated). */
  | 'wasm';

/** The backend a generator actually runs on ('cpu' is onnxruntime-node's native CPU provider). */
export type ActiveBackend = 'webgpu' | 'wasm' | 'cpu';

/** How the loaded model's weights are stored: 'float16' / 'int8' when that variant (files.unet.variants.<name>) was loaded. */
export type Precision = 'float32' | 'float16' | 'int8' | 'int8-qdq';

/** Progress of createGenerator, reported through `onProgress`. */
export type ProgressEvent =
  /** A model file starts loading (`loaded` 0). `fromCache` is true when it comes from the Cache API, with no network request. */
  | { status: 'download'; file: string; loaded: number; total: number; fromCache: boolean }
  /** More bytes of `file` arrived. */
  | { status: 'progress'; file: string; loaded: number; total: number }
  /**
   * Every file is verified and the session is running on `backend`. `loaded`/`total` are bytes over the files loaded;
   * `precision` (createGenerator, createGan) says which weights (GeneratorOptions.precision).
   */
  | { status: 'ready'; file: string; loaded: number; total: number; backend: ActiveBackend; precision?: Precision }
  /** `backend: 'auto'` could not use `from` and uses `to` instead, because of `reason`. */
  | { status: 'backend-fallback'; from: 'webgpu'; to: 'wasm'; reason: string }
  /** Something works, but worse than it could: `code` 'single-threaded' (not cross-origin isolated), 'no-cache' (no Cache API). */
  | { status: 'warning'; code: 'single-threaded' | 'no-cache'; message: string };

export interface GeneratorOptions {
  /**
   * The model: a URL or path of its folder (`'models/mnist-ddim'`, `'/models/mnist-ddim/'`) or of its manifest.json,
   * resolved against the page (browser) or the working directory (Node). Required.
   */
  model: string | URL;
  /**
   * The model's manifest.json when the app has already read it (`loadManifest(model)`, say, to check the model suits
   * a page): the load then does not fetch it again. It is validated as a fetched one is, and the model files are still
   * fetched from `model`'s folder and checked against its sha256 sums. Default: fetched from `model`.
   */
  manifest?: Manifest;
  /** Where to run. Default 'auto' (browser); the Node entry always runs on onnxruntime-node's CPU provider. */
  backend?: Backend;
  /**
   * WebAssembly threads. Default: min(4, navigator.hardwareConcurrency) (every core up to 4; onnxruntime-web on its own takes half) when the page is cross-origin isolated, else 1
   * (a 'warning' event says why). Node: onnxruntime-node's intra-op threads, default its own choice (one per core).
   */
  threads?: number;
  /** Keep model files in the Cache API after the first download, so later visits load offline. Default true (browser only). */
  cache?: boolean;
  /**
   * Which weights to download and run, when the model folder ships a float16 variant (files.unet.variants.float16,
   * exported with `--fp16`; about half the bytes, outputs within parity.fp16MaxAbsError):
   * 'auto' loads it on WebGPU when the adapter has 'shader-f16', else the float32 file; 'float16' always loads it (any
   * backend; InvalidInputError naming 'precision' when the model has none); 'float32' always loads the float32 file.
   * 'int8' loads the int8-weights variant (files.unet.variants.int8, exported with `--int8`: about a quarter of the
   * float32 bytes, the same float32 kernels once loaded, outputs within parity.int8MaxAbsError; never chosen by 'auto').
   * 'int8-qdq' loads the static-QDQ variant (files.unet.variants['int8-qdq'], `reexport --int8-qdq`): int8 convolutions,
   * a quarter to a third faster a step on WebAssembly, outputs within parity.int8QdqMaxAbsError; never chosen by 'auto'.
   * Only the chosen file is downloaded and sha256-checked. Default 'auto' (the Node entry's 'auto' is 'float32').
   */
  precision?: 'auto' | Precision;
  /** Called with download progress, backend choice and warnings. Default none. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Browser only: the URL of a folder serving a copy of the package's `dist/` (`worker.js`, `chunks/`, `ort-<version>/`,
   * `webgen-stats.wasm`), for bundlers that do not follow `new URL('…', import.meta.url)` (esbuild), CDNs and unusual
   * hosting. Any absolute or relative URL; a trailing '/' is added. Default: the files as the app's bundler placed
   * them (Vite, webpack 5), i.e. beside the SDK's own module.
   */
  assetsUrl?: string;
}

/** What `onStep` receives after each denoising step. */
export interface StepInfo {
  /** 1-based step number. */
  step: number;
  /** Steps this call runs. */
  total: number;
  /** The diffusion timestep t of this step. */
  timestep: number;
  /** The x_0 the model predicts at this step, for the first image of the batch: watch the picture form. */
  preview: RgbaImage;
}

/** Options every generation method shares. */
export interface CommonOptions {
  /**
   * The sampler: 'ddim' (Song et al. 2021; few steps, η below), 'ddpm' (Ho et al. 2020, ancestral sampling; meant
   * for all the training timesteps, e.g. steps: 1000; η must be 1 or left out) or 'dpm-solver++' (Lu et al. 2022,
   * DPM-Solver++(2M): a second-order ODE solver, about as good at 10 steps as DDIM at 20; η must be 0 or left out).
   * Default 'ddim'.
   */
  scheduler?: SchedulerName;
  /** Denoising steps (1 … the model's training timesteps). Default: the model's manifest `sampling.steps`, else 20. */
  steps?: number;
  /** DDIM η (Song et al. 2021, Eq. 16) in [0, 1]: 0 is deterministic given the seed, 1 is DDPM-like. Default 0 (1 with 'ddpm'). */
  eta?: number;
  /** Seed of the initial noise (any integer in [0, 2^32)); the same seed gives the same image on the same backend. Default random (reported in the result). */
  seed?: number;
  /** Classifier-free guidance scale (Ho & Salimans 2022); 1 = none (half the work). Default when conditioned: the model's manifest `sampling.guidanceScale`, else 2; ignored when unconditioned. */
  guidanceScale?: number;
  /**
   * Where guidance applies, as fractions [lo, hi] of the model's training timesteps (1 = pure noise): steps with
   * lo·T ≤ t ≤ hi·T are guided, the others run the conditional model alone, at half the work (Kynkäänniemi et al.
   * 2024). [0.3, 1] leaves the last, least noisy 30% of the range unguided, where an undertrained unconditional branch
   * does the most harm. Default: the model's manifest `sampling.guidanceInterval`, else [0, 1] (every step).
   */
  guidanceInterval?: [number, number];
  /** Stops the generation between two steps with AbortError (also while queued). Default none. */
  signal?: AbortSignal;
  /** Called after every step with a preview. Default none. */
  onStep?: (info: StepInfo) => void;
}

export interface SampleOptions extends CommonOptions {
  /** Images to draw in one batch (1 … 64; in Node 1 … 1024). Default 1. */
  batch?: number;
  /**
   * Class to draw (class-conditional models): an index or a class name from `generator.manifest.conditioning.classes`,
   * or one per image. Default none: unconditional (the model's null class), no guidance.
   */
  classLabel?: number | string | readonly (number | string)[];
  /**
   * What to draw (text-conditioned models): one prompt for every image, or one per image (`batch` of them). The
   * batch form of textToImage; the same seed and prompt give textToImage's image at batch 1. Default '' (unconditional).
   */
  prompt?: string | readonly string[];
  /** Text-conditioned models: what to steer away from, for every image of the batch. Default ''. */
  negativePrompt?: string;
  /**
   * The starting noise x_T instead of the seed's: batch × the U-Net's sample size values ([batch, C, H, W] flattened;
   * a latent model's latent), finite float32. For reproducing another implementation's samples bit for bit (the
   * `webgen import` parity tests draw from PyTorch's noise). Steps that add noise (η > 0, 'ddpm') still draw from
   * `seed`. Default none: N(0, I) from `seed`.
   */
  initialNoise?: Float32Array;
}

export interface TextToImageOptions extends CommonOptions {
  /** What to draw (text-conditioned models). Words not in the model's vocabulary are unknown tokens. Default '' (unconditional). */
  prompt?: string;
  /** What to steer away from: replaces the empty prompt as the unconditional side of guidance. Default ''. */
  negativePrompt?: string;
  /**
   * Also return where each prompt word's cross-attention looked (GeneratedImage.attentionMaps), averaged over heads,
   * layers and steps. Needs a model exported with its cross-attention outputs (`cross_attention_*`). Default false.
   */
  attentionMaps?: boolean;
}

/** Per prompt word, where the U-Net's cross-attention looked (TextToImageOptions.attentionMaps). */
export interface AttentionMaps {
  /** The prompt's words, in order (as the tokenizer split them). */
  tokens: string[];
  width: number;
  height: number;
  /** tokens × height × width, row-major: the mean attention probability of each pixel's queries on each word. */
  maps: Float32Array;
}

/** Raw pixels: RGBA, 4 bytes per pixel, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** What img2img accepts (resized to the model's size, bilinear; alpha is ignored). */
export type ImageInput =
  | RgbaImage
  | ImageData
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas;

export interface Img2ImgOptions extends CommonOptions {
  /** The starting picture. Required. */
  image: ImageInput;
  /** How far to noise it before denoising (SDEdit, Meng et al. 2022), in [0, 1]: 0 keeps it, 1 ignores it. Default 0.6. */
  strength?: number;
  /** Prompt of a text-conditioned model. Default ''. */
  prompt?: string;
  /** Class of a class-conditional model (index or name). Default none. */
  classLabel?: number | string;
}

/** How long a generation took, in milliseconds. */
export interface Timings {
  /** From the start of the call in the engine to the finished pixels (queue wait excluded). */
  totalMs: number;
  /** Inside onnxruntime (all steps, plus the text encoder). */
  modelMs: number;
  /** Denoising steps run. */
  steps: number;
}

/** One generated picture. */
export interface GeneratedImage extends RgbaImage {
  /** RGBA pixels (alpha 255). */
  data: Uint8ClampedArray;
  /** The seed that reproduces it (with the same options and batch size). */
  seed: number;
  timings: Timings;
  /**
   * The model's output before it was rounded to 8-bit pixels: [C, H, W] (C = manifest.image.channels), values in
   * manifest.image.range, not clipped. For measuring (FID on the model's own values) and further processing. Set on
   * every image a generator or GAN returns.
   */
  values?: Float32Array;
  /**
   * Text-conditioned models: the words of this image's prompt (and negative prompt) the model's vocabulary lacks; it
   * read them as "<unk>" (see unknownPromptWords). Empty when it knew every word; absent for other models.
   */
  unknownWords?: string[];
  /** textToImage({ attentionMaps: true }): where each prompt word's cross-attention looked. */
  attentionMaps?: AttentionMaps;
  /** The pixels as an ImageData (browser), or an object of the same shape where ImageData does not exist (Node). */
  toImageData(): ImageData;
  /** The pixels as a PNG Blob. */
  toBlob(): Promise<Blob>;
}

/** What the browser offers (detectCapabilities). */
export interface Capabilities {
  /** navigator.gpu gives an adapter. */
  webgpu: boolean;
  /** That adapter supports 'shader-f16' (half-precision shaders). */
  shaderF16: boolean;
  /** WebAssembly threads can run: SharedArrayBuffer exists and the page is cross-origin isolated. */
  wasmThreads: boolean;
  /** The page is served with COOP same-origin + COEP require-corp (needed for threads). */
  crossOriginIsolated: boolean;
}

/**
 * A loaded model, ready to generate. Calls queue and run one at a time, in call order; their options are checked
 * before they queue, so bad input rejects at once. A failed or aborted call leaves the generator usable.
 */
export interface Generator {
  /** The backend in use. */
  readonly backend: ActiveBackend;
  /** The weights in use: 'float16' / 'int8' when the model's variant of that name was loaded (GeneratorOptions.precision). */
  readonly precision: Precision;
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Draws `batch` images (optionally of a class): one per batch item. */
  sample(options?: SampleOptions): Promise<GeneratedImage[]>;
  /** Draws one image for a prompt (text-conditioned models). */
  textToImage(options?: TextToImageOptions): Promise<GeneratedImage>;
  /** Redraws `image`: noises it by `strength`, then denoises (guided by `prompt` or `classLabel`). */
  img2img(options: Img2ImgOptions): Promise<GeneratedImage>;
  /** Frees the session (and the worker). Later calls throw ModelLoadError. Idempotent. */
  dispose(): Promise<void>;
}
