/**
 * img2img's `image` → RGBA pixels. Raw pixels and ImageData are read as they are; images, bitmaps and canvases are
 * drawn onto a canvas first (on the calling thread: an HTMLImageElement cannot travel to the worker).
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { ImageInput, RgbaImage } from '../types.js';
import { MAX_IMAGE_PIXELS } from './max-image-pixels.js';

export { MAX_IMAGE_PIXELS };

const EXPECTED = 'must be ImageData, an ImageBitmap, an HTMLImageElement or canvas, or { width, height, data } with RGBA bytes';

function isRaw(x: unknown): x is RgbaImage {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x;
}

/** Refuses a width × height above MAX_IMAGE_PIXELS. */
function checkPixelCount(width: number, height: number, parameter: string): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new InvalidInputError(parameter, `has more than MAX_IMAGE_PIXELS = ${MAX_IMAGE_PIXELS} pixels (8192x8192); scale it down first`, `${width}x${height}`);
  }
}

/**
 * Checks raw RGBA pixels: positive integer sizes of at most MAX_IMAGE_PIXELS, and `data` a Uint8ClampedArray or
 * Uint8Array of exactly width·height·4 bytes (a plain array, a string or a Float32Array would give wrong pixels).
 */
export function checkRgba(image: RgbaImage, parameter = 'image'): RgbaImage {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new InvalidInputError(`${parameter}.width/height`, 'must be positive integers', `${width}x${height}`);
  }
  checkPixelCount(width, height, parameter);
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
    throw new InvalidInputError(`${parameter}.data`, `must be a Uint8ClampedArray or Uint8Array of RGBA bytes (as ImageData.data), not ${describe(data)}`);
  }
  if (data.length !== width * height * 4) {
    throw new InvalidInputError(`${parameter}.data`, `must hold width·height·4 = ${width * height * 4} RGBA bytes for ${width}x${height}`, data);
  }
  return image;
}

/** A short name for what `data` is, for the error (never the value itself: it may be a 1 GB string). */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'a plain array (use Uint8ClampedArray.from(array))';
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  return typeof x === 'object' ? `a ${(x as object).constructor?.name ?? 'object'}` : `a ${typeof x}`;
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
  checkPixelCount(width, height, parameter);
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new InvalidInputError(parameter, 'could not be read: this browser gives no 2D canvas context');
  ctx.drawImage(drawable, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height);
  return { width, height, data: data.data };
}
