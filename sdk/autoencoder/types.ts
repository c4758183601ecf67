/**
 * The public API of autoencoders, declared as types (implemented in autoencoder-engine.ts, with create-autoencoder.ts
 * for the browser worker and create-autoencoder-node.ts for onnxruntime-node). An autoencoder (manifest kind
 * 'autoencoder') maps an image to a small latent and back: a KL-VAE's latent is its posterior mean, a VQ-VAE's the
 * nearest codebook entries. Every call runs the exported encoder and/or decoder once per batch.
 */
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, GeneratedImage, GeneratorOptions, ImageInput } from '../types.js';

/** Options of createAutoencoder: those of createGenerator, plus a signal. */
export interface AutoencoderOptions extends GeneratorOptions {
  /** Stops the load (download, session start) with AbortError. Default none. */
  signal?: AbortSignal;
}

/**
 * Latents of `count` images, one after another: `data` holds count × (latentShape's product) numbers, row-major
 * [count, ...latentShape] (spatial latents are [channels, height, width] per image, NCHW), unscaled (multiply by
 * `scalingFactor` for unit variance, as latent diffusion does).
 */
export interface Latents {
  data: Float32Array;
  /** [count, ...latentShape]. */
  shape: readonly number[];
}

/** The images of one call: one image or a list of 1 … 64, each resized (bilinear) to the model's size. */
export type AutoencoderImages = ImageInput | readonly ImageInput[];

/** Options every call takes. */
export interface AutoencoderCallOptions {
  /** Stops the call with AbortError while it is queued (a forward pass is not interrupted). Default none. */
  signal?: AbortSignal;
}

/** Options of `autoencoder.interpolate()`: a straight walk in latent space from one image to another. */
export interface AutoencoderInterpolateOptions extends AutoencoderCallOptions {
  /** The start: an image (encoded first) or the latents of one image (count 1). Required. */
  from: ImageInput | Latents;
  /** The end, as `from`. Required. */
  to: ImageInput | Latents;
  /** Frames including both ends (2 … 64). Default 8. */
  frames?: number;
}

/**
 * Options of `autoencoder.traverse()`: one latent dimension swept while the others stay (the β-VAE paper's
 * traversals). A flat latent ([dim]) has component `dim` set to each value of `range`; a spatial latent
 * ([channels, height, width]) has channel `dim` shifted everywhere by each value of `range` divided by the
 * scaling factor (so the range is in units of the latents' standard deviation).
 */
export interface AutoencoderTraverseOptions extends AutoencoderCallOptions {
  /** The image whose latent is walked, or its latents (count 1). Required. */
  image: ImageInput | Latents;
  /** Which dimension: a component of a flat latent, a channel of a spatial one (0 … latentShape[0] − 1). Required. */
  dim: number;
  /** The values swept, first to last (finite, within ±100). Default [-3, 3]. */
  range?: readonly [number, number];
  /** Frames including both ends (2 … 64). Default 7. */
  frames?: number;
}

/** A loaded autoencoder. Calls run one at a time, in call order. */
export interface Autoencoder {
  readonly manifest: Manifest;
  readonly backend: ActiveBackend;
  /** One image's latent shape: [channels, height, width] or [dim]. */
  readonly latentShape: readonly number[];
  /** 'kl' (posterior mean) or 'vq' (nearest codes). */
  readonly quantization: 'kl' | 'vq';
  /** Latents times this have about unit variance. */
  readonly scalingFactor: number;
  /** Encodes images to latents ([count, ...latentShape]); RGBA in, alpha kept when the model has 4 channels. */
  encode(images: AutoencoderImages, options?: AutoencoderCallOptions): Promise<Latents>;
  /** Decodes latents to images (RGBA; the model's alpha, or 255 for a model without one). */
  decode(latents: Latents, options?: AutoencoderCallOptions): Promise<GeneratedImage[]>;
  /** decode(encode(images)). */
  reconstruct(images: AutoencoderImages, options?: AutoencoderCallOptions): Promise<GeneratedImage[]>;
  /** The decoded frames of a linear walk between two latents. */
  interpolate(options: AutoencoderInterpolateOptions): Promise<GeneratedImage[]>;
  /** The decoded frames of one dimension swept over a range. */
  traverse(options: AutoencoderTraverseOptions): Promise<GeneratedImage[]>;
  /** Releases the model; later calls throw ModelLoadError. */
  dispose(): Promise<void>;
}
