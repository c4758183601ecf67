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
  /** Stops the call with AbortError while it is queued (one forward pass is not interrupted). Default none. */
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
  /**
   * Draws one image per latent. Each result's `seed` is the call's seed; `timings.steps` is 1 (one generator pass).
   * Interpolate by passing latents you made yourself, e.g. spherical interpolations between two drawn ones.
   */
  generate(options?: GanGenerateOptions): Promise<GeneratedImage[]>;
  /** Frees the session (and the worker). Later calls throw ModelLoadError. Idempotent. */
  dispose(): Promise<void>;
}
