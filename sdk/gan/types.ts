/**
 * The public API of GAN sampling, declared as types (implemented in gan-engine.ts, with create-gan.ts for the browser
 * worker and create-gan-node.ts for onnxruntime-node). A GAN generator (manifest kind 'gan-generator') draws each
 * image in one forward pass from a latent z ~ N(0, I): no steps, no scheduler.
 */
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, GeneratedImage, GeneratorOptions } from '../types.js';

/** Options of createGan: those of createGenerator, plus a signal. */
export interface GanOptions extends GeneratorOptions {
  /** Stops the load (download, session start) with AbortError. Default none. */
  signal?: AbortSignal;
}

/** Options of `gan.generate()`. */
export interface GanGenerateOptions {
  /**
   * The latents, `count` of them one after another: a Float32Array of count × latentDim numbers ([count, latentDim],
   * row-major). Default: drawn from the seed as standard normals (the SDK's Rng, the same draws as the trainer's).
   */
  latents?: Float32Array;
  /** Images to draw (1 … 64). Default: latents.length / latentDim when latents are given, else 1. */
  count?: number;
  /**
   * Seed of the latents when they are not given, and of the classes of a conditional model when `classLabel` is not
   * given (drawn after the latents). Any integer in [0, 2^32). Default random (reported in each result).
   */
  seed?: number;
  /**
   * Class to draw (conditional models only): an index or a class name from `gan.classes`, or one per image.
   * Default: a class per image drawn uniformly from the seed.
   */
  classLabel?: number | string | readonly (number | string)[];
  /**
   * The truncation trick (Brock et al. 2019): every latent component drawn from the seed whose magnitude exceeds this
   * is drawn again, trading variety for cleaner images. A number ≥ 0.05; 0.5 … 1 is typical. Default none (plain
   * standard normals). Not with `latents` (truncate your own latents yourself).
   */
  truncation?: number;
  /**
   * The truncation trick in w-space (Karras et al. 2019), for a style-based generator (`gan.styleLayers` set):
   * w = w_avg + ψ (w − w_avg), where w_avg is the mean w the model saw in training. 1 = none, 0.7 typical (cleaner,
   * less varied), 0 = the average image. In [0, 2]. Default 1. Combines with `truncation`, which works on z.
   */
  truncationPsi?: number;
  /** Stops the call with AbortError while it is queued (one forward pass is not interrupted). Default none. */
  signal?: AbortSignal;
}

/** Options of `gan.interpolate()`: a walk through latent space from one image to another. */
export interface GanInterpolateOptions {
  /**
   * The start: a seed, standing for the first image `generate({ seed, truncation })` draws (its class too, on a
   * conditional model), or a latent (a Float32Array of latentDim numbers). Required.
   */
  from: number | Float32Array;
  /** The end, as `from`. Required. */
  to: number | Float32Array;
  /** Images along the path, both ends included (2 … 64). Default 8. */
  frames?: number;
  /**
   * Class of a conditional model: one for every frame, or one per frame. Default: the class of `from` when it is a
   * seed; required when `from` is a latent.
   */
  classLabel?: number | string | readonly (number | string)[];
  /** Truncation of the ends given as seeds (as generate()'s). Default none. */
  truncation?: number;
  /**
   * The truncation trick in w-space (Karras et al. 2019), for a style-based generator (`gan.styleLayers` set):
   * w = w_avg + ψ (w − w_avg), where w_avg is the mean w the model saw in training. 1 = none, 0.7 typical (cleaner,
   * less varied), 0 = the average image. In [0, 2]. Default 1. Combines with `truncation`, which works on z.
   */
  truncationPsi?: number;
  /** Stops the call with AbortError while it is queued. Default none. */
  signal?: AbortSignal;
}

/**
 * Options of `gan.mix()`: style mixing (Karras et al. 2019, Fig. 3) — the layers before `crossover` take the w of
 * `coarse` (pose, shape), the later ones the w of `fine` (stroke, colour, detail). A style-based generator only.
 */
export interface GanMixOptions {
  /** The latent of the early layers: a seed (the first image generate({ seed, truncation }) draws) or a latent. Required. */
  coarse: number | Float32Array;
  /** The latent of the later layers, as `coarse`. Required. */
  fine: number | Float32Array;
  /**
   * The first layer drawn with `fine`'s w, in [0, styleLayers] (0 = all fine, styleLayers = all coarse), or a list of
   * them: one image each (a row of the paper's mixing grid). Default styleLayers / 2, rounded down.
   */
  crossover?: number | readonly number[];
  /** Class of a conditional model: one, or one per image. Default: the class of `coarse` when it is a seed. */
  classLabel?: number | string | readonly (number | string)[];
  /** Truncation of the seeds' z (as generate()'s). Default none. */
  truncation?: number;
  /**
   * The truncation trick in w-space (Karras et al. 2019), for a style-based generator (`gan.styleLayers` set):
   * w = w_avg + ψ (w − w_avg), where w_avg is the mean w the model saw in training. 1 = none, 0.7 typical (cleaner,
   * less varied), 0 = the average image. In [0, 2]. Default 1. Combines with `truncation`, which works on z.
   */
  truncationPsi?: number;
  /** Stops the call with AbortError while it is queued. Default none. */
  signal?: AbortSignal;
}

/**
 * A loaded GAN generator, ready to draw. Calls queue and run one at a time, in call order; their options are checked
 * before they queue, so bad input rejects at once. A failed or aborted call leaves it usable.
 */
export interface Gan {
  /** The backend in use. */
  readonly backend: ActiveBackend;
  /** The validated manifest (kind 'gan-generator'). */
  readonly manifest: Manifest;
  /** Length of one latent z (manifest.latent.dim). */
  readonly latentDim: number;
  /** Class names of a conditional generator (the class id is the index); undefined when unconditional. */
  readonly classes?: readonly string[];
  /** A style-based generator's number of layers taking w (manifest latent.styleLayers); undefined for the others. */
  readonly styleLayers?: number;
  /**
   * Draws one image per latent. Each result's `seed` is the call's seed; `timings.steps` is 1 (one generator pass).
   */
  generate(options?: GanGenerateOptions): Promise<GeneratedImage[]>;
  /**
   * Draws `frames` images along the spherical interpolation (slerp) of the latents from `from` to `to`, in one pass.
   * Each result's `seed` is `from` when it is a seed, else `to` when that is, else 0.
   *
   *   const frames = await gan.interpolate({ from: 3, to: 8, frames: 10 });   // seeds 3 and 8 as generate() draws them
   */
  interpolate(options: GanInterpolateOptions): Promise<GeneratedImage[]>;
  /**
   * Style mixing, a style-based generator only (InvalidInputError 'mix' for the others): one image per crossover.
   *
   *   const row = await gan.mix({ coarse: 3, fine: 8, crossover: [0, 2, 4, 6] });   // from all-fine to mostly coarse
   */
  mix(options: GanMixOptions): Promise<GeneratedImage[]>;
  /** Frees the session (and the worker). Later calls throw ModelLoadError. Idempotent. */
  dispose(): Promise<void>;
}
