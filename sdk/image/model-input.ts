/**
 * A batch of RGBA images as an image encoder's input, shared by the engines that take pixels (autoencoder, clip): the
 * engine-side check of a batch, and each image made into model space the way the trainer makes its data
 * (trainer/data/emoji): alpha composited over white at the image's own size (pixels.ts convertChannels) when the model
 * has no alpha, then resized (resize.ts, PIL's bilinear) in floats, then scaled to the model's range, stacked NCHW.
 * Compositing before resizing also keeps the colour of transparent pixels from bleeding into the edges.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { ManifestImage } from '../manifest/types.js';
import type { RgbaImage } from '../types.js';
import { checkRgba } from './image-input.js';
import { convertChannels, hwcToModel, rgbaToModel } from './pixels.js';
import { resizePixels } from './resize.js';

/** Most images (or frames, latents, texts) per forward pass. */
export const MAX_BATCH = 64;

/** Checks a batch as an engine receives it: a list of 1 … MAX_BATCH raw RGBA images (`images[i]` in errors). */
export function checkRgbaBatch(images: readonly RgbaImage[]): void {
  if (!Array.isArray(images) || images.length < 1 || images.length > MAX_BATCH) throw new InvalidInputError('images', `must be a list of 1 … ${MAX_BATCH} images`, images);
  images.forEach((im, i) => checkRgba(im, `images[${i}]`));
}

/** One RGBA image of any size → [C, H, W] at the model's size and in its range (see the module comment). */
export function rgbaImageToModel(im: RgbaImage, image: ManifestImage): Float32Array {
  const { channels: C, height: H, width: W, range } = image;
  if (im.width === W && im.height === H) return rgbaToModel(im.data, W, H, C, range);
  const bytes = new Uint8Array(im.data.buffer, im.data.byteOffset, im.width * im.height * 4);
  const px = C === 4 ? bytes : convertChannels(bytes, 4, C, 255, 255); // [h, w, C] at the image's own size
  return hwcToModel(resizePixels(px, im.width, im.height, C, W, H), W * H, C, range);
}

/** RGBA images of any size → the model's input, `data` [count, C, H, W] (`dims`) in its range. */
export function rgbaBatchToModel(images: readonly RgbaImage[], image: ManifestImage): { data: Float32Array; dims: number[] } {
  const { channels: C, height: H, width: W } = image;
  const per = C * H * W;
  const data = new Float32Array(images.length * per);
  images.forEach((im, i) => data.set(rgbaImageToModel(im, image), i * per));
  return { data, dims: [images.length, C, H, W] };
}
