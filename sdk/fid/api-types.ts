/**
 * The public FID API of the SDK, declared as types: `createFidScorer` (browser: remote-scorer.ts, the scorer running in
 * the SDK's worker; Node: node-scorer.ts, in-process on onnxruntime-node). Every option is optional except `extractor`;
 * each field's doc states its default.
 */
import type { ActiveBackend, Backend, ProgressEvent, RgbaImage } from '../types.js';
import type { ImageBatch } from './extractor.js';
import type { FrechetOptions, FrechetResult } from './frechet.js';
import type { InceptionScore } from './inception-score.js';
import type { KidOptions, KidResult } from './kid.js';
import type { Side } from './scorer.js';

export type { FrechetOptions, FrechetResult, ImageBatch, InceptionScore, KidOptions, KidResult, Side };

/**
 * Images to score, one call's worth (any number of calls, constant memory):
 * - RGBA pictures of one size: GeneratedImage[] (what a generator returns), ImageData[], or `{ width, height, data }`
 *   with RGBA bytes. Alpha is composited over white, then grey extractors read luma (0.299 R + 0.587 G + 0.114 B,
 *   rounded to a byte) — the conversion `webgen fid` applies to PNG files, so both give the same features;
 * - or an NCHW float batch `{ data: Float32Array, shape: [N, C, H, W] }` with values in [-1, 1].
 * The caller's arrays are copied, never detached.
 */
export type FidImages = readonly RgbaImage[] | ImageBatch;

/** Options of createFidScorer. */
export interface CreateFidScorerOptions {
  /**
   * The feature extractor: a model folder or its manifest.json (kind 'classifier' or 'feature-extractor', e.g.
   * `'/models/mnist-classifier'`; its files are checked against their sha256), or a `.onnx` file. Resolved against the
   * page (browser) or the working directory (Node). Required.
   */
  extractor: string | URL;
  /**
   * Saved statistics of the real images, used as the 'real' side (then addReal is not needed): the URL or path of a
   * `.fidstats` file (e.g. `'/models/mnist-classifier/reference-stats.fidstats'`), or its bytes. Default none.
   */
  reference?: string | URL | Uint8Array;
  /**
   * pytorch-fid's InceptionV3 preprocessing (images of any one size → bilinear 299x299, [-1, 1], grey → RGB), for an
   * ONNX export of pytorch-fid's FID Inception (as the CLI's `--inception`; see docs/fid.md). Default false.
   */
  inception?: boolean;
  /** The extractor output holding the features. Default 'features' when the model has it, else its last output. */
  outputName?: string;
  /** Input size [C, H, W] of a `.onnx` extractor whose input shape is symbolic. Default: read from the model ([3, 299, 299] with `inception`). */
  inputShape?: readonly [number, number, number];
  /**
   * Features kept per side for KID: a uniform reservoir sample, rows × dim × 4 bytes of memory (10,000 × 128-d = 5 MB;
   * 10,000 × 2048-d = 82 MB). 0 turns KID off. FID itself needs none of them (its statistics are d² doubles). Default 10,000.
   */
  kidSamples?: number;
  /** Seed of the KID reservoirs. Default 0. */
  seed?: number;
  /**
   * Where the extractor runs. Default 'wasm' (browser): scores then match the Node SDK and the `webgen fid` command
   * to ~1e-6; 'auto' / 'webgpu' as createGenerator. Node always runs on onnxruntime-node's CPU provider ('auto').
   */
  backend?: Backend;
  /**
   * WebAssembly threads (browser) or onnxruntime-node intra-op threads, as GeneratorOptions.threads. 1 also keeps the
   * features' mean and covariance on one thread (otherwise a helper thread shares them where the environment allows).
   */
  threads?: number;
  /** Keep the extractor's files in the Cache API (browser only). Default true. */
  cache?: boolean;
  /** Download progress, backend choice and warnings, as createGenerator's. Default none. */
  onProgress?: (event: ProgressEvent) => void;
  /** Browser only: where a copy of the package's dist/ is served (GeneratorOptions.assetsUrl). Default: the bundled files. */
  assetsUrl?: string;
}

/** What the scorer's extractor is. */
export interface FidExtractorInfo {
  /** Names the features ('mnist-classifier/features', 'pt_inception.onnx/features'); saved statistics carry it. */
  name: string;
  /** Input size [C, H, W] images must have (any size with `inception`, which resizes). */
  inputShape: readonly [number, number, number];
  /** The backend the extractor runs on. */
  backend: ActiveBackend;
  /** The extractor's class-logits output when it is a classifier ('logits'): then inceptionScore() works. */
  logits?: string;
}

/** Options of ImageFidScorer.inceptionScore. */
export interface InceptionScoreRequest {
  /** Whose images: 'fake' (the generated ones, default) or 'real' (the real data's score, to read the other against). */
  side?: Side;
  /** Consecutive parts, each scored on its own (the seeds' 10); at most the number of images. Default 10. */
  splits?: number;
}

/**
 * Streams real and generated images through a feature extractor into two constant-memory statistics (mean and
 * covariance in float64, in webgen's WebAssembly module) and scores FID and KID. In the browser all of it runs in the
 * SDK's worker; calls queue in order.
 */
export interface ImageFidScorer {
  readonly extractor: FidExtractorInfo;
  /** Adds real images; resolves with the number of real samples so far. InvalidInputError for the wrong size or values. */
  addReal(images: FidImages): Promise<number>;
  /** Adds generated images; resolves with the number of generated samples so far. */
  addFake(images: FidImages): Promise<number>;
  /** Samples added (or loaded) per side. */
  counts(): Promise<Record<Side, number>>;
  /**
   * FID between the two sides (pytorch-fid's formula): `fid`, and how it was reached (`singular`, `rank`, `offset`,
   * `note`…). InvalidInputError when a side has fewer than 2 samples.
   */
  fid(options?: FrechetOptions): Promise<FrechetResult>;
  /** KID (clean-fid's: 100 subsets of up to 1,000) between the sides' kept features (`kidSamples`); `kid` ± `std`. */
  kid(options?: KidOptions): Promise<KidResult>;
  /**
   * The Inception Score of one side's images (default the generated ones) with the extractor's class logits:
   * exp(E_x KL(p(y|x) ‖ p(y))), `mean` ± `std` over `splits` consecutive parts (Salimans et al. 2016; the seeds'
   * code). 1 when every image gets the same prediction, k for confident predictions spread evenly over k classes.
   * Needs a classifier extractor (`extractor.logits` is set) and images added to that side: InvalidInputError
   * otherwise. Predictions are kept for every image added: 4 × classes bytes each.
   */
  inceptionScore(options?: InceptionScoreRequest): Promise<InceptionScore>;
  /** `.fidstats` bytes of one side (default 'real'), with its KID sample: pass them as `reference` or to loadStats later. */
  saveStats(side?: Side, note?: string): Promise<Uint8Array>;
  /** Replaces one side with saved statistics (StatsFormatError for bytes that are not a `.fidstats` file). */
  loadStats(side: Side, stats: Uint8Array | ArrayBuffer): Promise<void>;
  /**
   * Empties one side (its statistics and KID sample), keeping the extractor and the other side: score the next setting
   * against the same reference without loading either again.
   */
  clear(side: Side): Promise<void>;
  /** Frees the extractor (and the worker). Later calls throw ModelLoadError. Idempotent. */
  dispose(): Promise<void>;
}
