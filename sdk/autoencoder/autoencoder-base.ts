/**
 * The Autoencoder API over two primitives, encoding RGBA pixels and decoding latents, which the Node client runs in
 * this thread and the browser client posts to its worker. Reading images (drawing an <img> or canvas), checking
 * options, and reconstruct/interpolate/traverse live here once for both.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { GeneratedImage } from '../image/generated-image.js';
import { readImageInput } from '../image/image-input.js';
import { checkCallOptions } from '../options/call-options.js';
import type { EngineImage } from '../generator/engine.js';
import type { Manifest } from '../manifest/types.js';
import type { ActiveBackend, ImageInput, RgbaImage } from '../types.js';
import { checkFrames, checkLatents, checkTraversal, latentSize, lerpFrames, looksLikeLatents, MAX_BATCH, traverseFrames } from './latent-walks.js';
import type { Autoencoder, AutoencoderCallOptions, AutoencoderImages, AutoencoderInterpolateOptions, AutoencoderTraverseOptions, Latents } from './types.js';

const creator = 'createAutoencoder()';
/** The options of encode(), decode() and reconstruct(). */
const SIGNAL_ONLY = { names: ['signal'], creator };

export abstract class AutoencoderBase implements Autoencoder {
  constructor(
    readonly manifest: Manifest,
    readonly backend: ActiveBackend,
  ) {}

  /** Encodes checked RGBA images (any size; the engine resizes). */
  protected abstract encodeRgba(images: RgbaImage[], signal: AbortSignal | undefined): Promise<Latents>;
  /** Decodes checked latents. */
  protected abstract decodeLatents(latents: Latents, signal: AbortSignal | undefined): Promise<EngineImage[]>;
  abstract dispose(): Promise<void>;

  get latentShape(): readonly number[] {
    return this.manifest.autoencoder!.latentShape;
  }

  get quantization(): 'kl' | 'vq' {
    return this.manifest.autoencoder!.quantization;
  }

  get scalingFactor(): number {
    return this.manifest.autoencoder!.scalingFactor;
  }

  async encode(images: AutoencoderImages, options?: AutoencoderCallOptions): Promise<Latents> {
    const signal = checkCallOptions(options, { method: 'encode', ...SIGNAL_ONLY });
    return this.encodeRgba(await readImages(images), signal);
  }

  async decode(latents: Latents, options?: AutoencoderCallOptions): Promise<GeneratedImage[]> {
    const signal = checkCallOptions(options, { method: 'decode', ...SIGNAL_ONLY });
    checkLatents(latents, this.latentShape);
    return (await this.decodeLatents(latents, signal)).map(GeneratedImage.from);
  }

  async reconstruct(images: AutoencoderImages, options?: AutoencoderCallOptions): Promise<GeneratedImage[]> {
    const signal = checkCallOptions(options, { method: 'reconstruct', ...SIGNAL_ONLY });
    const z = await this.encodeRgba(await readImages(images), signal);
    return (await this.decodeLatents(z, signal)).map(GeneratedImage.from);
  }

  async interpolate(options: AutoencoderInterpolateOptions): Promise<GeneratedImage[]> {
    const signal = checkCallOptions(options, { method: 'interpolate', names: ['from', 'to', 'frames', 'signal'], creator, example: '{ from: imageA, to: imageB, frames: 8 }', required: true });
    const frames = checkFrames(options.frames, 8);
    const from = await this.oneLatent(options.from, 'from', signal);
    const to = await this.oneLatent(options.to, 'to', signal);
    return this.decodeFrames(lerpFrames(from, to, frames), frames, signal);
  }

  async traverse(options: AutoencoderTraverseOptions): Promise<GeneratedImage[]> {
    const signal = checkCallOptions(options, { method: 'traverse', names: ['image', 'dim', 'range', 'frames', 'signal'], creator, example: '{ image, dim: 0, range: [-3, 3], frames: 7 }', required: true });
    const frames = checkFrames(options.frames, 7);
    const { dim, range } = checkTraversal(options.dim, options.range, this.latentShape);
    const z = await this.oneLatent(options.image, 'image', signal);
    return this.decodeFrames(traverseFrames(z, this.latentShape, dim, range, frames, this.scalingFactor), frames, signal);
  }

  private async decodeFrames(data: Float32Array, frames: number, signal: AbortSignal | undefined): Promise<GeneratedImage[]> {
    return (await this.decodeLatents({ data, shape: [frames, ...this.latentShape] }, signal)).map(GeneratedImage.from);
  }

  /** One image's latent: given as latents of count 1, or encoded from an image. */
  private async oneLatent(x: ImageInput | Latents, parameter: string, signal: AbortSignal | undefined): Promise<Float32Array> {
    if (x === undefined || x === null) throw new InvalidInputError(parameter, 'is required: an image, or the latents of one image (what encode() returns)');
    if (looksLikeLatents(x)) {
      checkLatents(x, this.latentShape, parameter, 1);
      return x.data.slice(0, latentSize(this.latentShape));
    }
    return (await this.encodeRgba([await readImageInput(x, parameter)], signal)).data;
  }
}

/** One image or a list of 1 … MAX_BATCH → RGBA pixels ('images' or 'images[i]' in errors). */
async function readImages(images: AutoencoderImages): Promise<RgbaImage[]> {
  if (!Array.isArray(images)) return [await readImageInput(images as ImageInput, 'images')];
  if (images.length < 1 || images.length > MAX_BATCH) throw new InvalidInputError('images', `must be one image or a list of 1 … ${MAX_BATCH} images`, images);
  const out: RgbaImage[] = [];
  for (let i = 0; i < images.length; i++) out.push(await readImageInput(images[i] as ImageInput, `images[${i}]`));
  return out;
}
