/**
 * How GeneratedImage.toBlob() turns RGBA pixels into PNG bytes. Browsers and workers encode with the
 * platform (OffscreenCanvas.convertToBlob); the Node entry (webgen/node) installs an encoder on pngjs.
 * No PNG code of our own: codecs are a solved problem.
 */
import { WebgenSdkError } from '../errors/webgen-sdk-error.js';

/** RGBA (8 bits per channel, row-major) → an image/png Blob. */
export type PngEncoder = (rgba: Uint8ClampedArray, width: number, height: number) => Promise<Blob>;

/** The browser's encoder: draw into an OffscreenCanvas and let it write the PNG. */
export const canvasPngEncoder: PngEncoder = async (rgba, width, height) => {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new WebgenSdkError("toBlob() needs OffscreenCanvas (browsers and workers); in Node import from 'webgen/node', whose images encode with pngjs");
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new WebgenSdkError('toBlob(): this browser gave no 2d context for an OffscreenCanvas');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
};

let current: PngEncoder = canvasPngEncoder;

/** The encoder toBlob() uses now. */
export function pngEncoder(): PngEncoder {
  return current;
}

/** Replaces the encoder (the Node entry does, with pngjs). */
export function setPngEncoder(encoder: PngEncoder): void {
  current = encoder;
}
