/**
 * img2img's `image` → RGBA pixels. Raw pixels and ImageData are read as they are; images, bitmaps and canvases are
 * drawn onto a canvas first (on the calling thread: an HTMLImageElement cannot travel to the worker).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { ImageInput, RgbaImage } from '../types.js';

const EXPECTED = 'must be ImageData, an ImageBitmap, an HTMLImageElement or canvas, or { width, height, data } with RGBA bytes';

function isRaw(x: unknown): x is RgbaImage {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<RgbaImage>;
  return typeof r.width === 'number' && typeof r.height === 'number' && (r.data instanceof Uint8ClampedArray || r.data instanceof Uint8Array);
}

/** Checks raw RGBA pixels: positive integer sizes and width·height·4 bytes. */
export function checkRgba(image: RgbaImage, parameter = 'image'): RgbaImage {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new InvalidInputError(`${parameter}.width/height`, 'must be positive integers', `${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new InvalidInputError(`${parameter}.data`, `must hold width·height·4 = ${width * height * 4} RGBA bytes for ${width}x${height}`, data);
  }
  return image;
}

/** Reads any ImageInput as RGBA pixels at its own size. */
export async function readImageInput(image: ImageInput | undefined, parameter = 'image'): Promise<RgbaImage> {
  if (image === undefined || image === null) throw new InvalidInputError(parameter, `is required: it ${EXPECTED.replace('must be', 'can be')}`);
  if (isRaw(image)) return checkRgba({ width: image.width, height: image.height, data: image.data }, parameter);
  const drawable = image as CanvasImageSource & { width?: number; height?: number; naturalWidth?: number; naturalHeight?: number; complete?: boolean };
  const isDrawable =
    (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) ||
    (typeof OffscreenCanvas !== 'undefined' && image instanceof OffscreenCanvas) ||
    (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) ||
    (typeof HTMLCanvasElement !== 'undefined' && image instanceof HTMLCanvasElement);
  if (!isDrawable) throw new InvalidInputError(parameter, EXPECTED, image);
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) {
    if (!image.complete) await image.decode().catch(() => undefined);
    if (!image.naturalWidth) throw new InvalidInputError(parameter, 'is an <img> that has not loaded (or failed to); await img.decode() first', image.src);
  }
  const width = drawable.naturalWidth || drawable.width || 0;
  const height = drawable.naturalHeight || drawable.height || 0;
  if (!width || !height) throw new InvalidInputError(parameter, 'has no pixels (width or height is 0)', `${width}x${height}`);
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new InvalidInputError(parameter, 'could not be read: this browser gives no 2D canvas context');
  ctx.drawImage(drawable, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height);
  return { width, height, data: data.data };
}
